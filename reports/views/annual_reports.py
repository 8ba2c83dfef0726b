"""A fund's annual report: the page, its PDF and its workbook (readers: `reports.permissions.readable_funds`)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.tabular import XLSX_CONTENT_TYPE
from reports import access, annual
from reports.documents import annual_pdf, annual_xlsx

ANNUAL_PROJECTS_PER_PAGE = 100


@login_required
@require_GET
def annual_report(request, slug: str, year: int):
    fund = access.get_report_fund_for_user(request.user, slug, year)
    report = annual.annual_report(fund=fund, with_projects=False)
    # The page lists the projects 100 at a time, and builds only those (every figure is an aggregate over
    # them all); the PDF and XLSX list them all.
    # The page's ids from a narrow query (filter and order only), then the rows of those 100 ids with their
    # amounts: the amounts' subqueries run for the page's projects, not for every project before the sort.
    ordered = annual.filed_requests(fund).order_by("number", "pk").values_list("pk", flat=True)
    projects_page = Paginator(ordered, ANNUAL_PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = annual.project_queryset(fund).filter(pk__in=list(projects_page.object_list))
    projects_page.object_list = annual.project_rows(fund, rows=rows)
    context = {
        "report": report,
        "projects_page": projects_page,
        "projects_page_range": projects_page.paginator.get_elided_page_range(projects_page.number, on_ends=1),
    }
    return render(request, "reports/annual/report.html", context)


@login_required
@require_GET
def annual_report_pdf(request, slug: str, year: int):
    report = annual.annual_report(fund=access.get_report_fund_for_user(request.user, slug, year))
    response = HttpResponse(annual_pdf.render_annual_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{annual_pdf.annual_report_filename(report, "pdf")}"'
    return response


@login_required
@require_GET
def annual_report_xlsx(request, slug: str, year: int):
    report = annual.annual_report(fund=access.get_report_fund_for_user(request.user, slug, year))
    response = HttpResponse(annual_xlsx.annual_report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{annual_pdf.annual_report_filename(report, "xlsx")}"'
    return response
