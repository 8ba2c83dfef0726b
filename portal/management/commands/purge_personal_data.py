from django.conf import settings
from django.core.management import BaseCommand

from portal.privacy import purge_personal_data

LABELS = {
    "holders": "porteurs anonymisés",
    "messages": "messages effacés",
    "comments": "commentaires d'étape effacés",
    "staff_notes": "notes internes effacées",
    "attachments": "pièces jointes supprimées (fichiers compris)",
    "bilan_reminders": "relances de bilan supprimées",
    "bilans": "bilans allégés de leurs textes personnels",
    "bilan_attachments": "justificatifs et photos de bilan supprimés",
    "effect_narratives": "récits d'effets observés effacés",
    "cvs_bilans": "bilans CVS sans leur personne référente",
    "cvs_requests": "demandes CVS sans leur représentant ni leur personne chargée du dossier",
}


class Command(BaseCommand):
    help = (
        "Anonymises the personal data of requests closed, refused, ineligible or withdrawn for longer than "
        "PORTAL_RETENTION_DAYS (counted from their last status change). Idempotent: run it every night."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Tell what would be anonymised, without changing anything."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        report = purge_personal_data(dry_run=dry_run)
        days = settings.PERSONAL_DATA_RETENTION_DAYS
        if dry_run:
            self.stdout.write(f"Simulation (rien n'est modifié), durée de conservation : {days} jours.")
        if not report.applications:
            self.stdout.write("Aucune donnée personnelle à anonymiser.")
            return
        verb = "seraient anonymisées" if dry_run else "anonymisées"
        self.stdout.write(self.style.SUCCESS(f"{report.applications} demande(s) {verb} :"))
        for key, label in LABELS.items():
            value = getattr(report, key)
            if value:
                self.stdout.write(f"  {value} {label}")
