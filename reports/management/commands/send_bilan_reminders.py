"""E-mail holders about their bilan: 7 days before the due date, 7 and 30 days after.

Run it once a day (cron). Running it more often, or twice at once, sends nothing twice: each reminder is
a `BilanReminder` row, unique per request and kind. A run missed on a reminder's day catches up on the
next run, sending only the latest reminder due, never an earlier one afterwards.
"""

import datetime
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import selectors, services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = gettext_lazy("Envoie les relances de bilan : 7 jours avant la date limite, 7 et 30 jours après.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help=_("Jour à considérer comme aujourd'hui (AAAA-MM-JJ). Par défaut : aujourd'hui."),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Affiche les relances sans les envoyer."))

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(_("--date attend une date AAAA-MM-JJ, par exemple 2025-06-30.")) from error
        sent = skipped = failed = 0
        for reminder in selectors.reminders_to_send(today=today):
            application = reminder.application
            if options["dry_run"]:
                self.stdout.write(f"{application.display_reference} : {reminder.kind} ({reminder.due_date:%d/%m/%Y})")
                continue
            try:
                done = services.send_bilan_reminder(
                    application=application, kind=reminder.kind, due_date=reminder.due_date, today=today
                )
            except Exception:  # one failing address must not stop the others; the next run tries again
                logger.exception("Bilan reminder %s for application %s failed", reminder.kind, application.pk)
                failed += 1
                continue
            if done:
                sent += 1
            else:
                skipped += 1
        self.stdout.write(
            _("Relances envoyées : %(sent)s, déjà envoyées : %(skipped)s, en échec : %(failed)s.")
            % {"sent": sent, "skipped": skipped, "failed": failed}
        )
        if failed:
            raise CommandError(
                _("%(failed)s relance(s) n'ont pas pu être envoyées : voir le journal.") % {"failed": failed}
            )
