from django.core.management.base import BaseCommand

from webhooks import delivery


class Command(BaseCommand):
    help = "Envoie les livraisons webhook dont le prochain essai est dû (sans broker : à lancer par cron)."

    def handle(self, *args, **options):
        count = delivery.retry_due()
        self.stdout.write(f"{count} livraison(s) essayée(s).")
