from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from funds.services import QpvFileError, QpvImportReport, import_qpv_file


def qpv_summary(report: QpvImportReport) -> str:
    """French summary of a QPV import, e.g. "26 quartiers créés, 0 mis à jour, 0 inchangés"."""
    return ", ".join(
        [
            ngettext("%(count)d quartier créé", "%(count)d quartiers créés", report.created)
            % {"count": report.created},
            ngettext("%(count)d mis à jour", "%(count)d mis à jour", report.updated) % {"count": report.updated},
            ngettext("%(count)d inchangé", "%(count)d inchangés", report.unchanged) % {"count": report.unchanged},
        ]
    )


class Command(BaseCommand):
    help = _(
        "Importe les quartiers prioritaires (QPV) depuis un fichier national de l'ANCT au format "
        "code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FICHIER.csv", help=_("Chemin du fichier CSV à importer."))

    def handle(self, *args, path: str, **options):
        try:
            report = import_qpv_file(path=path)
        except QpvFileError as error:
            raise CommandError(str(error)) from error
        for line, message in report.errors:
            self.stderr.write(_("Ligne %(line)d : %(message)s") % {"line": line, "message": message})
        self.stdout.write(qpv_summary(report))
        if report.errors:
            raise CommandError(
                ngettext(
                    "%(count)d ligne n'a pas pu être importée ; les autres lignes l'ont été.",
                    "%(count)d lignes n'ont pas pu être importées ; les autres lignes l'ont été.",
                    len(report.errors),
                )
                % {"count": len(report.errors)}
            )
