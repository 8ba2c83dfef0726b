"""Reads whose SQL never changes, built by the ORM once per process and then run as they are.

Building a query costs Django about half a millisecond (cloning, resolving lookups and joins, compiling), often
more than PostgreSQL spends planning and running it when it reads a small table. A page read by anyone, uncached,
such as the showcase's filter choices, pays that on every load for a query that is always the same: no input from
the request, the same tables, the same parameters. `FixedQuery` keeps the SQL and parameters the ORM compiled the
first time for each database, and runs them through the connection's cursor afterwards (still logged, counted
and wrapped like any query: `connection.execute_wrapper`, `CaptureQueriesContext`).

Only for such constant reads, returning plain columns (ids, texts, whole numbers): the rows are the database
driver's tuples, without the ORM's converters (no model instances, no dates or decimals converted).

A read that takes input from the request but always starts from the same conditions (the showcase's granted,
consented, published projects, then a theme, a neighbourhood, a page) uses `PrebuiltQuery`: the ORM builds the
constant part once per process, and each use adds the request's part to a clone of it, compiled and run as usual.
Neither class keeps any row.
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


class PrebuiltQuery:
    """The constant part of a read (`build` returns the queryset: its filters, joins, columns and order), built
    by the ORM once per process, on first use.

    `queryset()` returns a clone each time: the caller filters, slices and evaluates the clone, never the kept
    queryset, which therefore never holds rows (cloning a built query costs a fraction of building it again).
    """

    def __init__(self, build: Callable[[], QuerySet]):
        self._build = build
        self._queryset: QuerySet | None = None

    def queryset(self) -> QuerySet:
        if self._queryset is None:
            self._queryset = self._build()
        return self._queryset.all()
