"""The annual report as a PDF, rendered by WeasyPrint from the same HTML body as the web page.

A4, page numbers ("Page 1 sur 3"), the fund's and the co-funders' names in the header, the fund's name in
every page's footer, French dates and money. The PDF is tagged (PDF/UA-1, with a title and lang="fr"); the
SVG charts are drawn inline, with their title and description, exactly as in the page. No network: only
file: and data: URLs are fetched.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports.annual import AnnualReport

PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "reports/annual/pdf.html"


def annual_report_filename(report: AnnualReport, extension: str) -> str:
    return f"rapport-annuel-{report.fund.slug}-{report.year}.{extension}"


def render_annual_report_pdf(report: AnnualReport) -> bytes:
    with translation.override("fr"):
        html = render_to_string(TEMPLATE, {"report": report, "portal_name": settings.PORTAL_NAME})
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "static"),
        url_fetcher=URLFetcher(allowed_protocols=("file", "data")),
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT)
