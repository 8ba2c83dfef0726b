"""A funder's consolidated report for one year: the page, its PDF and its XLSX (readers:
`reports.permissions.may_read_consolidated_report`; the funder through `reports.access`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.tabular import XLSX_CONTENT_TYPE
from reports import access, consolidated
from reports.documents import consolidated as documents


def _report(request, year: int) -> tuple[consolidated.ConsolidatedReport, list]:
    funder, funders = access.get_consolidated_funder_for_user(request.user, request.GET.get("financeur"))
    return consolidated.consolidated_report(user=request.user, funder=funder, year=year), funders


@login_required
@require_GET
def consolidated_report(request, year: int):
    report, funders = _report(request, year)
    query = f"?financeur={report.funder.pk}" if len(funders) > 1 else ""
    context = {
        "report": report,
        "funders": funders,
        "years": consolidated.years_of(report.funder),
        "query": query,
    }
    return render(request, "reports/consolidated/report.html", context)


@login_required
@require_GET
def consolidated_pdf(request, year: int):
    report, _funders = _report(request, year)
    response = HttpResponse(documents.render_consolidated_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(report, "pdf")}"'
    return response


@login_required
@require_GET
def consolidated_xlsx(request, year: int):
    report, _funders = _report(request, year)
    response = HttpResponse(documents.consolidated_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(report, "xlsx")}"'
    return response
