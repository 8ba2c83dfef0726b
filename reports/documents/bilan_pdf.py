"""The bilans as PDFs, rendered through `core.pdf`: one renderer per kind of bilan.

A4, page numbers ("Page 1 sur 3"), the fund's and funders' names, French dates and money; tagged PDF/UA-1
and no network (see `core.pdf`).
"""

from core.pdf import render_pdf
from reports import selectors
from reports.models import Bilan, CvsBilan

PIC_TEMPLATE = "reports/pdf/pic_bilan.html"
CVS_TEMPLATE = "reports/pdf/cvs_bilan.html"


def render_pic_bilan_pdf(*, bilan: Bilan) -> bytes:
    """The micro-project bilan, with seed 000's headings in its order, then the effects grid and the money."""
    bilan = selectors.pic_bilan_for_display(pk=bilan.pk)
    return render_pdf(template=PIC_TEMPLATE, context=selectors.pic_bilan_detail(bilan=bilan))


def render_cvs_bilan_pdf(*, bilan: CvsBilan) -> bytes:
    """The CVS annex 3 bilan: identity sheet, objectives, partners, appraisal, SWOT and budget table."""
    bilan = selectors.cvs_bilan_for_display(pk=bilan.pk)
    return render_pdf(template=CVS_TEMPLATE, context=selectors.cvs_bilan_detail(bilan=bilan))


def render_bilan_pdf(*, bilan: Bilan | CvsBilan) -> bytes:
    """Either kind of bilan."""
    if isinstance(bilan, CvsBilan):
        return render_cvs_bilan_pdf(bilan=bilan)
    return render_pic_bilan_pdf(bilan=bilan)


def bilan_pdf_filename(application) -> str:
    reference = application.reference or f"brouillon-{application.pk}"
    return f"bilan-{reference}.pdf"
