"""Give every plural entry of the French catalogue its two forms (run by `make messages`, see core.catalogue)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from core.catalogue import fill_plurals_in


class Command(BaseCommand):
    help = "Donne leurs deux formes aux messages au pluriel du catalogue français (locale/fr)."

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            path = locale_dir / "fr" / "LC_MESSAGES" / "django.po"
            if path.exists():
                filled = fill_plurals_in(path)
                self.stdout.write(f"{path}: {filled}")
