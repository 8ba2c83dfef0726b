"""The funders' dashboard and its CSV and XLSX exports (readers: `reports.permissions.may_use_dashboard`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import tabular
from core.tabular import XLSX_CONTENT_TYPE
from reports import access, dashboards
from reports.documents import dashboard_export


def _filters(request):
    form = dashboards.DashboardFilterForm(request.GET, funds=access.get_dashboard_funds_for_user(request.user))
    return form, dashboards.filters_from(form)


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
    context = {
        "form": form,
        "filters": filters,
        "rows": page.object_list,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "totals": dashboards.totals(page.object_list),
        "query": query.urlencode(),
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
