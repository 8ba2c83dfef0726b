"""URL path converters of the portal, registered once (core's AppConfig.ready).

`<id:pk>` is Django's `<int:pk>` bounded to a database id: a value beyond a signed 64-bit integer (the
largest id PostgreSQL and SQLite store) does not match, so the URL answers 404 instead of overflowing in
the query (a 500). Every urls.py uses it for ids.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")  # no match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
