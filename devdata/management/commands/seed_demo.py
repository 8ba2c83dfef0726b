from django.core.management import BaseCommand, call_command

from devdata.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Creates (or refreshes) the demo data: associations, funds, one account per role. Idempotent."

    def handle(self, *args, **options):
        call_command("load_reference_data", verbosity=0)
        result = seed_demo()
        requests = result["requests"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes : {len(result['funds'])} fonds, "
                f"{len(requests['current']) + len(requests['history'])} demandes créées."
            )
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<38} {account.role}")
