"""Pagination that sorts and cuts on the ids, then loads only the page's rows with their relations.

With a `select_related` over several tables, PostgreSQL tends to join every matching row before sorting
and cutting the page: thousands of rows joined to show 25. Here the page's ids come from a narrow query
(the filter and the sort only), then one query loads those rows with everything the page shows. The
number of queries stays the same whatever the number of rows (count, ids, rows).
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def paginate_by_ids(queryset: QuerySet, *, per_page: int, number, count: int | None = None) -> Page:
    """The page `number` (any user input; out of range gives the last page) of the sorted `queryset`,
    whose `object_list` is the list of model instances in the queryset's order. `count`: the number of rows,
    when the caller has read it already (a count per status, say): no `COUNT(*)` then."""
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = queryset.order_by().in_bulk(ids) if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


@dataclass(frozen=True)
class WindowPage:
    """A page of a list that is never counted: its rows and whether there is a next one."""

    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


MAX_WINDOW_PAGE = 1000


def window_page(queryset: QuerySet, *, per_page: int, number) -> WindowPage:
    """The page `number` (any user input: not a number gives page 1) of the sorted `queryset`, read as one
    `LIMIT per_page + 1` slice: no `COUNT(*)` over the whole list, so a page costs its rows only (with an
    index that serves the order). The page numbers are shown without a total."""
    try:
        number = min(max(int(number), 1), MAX_WINDOW_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return WindowPage(number=number, object_list=rows[:per_page], has_next=len(rows) > per_page)
