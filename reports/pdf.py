"""The bilans as PDFs, rendered by WeasyPrint from HTML: one renderer per document.

A4, page numbers ("Page 1 sur 3"), the fund's and funders' names, French dates and money. The PDF is
tagged (PDF/UA-1, with a title and lang="fr") so screen readers can read it. No network: only file:
and data: URLs are fetched.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports import selectors
from reports.models import Bilan, CvsBilan

PDF_VARIANT = "pdf/ua-1"
PIC_TEMPLATE = "reports/pdf/pic_bilan.html"
CVS_TEMPLATE = "reports/pdf/cvs_bilan.html"


def _write_pdf(*, template: str, context: dict) -> bytes:
    context = {**context, "generated_at": timezone.now(), "portal_name": settings.PORTAL_NAME}
    with translation.override("fr"):
        html = render_to_string(template, context)
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "static"),
        url_fetcher=URLFetcher(allowed_protocols=("file", "data")),
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pic_bilan_pdf(*, bilan: Bilan) -> bytes:
    """The micro-project bilan, with seed 000's headings in its order, then the effects grid and the money."""
    bilan = selectors.pic_bilan_for_display(pk=bilan.pk)
    return _write_pdf(template=PIC_TEMPLATE, context=selectors.pic_bilan_detail(bilan=bilan))


def render_cvs_bilan_pdf(*, bilan: CvsBilan) -> bytes:
    """The CVS annex 3 bilan: identity sheet, objectives, partners, appraisal, SWOT and budget table."""
    bilan = selectors.cvs_bilan_for_display(pk=bilan.pk)
    return _write_pdf(template=CVS_TEMPLATE, context=selectors.cvs_bilan_detail(bilan=bilan))
