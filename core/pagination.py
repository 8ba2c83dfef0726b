"""Pagination that sorts and cuts on the ids, then loads only the page's rows with their relations.

With a `select_related` over several tables, PostgreSQL tends to join every matching row before sorting
and cutting the page: thousands of rows joined to show 25. Here the page's ids come from a narrow query
(the filter and the sort only), then one query loads those rows with everything the page shows. The
number of queries stays the same whatever the number of rows (count, ids, rows).
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def paginate_by_ids(queryset: QuerySet, *, per_page: int, number) -> Page:
    """The page `number` (any user input; out of range gives the last page) of the sorted `queryset`,
    whose `object_list` is the list of model instances in the queryset's order."""
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = queryset.order_by().in_bulk(ids) if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
