from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Bilans et rapports")

    def ready(self):
        from applications import next_steps
        from core import public_cache
        from core.generated_documents import register_document
        from reports.documents import annual_pdf
        from reports.models import Bilan, BilanAttachment, BilanStatus, CvsBilan
        from reports.next_steps import links

        # The staff request page links to the bilan to review.
        next_steps.register(links)

        # The annual report's PDF runs to a hundred pages for a large fund: built in the background.
        register_document(
            annual_pdf.ANNUAL_REPORT,
            build=annual_pdf.build_annual_report_pdf,
            fingerprint=annual_pdf.annual_report_pdf_fingerprint,
            filename=annual_pdf.annual_report_pdf_filename,
        )

        # The showcase and the home page show accepted bilans' figures and their consented photos: a bilan
        # being written (or studied) moves nothing.
        public_cache.watch_if(Bilan, shown=_accepted, compare_stored=True)
        public_cache.watch_if(CvsBilan, shown=_accepted, compare_stored=True)
        public_cache.watch_if(
            BilanAttachment,
            shown=lambda attachment: Bilan.objects.filter(pk=attachment.bilan_id, status=BilanStatus.ACCEPTED).exists(),
        )


def _accepted(bilan) -> bool:
    from reports.models import BilanStatus

    return bilan.status == BilanStatus.ACCEPTED
