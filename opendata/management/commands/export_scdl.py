"""Write a fund's grants of a year in the SCDL "subventions" format, checked against the schema first.

    manage.py export_scdl --fund pic-hommelet-2025 --year 2025 [--out DIR]

Writes DIR/<fund>/<year>/subventions.csv and subventions.json. When a value breaks the schema (e.g. the
carrier association has no SIRET), nothing is written and the command fails naming the fund and the field.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from funds.models import Fund
from opendata import scdl
from opendata.publication import NotPublishable, checked_rows
from opendata.writers import WRITERS


class Command(BaseCommand):
    help = "Exporte les subventions d'un fonds et d'une année au format SCDL subventions 2.1.1 (CSV et JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--fund", required=True, help="Identifiant (slug) du fonds.")
        parser.add_argument("--year", required=True, type=int, help="Année des décisions (AAAA).")
        parser.add_argument("--out", default="donnees-ouvertes", help="Dossier de sortie.")

    def handle(self, *args, fund: str, year: int, out: str, **options):
        try:
            found = Fund.objects.select_related("association").get(slug=fund)
        except Fund.DoesNotExist:
            raise CommandError(f"Aucun fonds d'identifiant « {fund} ».") from None
        try:
            rows = checked_rows(fund=found, year=year)
        except NotPublishable as error:
            raise CommandError(f"Export refusé, rien n'a été écrit. {error}") from None
        folder = Path(out) / found.slug / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for extension, (write, _content_type) in WRITERS.items():
            path = folder / f"{scdl.FILE_STEM}.{extension}"
            path.write_text(write(rows, fields=scdl.fields()), encoding="utf-8")
            self.stdout.write(f"{path} : {len(rows)} subvention(s)")
