"""Demo data for `manage.py seed_demo`: fictional people, real places, valid identifiers.

Idempotent: every object is looked up by a natural key and updated in place. Requests, sessions and bilans
are made through the real services (rules, workflow, audit); a request is identified by its fund and title.

The modules, each importing only those before it: `common`, `people` (accounts), `funds` (co-funders,
associations, funds, committees), `filing` (a request through the form's steps), `current` (this year's
requests), `upcoming` (this year's next session and its agenda), `history` (the 2025 year through a closed
session), `bilans` (the 2025 bilans), `annual` (the association's words in the 2025 annual report), `fifty`
(Loos-en-Gohelle's fifty/fifty), then `seed_demo()` here, which calls them in that order.
"""

import datetime

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from applications.models import Holder
from devdata.demo.annual import seed_annual_narrative
from devdata.demo.bilans import seed_bilans
from devdata.demo.current import seed_current
from devdata.demo.cvs import seed_cvs
from devdata.demo.fifty import seed_fifty_fifty
from devdata.demo.filing import demo_group, demo_holder
from devdata.demo.funds import seed_funds
from devdata.demo.history import seed_history
from devdata.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, demo_user
from devdata.demo.upcoming import seed_upcoming

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoAccount", "seed_demo"]


def seed_demo(*, today: datetime.date | None = None) -> dict:
    # The demo sends no real e-mail: notifications (also those sent after commit) go to an in-memory outbox.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        return _seed(today=today or timezone.localdate())


def _seed(*, today: datetime.date) -> dict:
    users = {account.key: demo_user(account) for account in DEMO_ACCOUNTS}
    funds, committee = seed_funds(users=users, today=today)
    holders = _first_holders(users)
    requests = {"current": [], "history": []}
    if "hommelet_current" in funds:
        requests["current"] = seed_current(fund=funds["hommelet_current"], holders=holders, users=users, today=today)
        # This year's next session, with two requests on its agenda (issue 16: members read their dossiers).
        requests["upcoming"] = seed_upcoming(fund=funds["hommelet_current"], holders=holders, users=users, today=today)
    history = funds["hommelet_2025"]
    requests["history"] = seed_history(fund=history, committee=committee, holders=holders, users=users)
    requests["bilans"] = seed_bilans(fund=history, staff=users["staff"])
    seed_annual_narrative(fund=history, staff=users["staff"])
    requests["cvs"] = seed_cvs(users=users, today=today)
    fifty = seed_fifty_fifty(users=users, today=today)
    return {"users": users, "funds": funds, "committee": committee, "requests": requests, "fifty": fifty}


def _first_holders(users: dict) -> dict:
    """The two holders every year's requests use: a residents' group and an association."""
    return {
        "group": demo_group(
            owner=users["resident"],
            name="Les voisins de la rue de la Paix",
            referent_name="Nadia Lemaire",
            first_names="Amel, Jacques, Sonia",
        ),
        "association": demo_holder(
            owner=users["resident2"],
            name="Jardins partagés du Nouveau Roubaix",
            kind=Holder.Kind.ASSOCIATION,
            referent_name="Karim Dubois",
            siret="51472369100010",
            rna="W595000003",
            address="12 rue des Jardins",
            postcode="59100",
            city="Roubaix",
            republican_commitment=True,
        ),
    }
