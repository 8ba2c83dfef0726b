"""Pages of the annual reports, the funders' dashboard and the public showcase of funded projects.

Plain function views; every object comes through `reports.access`. Reading rules: the annual report and the
dashboard through `reports.permissions.readable_funds` (the carrier association's staff, the co-funders'
staff, the administrator; 404 for anyone else); the showcase is public and shows only what
`reports.showcase` hands it.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.public_cache import public_page
from core.tabular import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from reports import access, annual, dashboards, showcase
from reports.documents import annual_pdf, annual_xlsx, dashboard_export

ANNUAL_PROJECTS_PER_PAGE = 100

# --- Annual report ----------------------------------------------------------------------------------------


@login_required
@require_GET
def annual_report(request, slug: str, year: int):
    report = annual.annual_report(fund=access.get_report_fund_for_user(request.user, slug, year))
    # The page lists the projects 100 at a time (every figure counts them all); the PDF and XLSX list them all.
    projects_page = Paginator(report.projects, ANNUAL_PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
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


# --- Funders' dashboard -----------------------------------------------------------------------------------


def _dashboard(request):
    form = dashboards.DashboardFilterForm(request.GET, funds=access.get_dashboard_funds_for_user(request.user))
    filters = dashboards.filters_from(form)
    rows = dashboards.dashboard_rows(user=request.user, filters=filters)
    return form, filters, rows


@login_required
@require_GET
def dashboard(request):
    form, filters, rows = _dashboard(request)
    context = {
        "form": form,
        "filters": filters,
        "rows": rows,
        "totals": dashboards.totals(rows),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/dashboard/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request):
    _form, _filters, rows = _dashboard(request)
    response = HttpResponse(
        dashboard_export.csv_text(rows, absolute_url=request.build_absolute_uri), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="tableau-de-bord-financeurs.csv"'
    return response


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


# --- Public showcase --------------------------------------------------------------------------------------


@require_GET
@public_page
def showcase_list(request):
    form = showcase.ShowcaseFilterForm(request.GET)
    page, projects = showcase.showcase_page(form=form, page_number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/showcase/list.html",
        {"form": form, "page": page, "projects": projects, "query": query.urlencode()},
    )


@require_GET
@public_page
def showcase_detail(request, pk: int):
    project = access.get_showcase_project(pk)
    return render(request, "reports/showcase/detail.html", {"project": project})


@require_GET
def showcase_photo(request, pk: int, photo_pk: int):
    """A consented photo of a showcased project: the stored file, re-encoded on upload without metadata."""
    photo = access.get_showcase_photo(pk, photo_pk)
    extension = "png" if photo.content_type == "image/png" else "jpg"
    response = FileResponse(
        photo.file.open("rb"),
        content_type=photo.content_type,
        as_attachment=False,
        filename=f"projet-{pk}-photo-{photo.pk}.{extension}",
    )
    # Short cache: a withdrawn consent must take effect quickly.
    response["Cache-Control"] = "public, max-age=300"
    return response
