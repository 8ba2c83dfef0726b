"""The PDF receipt of a filed request (*récépissé de dépôt*), rendered by WeasyPrint from HTML.

No network: only file: and data: URLs are fetched, relative to the static folder. Fonts are the system's.
The PDF is tagged (PDF/UA-1) so screen readers can read it.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications import selectors
from applications.models import Application

# WeasyPrint logs each rendering step and fontTools each subset glyph at INFO: keep warnings only.
# (Imported lazily below: WeasyPrint is heavy and logs while it loads.)
for _noisy in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

RECEIPT_TEMPLATE = "applications/pdf/receipt.html"
PDF_VARIANT = "pdf/ua-1"


def _pdf_options() -> dict:
    """Tagged PDF/UA-1 when this WeasyPrint knows it (62+ for pdf_tags), plain PDF otherwise."""
    try:
        from weasyprint.pdf import VARIANTS
    except ImportError:  # pragma: no cover - very old WeasyPrint
        return {}
    return {"pdf_variant": PDF_VARIANT} if PDF_VARIANT in VARIANTS else {}


def render_receipt_pdf(*, application: Application) -> bytes:
    """Every field of the request, its budget and documents, with the reference and filing date."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    application = selectors.application_for_display(pk=application.pk)
    context = {
        **selectors.application_detail(application=application),
        "fund": application.fund,
        "association": application.fund.association,
        "holder": application.holder,
        "generated_at": timezone.now(),
        "portal_name": settings.PORTAL_NAME,
    }
    with translation.override("fr"):
        html = render_to_string(RECEIPT_TEMPLATE, context)
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "static"),
        url_fetcher=URLFetcher(allowed_protocols=("file", "data")),
    )
    return document.write_pdf(**_pdf_options())
