"""List (and with --delete remove) the files under MEDIA_ROOT that no row references. Run it after a restore."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.files import orphan_files


class Command(BaseCommand):
    help = gettext_lazy("Liste les fichiers de MEDIA_ROOT qu'aucune ligne ne référence (--delete : les supprime).")

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help=_("Supprime les fichiers orphelins."))

    def handle(self, *args, **options):
        orphans = orphan_files()
        for path in orphans:
            self.stdout.write(str(path))
            if options["delete"]:
                path.unlink(missing_ok=True)
        message = _("%(count)s fichier(s) orphelin(s)%(done)s.") % {
            "count": len(orphans),
            "done": _(", supprimé(s)") if options["delete"] else "",
        }
        self.stdout.write(message)
