"""A calendar invitation (iCalendar, RFC 5545) for one event, written by hand: it is a few lines.

- Times are written in UTC (`DTSTART:20250524T160000Z`): no VTIMEZONE block is needed and every calendar shows
  the local time of its reader.
- Text values are escaped (backslash, semicolon, comma, line break: RFC 5545 §3.3.11) and every content line
  longer than 75 octets is folded (CRLF followed by a space, never inside a UTF-8 character: §3.1).
- `METHOD:PUBLISH`: the event is announced, no reply is expected (REQUEST would need an organizer and attendees
  who answer).
"""

import datetime

from django.utils import timezone

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
CONTENT_TYPE = "text/calendar"


def escape_text(value: str) -> str:
    value = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line, folded so that no physical line exceeds 75 octets (continuations start with a space)."""
    parts: list[str] = []
    current, size, limit = [], 0, MAX_LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_calendar(
    *,
    uid: str,
    start: datetime.datetime,
    end: datetime.datetime,
    summary: str,
    location: str = "",
    description: str = "",
    sequence: int = 0,
    product: str = "-//Portail PIC//Convocations//FR",
    stamp: datetime.datetime | None = None,
) -> bytes:
    """The .ics file (UTF-8, CRLF line ends) of one event; `start` and `end` are aware datetimes."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{utc_stamp(stamp or timezone.now())}",
        f"DTSTART:{utc_stamp(start)}",
        f"DTEND:{utc_stamp(end)}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY;LANGUAGE=fr:{escape_text(summary)}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return (CRLF.join(fold(line) for line in lines) + CRLF).encode("utf-8")
