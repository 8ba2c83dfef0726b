"""`manage.py generate_load_data [--seed 42] [--scale 1.0]`: the benchmark's region-sized load data.

Never on a production database: the command refuses to run on a database that already holds requests
other than load data (unless --force), and everything it writes is labelled (slugs `charge-...`, e-mail
addresses `@charge.example.org`).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from applications.models import Application
from core import public_cache
from devdata.loaddata import DEFAULT_LABEL, Spec, generate, load_data_present


class Command(BaseCommand):
    help = (
        "Generate deterministic load data (20 carrier associations, 60 funds, 20,000 requests, 500 committee "
        "sessions, 8,000 bilans at scale 1.0) for the benchmark. Same seed, same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Seed of the random generator (default 42).")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1.0 for the full region, 5 for a region five times larger (300 funds, 100,000 requests); 0.01 for a "
            "quick run (default 1.0).",
        )
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing (and succeed) when the load data is already there."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even though the database already holds other requests."
        )

    def handle(self, *args, **options):
        if load_data_present(DEFAULT_LABEL):
            if options["if_missing"]:
                self.stdout.write("Load data already present: nothing to do.")
                return
            raise CommandError("Load data is already present in this database: use a fresh database.")
        if Application.objects.exists() and not options["force"]:
            raise CommandError(
                "This database already holds requests: load data goes into a database of its own "
                "(use --force to add it anyway)."
            )
        try:
            spec = Spec.for_scale(seed=options["seed"], scale=options["scale"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        with transaction.atomic():
            summary = generate(spec)
        public_cache.invalidate()  # bulk_create sends no signal: the cached public pages are now stale
        if connection.vendor == "postgresql":
            # Fresh statistics: without them the planner guesses a few dozen rows per table after a bulk load.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(f"Load data (seed {spec.seed}, scale {options['scale']:g}) written in {seconds:.1f} s:")
        for label, count in sorted(summary.counts.items()):
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"Busiest holder account: {summary.busy_holder_email}")
