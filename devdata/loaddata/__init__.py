"""Deterministic load data: a whole region's worth of funds, requests, committees, payments and bilans.

Used by `manage.py generate_load_data` (the benchmark's database) and by the benchmark itself, which builds
small separate "worlds" (one association, one fund, one holder) to count the queries of each page at 10
and at 1,000 rows.

Everything comes from `random.Random` seeded with the given seed (one generator for the overall plan, one
per association for the details), and every timestamp is computed from a fixed reference day (`TODAY`),
never from the clock: the same seed and scale give the same references, amounts, titles and dates.

The rows are written with `bulk_create` (services, e-mails and audit entries are bypassed on purpose: this
is load data), but they follow the workflow: every status has the history, agenda items, votes, decisions,
payments and bilan that the services would have recorded, granted sums never exceed a fund's envelope,
references are numbered per fund in filing order, sessions hold at most `MAX_AGENDA` requests, and every
database constraint holds. Files are not written per row: attachments point to one shared tiny PDF and
photos to one shared tiny PNG.

The modules, in the order a run goes through them (each imports only those before it):
`constants`, `helpers`, `spec`, `writer`, `plan` (statuses, bilans and sessions per fund), `context`,
`bilans`, `payments`, `sessions`, `timeline`, `requests`, `funds` (one fund), `people` (accounts, holders,
one association and its funds), then `generate()` here.
"""

import time
from collections import defaultdict

from devdata.loaddata.constants import DEFAULT_LABEL, LOAD_PASSWORD, MAX_AGENDA, TODAY
from devdata.loaddata.context import Run
from devdata.loaddata.helpers import largest_remainder
from devdata.loaddata.people import add_association, add_funder_staff, prepare_shared
from devdata.loaddata.plan import plan_region
from devdata.loaddata.spec import Spec, Summary, load_data_present
from devdata.loaddata.writer import WRITE_ORDER

__all__ = [
    "DEFAULT_LABEL",
    "LOAD_PASSWORD",
    "MAX_AGENDA",
    "TODAY",
    "WRITE_ORDER",
    "Spec",
    "Summary",
    "generate",
    "largest_remainder",
    "load_data_present",
]


def generate(spec: Spec) -> Summary:
    """Write the load data described by `spec`. Call it inside a transaction: it writes nothing else."""
    started = time.perf_counter()
    run = Run(spec=spec, shared=prepare_shared(spec))
    plans = plan_region(spec)
    by_association = defaultdict(list)
    for plan in plans:
        by_association[plan.association_index].append(plan)
    add_funder_staff(run)
    for index in range(spec.associations):
        add_association(run, index, by_association[index])
        run.writer.flush()
    run.summary.counts = dict(run.writer.counts)
    run.summary.seconds = time.perf_counter() - started
    return run.summary
