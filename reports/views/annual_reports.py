"""A fund's annual report: the page, its PDF and its workbook (readers: `reports.permissions.readable_funds`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import generated_documents
from core.forms import error_summary, run_service
from core.tabular import XLSX_CONTENT_TYPE
from reports import access, annual, services
from reports.documents import annual_pdf, annual_xlsx
from reports.forms import AnnualNarrativeForm
from reports.permissions import can_write_annual_narrative

ANNUAL_PROJECTS_PER_PAGE = 100


@login_required
@require_GET
def annual_report(request, slug: str, year: int):
    fund = access.get_report_fund_for_user(request.user, slug, year)
    return _report_page(request, fund)


@login_required
@require_POST
def annual_narrative(request, slug: str, year: int):
    """The association's staff save the report's texts (summary, highlights, difficulties, perspectives)."""
    fund = access.get_report_fund_for_user(request.user, slug, year, may=can_write_annual_narrative)
    form = AnnualNarrativeForm(request.POST)
    done, _narrative = run_service(
        form, lambda data: services.save_annual_narrative(user=request.user, fund=fund, **data)
    )
    if done:
        messages.success(
            request, _("Les textes du rapport annuel sont enregistrés : le PDF et le fichier XLSX les reprennent.")
        )
        return redirect(reverse("annual:report", args=[fund.slug, fund.year]) + "#rapport-textes")
    return _report_page(request, fund, form=form, status=400)


def _report_page(request, fund, *, form: AnnualNarrativeForm | None = None, status: int = 200):
    report = annual.annual_report(fund=fund, with_projects=False)
    if form is None and can_write_annual_narrative(request.user, fund):
        form = AnnualNarrativeForm(initial=AnnualNarrativeForm.initial_from(report.narrative))
    # The page lists the projects 100 at a time, and builds only those (every figure is an aggregate over
    # them all); the PDF and XLSX list them all.
    # The page's ids from a narrow query (filter and order only), then the rows of those 100 ids with their
    # amounts: the amounts' subqueries run for the page's projects, not for every project before the sort.
    ordered = annual.filed_requests(fund).order_by("number", "pk").values_list("pk", flat=True)
    paginator = Paginator(ordered, ANNUAL_PROJECTS_PER_PAGE)
    paginator.count = report.activity.received  # the fund's filed requests, counted by the report already
    projects_page = paginator.get_page(request.GET.get("page"))
    rows = annual.project_queryset(fund).filter(pk__in=list(projects_page.object_list))
    projects_page.object_list = annual.project_rows(fund, rows=rows)
    context = {
        "report": report,
        "projects_page": projects_page,
        "projects_page_range": projects_page.paginator.get_elided_page_range(projects_page.number, on_ends=1),
        "narrative_form": form,
        "errors": error_summary(form) if form is not None and form.is_bound else [],
    }
    return render(request, "reports/annual/report.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def annual_report_pdf_page(request, slug: str, year: int):
    """GET: where the report's PDF stands (to prepare, being prepared, ready); POST: prepare it (or reuse the
    up-to-date one). It is built in the background: a large fund's PDF runs to a hundred pages."""
    fund = access.get_report_fund_for_user(request.user, slug, year)
    if request.method == "POST":
        generated_documents.request_document(kind=annual_pdf.ANNUAL_REPORT, key=fund.pk, user=request.user)
        return redirect("annual:report_pdf_page", slug=fund.slug, year=fund.year)
    heading = _("Rapport annuel %(year)s — %(fund)s") % {"year": fund.year, "fund": fund.name}
    context = {
        "fund": fund,
        "document": generated_documents.current_document(kind=annual_pdf.ANNUAL_REPORT, key=fund.pk),
        "heading": heading,
        "intro": _(
            "Le rapport annuel complet en un seul fichier PDF : chiffres, graphiques, textes de l'association et "
            "liste de tous les projets."
        ),
        "request_url": reverse("annual:report_pdf_page", args=[fund.slug, fund.year]),
        "download_url": reverse("annual:report_pdf", args=[fund.slug, fund.year]),
        "back_url": reverse("annual:report", args=[fund.slug, fund.year]),
        "back_label": _("Retour au rapport annuel"),
    }
    return render(request, "reports/annual/pdf_page.html", context)


@login_required
@require_GET
def annual_report_pdf(request, slug: str, year: int):
    """The ready, up-to-date PDF; while there is none, the page that prepares it."""
    fund = access.get_report_fund_for_user(request.user, slug, year)
    document = generated_documents.current_document(kind=annual_pdf.ANNUAL_REPORT, key=fund.pk)
    if document is None or document.status != document.Status.READY:
        return redirect("annual:report_pdf_page", slug=fund.slug, year=fund.year)
    return generated_documents.file_response(document)


@login_required
@require_GET
def annual_report_xlsx(request, slug: str, year: int):
    report = annual.annual_report(fund=access.get_report_fund_for_user(request.user, slug, year))
    response = HttpResponse(annual_xlsx.annual_report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{annual_pdf.annual_report_filename(report, "xlsx")}"'
    return response
