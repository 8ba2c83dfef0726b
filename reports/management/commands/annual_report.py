"""Write a fund's annual report to a file: the same PDF as the web page's download (or its XLSX tables).

python manage.py annual_report --fund pic-hommelet-2025 --year 2025 --output rapport.pdf
python manage.py annual_report --fund pic-hommelet-2025 --year 2025 --output tableaux.xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from funds.models import Fund
from reports.annual import annual_report
from reports.documents.annual_pdf import render_annual_report_pdf
from reports.documents.annual_xlsx import annual_report_xlsx


class Command(BaseCommand):
    help = "Écrit le rapport annuel d'un fonds dans un fichier PDF (ou XLSX si le nom finit par .xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--fund", required=True, help="Identifiant (slug) du fonds, par exemple pic-hommelet-2025.")
        parser.add_argument("--year", required=True, type=int, help="Année du rapport : celle du fonds.")
        parser.add_argument("--output", required=True, help="Fichier à écrire (.pdf ou .xlsx).")

    def handle(self, *args, fund: str, year: int, output: str, **options):
        found = Fund.objects.filter(slug=fund).first()
        if found is None:
            raise CommandError(f"Aucun fonds n'a l'identifiant « {fund} ».")
        if found.year != year:
            raise CommandError(f"Le fonds « {fund} » est celui de l'année {found.year}, pas de {year}.")
        path = Path(output)
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            raise CommandError("Le fichier doit finir par .pdf ou .xlsx.")
        report = annual_report(fund=found)
        content = annual_report_xlsx(report) if path.suffix.lower() == ".xlsx" else render_annual_report_pdf(report)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {path} : {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Rapport annuel écrit dans {path} ({len(content)} octets)."))
