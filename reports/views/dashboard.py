"""The funders' dashboard and its CSV and XLSX exports (readers: `reports.permissions.may_use_dashboard`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import tabular
from core.tabular import XLSX_CONTENT_TYPE
from reports import access, dashboards, funders_charts
from reports.documents import dashboard_export
from reports.permissions import may_read_consolidated_report


def _filters(request):
    form = dashboards.DashboardFilterForm(request.GET, funds=access.get_dashboard_funds_for_user(request.user))
    return form, dashboards.filters_from(form)


def _consolidated_year(user, filters, rows) -> int | None:
    """The year of the consolidated report the page links to (funders' staff only): the filtered year, or the
    newest year listed, or this year."""
    if not may_read_consolidated_report(user):
        return None
    if filters is not None and filters.year:
        return filters.year
    return max((row.fund.year for row in rows), default=timezone.localdate().year)


def _dashboard(request):
    form, filters = _filters(request)
    return form, filters, dashboards.dashboard_rows(user=request.user, filters=filters)


@login_required
@require_GET
def dashboard(request):
    form, filters = _filters(request)
    # 25 funds a page (the Région co-funds hundreds); the totals are those of the page's funds.
    page = dashboards.dashboard_page(user=request.user, filters=filters, number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = page.object_list
    context = {
        "form": form,
        "filters": filters,
        "rows": rows,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "totals": dashboards.totals(rows),
        "query": query.urlencode(),
        # The charts of the page's funds only (issue 20: a page costs what it shows).
        "charts": funders_charts.dashboard_charts(rows, filters),
        "consolidated_year": _consolidated_year(request.user, filters, rows),
    }
    return render(request, "reports/dashboard/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request):
    _form, _filters, rows = _dashboard(request)
    return tabular.streaming_csv_response(
        filename="tableau-de-bord-financeurs.csv",
        headers=dashboard_export.headers(with_url=True),
        rows=dashboard_export.export_rows(rows, absolute_url=request.build_absolute_uri),
    )


@login_required
@require_GET
def dashboard_xlsx(request):
    _form, _filters, rows = _dashboard(request)
    response = HttpResponse(
        dashboard_export.xlsx_bytes(rows, absolute_url=request.build_absolute_uri),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = 'attachment; filename="tableau-de-bord-financeurs.xlsx"'
    return response
