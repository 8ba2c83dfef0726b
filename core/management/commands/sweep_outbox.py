"""Deliver what the outbox still holds (pending rows due, rows stuck `sending`): beat runs this every minute as
`core.tasks.sweep_outbox`; without a task queue (`make run`), run it by hand to retry failed attempts."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from core import outbox


class Command(BaseCommand):
    help = gettext_lazy("Envoie les e-mails en attente dont l'heure est venue, et relance les envois interrompus.")

    def handle(self, *args, **options):
        self.stdout.write(f"{outbox.sweep()} e-mail(s) remis en file.")
