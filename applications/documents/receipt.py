"""The PDF receipt of a filed request (*récépissé de dépôt*), rendered by `core.pdf.render_pdf`
(tagged PDF/UA-1, only local files and data: URLs)."""

from applications import selectors
from applications.models import Application
from core.pdf import render_pdf

RECEIPT_TEMPLATE = "applications/pdf/receipt.html"


def receipt_filename(application: Application) -> str:
    return f"recepisse-{application.reference}.pdf"


def render_receipt_pdf(*, application: Application) -> bytes:
    """Every field of the request, its budget and documents, with the reference and filing date."""
    application = selectors.application_for_display(pk=application.pk)
    context = {
        **selectors.application_detail(application=application),
        "fund": application.fund,
        "association": application.fund.association,
        "holder": application.holder,
    }
    return render_pdf(template=RECEIPT_TEMPLATE, context=context)
