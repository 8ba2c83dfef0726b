"""The one WeasyPrint wrapper: every PDF of the portal is rendered here.

A document module (`<app>/documents/…`) builds its context and calls `render_pdf`. The PDF is tagged
(PDF/UA-1, with a title and lang="fr") so screen readers can read it, and only `file:` and `data:` URLs
are fetched, relative to the static folder: a template can never make the server reach the network.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

# WeasyPrint logs each rendering step and fontTools each subset glyph at INFO: keep warnings only.
for _noisy in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

PDF_VARIANT = "pdf/ua-1"
ALLOWED_PROTOCOLS = ("file", "data")


def render_html(*, template: str, context: dict) -> str:
    """The document's HTML, in French, with the generation time and the portal's name in its context."""
    context = {"generated_at": timezone.now(), "portal_name": settings.PORTAL_NAME, **context}
    with translation.override("fr"):
        return render_to_string(template, context)


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF from HTML; only local files and data: URLs are read. WeasyPrint is imported lazily."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "static"),
        url_fetcher=URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS),
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(*, template: str, context: dict) -> bytes:
    """Render `template` with `context` to a tagged PDF (see the module's docstring)."""
    return html_to_pdf(render_html(template=template, context=context))
