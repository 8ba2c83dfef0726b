"""Reads whose SQL never changes, built by the ORM once per process and then run as they are.

Building a query costs Django about half a millisecond (cloning, resolving lookups and joins, compiling), often
more than PostgreSQL spends planning and running it when it reads a small table. A page read by anyone, uncached,
such as the showcase's filter choices, pays that on every load for a query that is always the same: no input from
the request, the same tables, the same parameters. `FixedQuery` keeps the SQL and parameters the ORM compiled the
first time for each database, and runs them through the connection's cursor afterwards (still logged, counted
and wrapped like any query: `connection.execute_wrapper`, `CaptureQueriesContext`).

Only for such constant reads, returning plain columns (ids, texts, whole numbers): the rows are the database
driver's tuples, without the ORM's converters (no model instances, no dates or decimals converted). A query that
takes any input from the request is built by the ORM each time, as usual.
"""

from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet


class FixedQuery:
    """A constant read: `build` returns the queryset (`values_list` of plain columns), called on first use."""

    def __init__(self, build: Callable[[], QuerySet]):
        self._build = build
        self._compiled: dict[tuple[str, str], tuple[str, tuple]] = {}

    def _sql(self, alias: str) -> tuple[str, tuple]:
        connection = connections[alias]
        key = (alias, connection.settings_dict["ENGINE"])
        if key not in self._compiled:
            queryset = self._build()
            sql, params = queryset.query.get_compiler(using=alias).as_sql()
            self._compiled[key] = (sql, tuple(params))
        return self._compiled[key]

    def rows(self, *, using: str = "default") -> list[tuple]:
        sql, params = self._sql(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
