"""The annual report as a PDF, rendered through `core.pdf` from the same HTML body as the web page.

A4, page numbers ("Page 1 sur 3"), the fund's and the co-funders' names in the header, the fund's name in
every page's footer, French dates and money. The SVG charts are drawn inline, with their title and
description, exactly as in the page; tagged PDF/UA-1 and no network (see `core.pdf`).

A fund of thousands of projects makes a PDF of a hundred pages: it is built in the background
(`core.generated_documents`, kind `ANNUAL_REPORT`, registered in reports/apps.py), never in a web request,
and reused until what it shows changes (`reports.annual.fingerprint`).
"""

from core.pdf import render_pdf
from funds.models import Fund
from reports.annual import AnnualReport, annual_report
from reports.annual.fingerprint import annual_report_fingerprint

TEMPLATE = "reports/annual/pdf.html"
ANNUAL_REPORT = "reports.annual_report"


def annual_report_filename(report: AnnualReport, extension: str) -> str:
    return filename_of(report.fund, extension)


def filename_of(fund: Fund, extension: str) -> str:
    return f"rapport-annuel-{fund.slug}-{fund.year}.{extension}"


def render_annual_report_pdf(report: AnnualReport) -> bytes:
    return render_pdf(template=TEMPLATE, context={"report": report})


# The document kind's three functions (key: the fund's id).


def build_annual_report_pdf(key: str) -> bytes:
    return render_annual_report_pdf(annual_report(fund=Fund.objects.get(pk=int(key))))


def annual_report_pdf_fingerprint(key: str) -> str:
    return annual_report_fingerprint(fund_id=int(key))


def annual_report_pdf_filename(key: str) -> str:
    return filename_of(Fund.objects.get(pk=int(key)), "pdf")
