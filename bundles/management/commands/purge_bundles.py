from django.core.management.base import BaseCommand

from bundles import services


class Command(BaseCommand):
    help = "Supprime les dossiers complets (ZIP) dont le lien de téléchargement a expiré."

    def handle(self, *args, **options):
        count = services.purge_expired()
        self.stdout.write(f"{count} dossier(s) supprimé(s).")
