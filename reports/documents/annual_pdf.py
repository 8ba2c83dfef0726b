"""The annual report as a PDF, rendered through `core.pdf` from the same HTML body as the web page.

A4, page numbers ("Page 1 sur 3"), the fund's and the co-funders' names in the header, the fund's name in
every page's footer, French dates and money. The SVG charts are drawn inline, with their title and
description, exactly as in the page; tagged PDF/UA-1 and no network (see `core.pdf`).
"""

from core.pdf import render_pdf
from reports.annual import AnnualReport

TEMPLATE = "reports/annual/pdf.html"


def annual_report_filename(report: AnnualReport, extension: str) -> str:
    return f"rapport-annuel-{report.fund.slug}-{report.year}.{extension}"


def render_annual_report_pdf(report: AnnualReport) -> bytes:
    return render_pdf(template=TEMPLATE, context={"report": report})
