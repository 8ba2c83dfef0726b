"""Named personas shared by the whole suite.

The world: two carrier associations (Hommelet in Roubaix, Lille Sud), each with a fund.
The Région co-funds both funds; the Ville de Roubaix co-funds only Hommelet's.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection

from tests import factories as f

# Fixtures shared by the committee test modules (board, open_board, closed_board, granted_requests…).
pytest_plugins = ["tests.committee_helpers"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the public pages' cache lives in the process's memory)."""
    from django.core.cache import caches

    from core import public_cache

    for alias in ("default", "pages"):
        caches[alias].clear()
    public_cache._local_public_version[:] = [None, 0.0]
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()


@dataclass
class World:
    region: object
    city_roubaix: object
    city_lille: object
    hommelet: object
    lille_sud: object
    fund: object  # Hommelet PIC 2025: Région + Ville de Roubaix
    other_fund: object  # Lille Sud PIC 2025: Région + Ville de Lille
    themes: list
    neighbourhood: object
    other_neighbourhood: object
    committee: object


@pytest.fixture
def world(db) -> World:
    roubaix = f.CommuneFactory(insee_code="59512", name="Roubaix")
    lille = f.CommuneFactory(insee_code="59350", name="Lille")
    neighbourhood = f.NeighbourhoodFactory(
        code="QN05980M", name="Quartier Intercommunal Roubaix-Tourcoing", communes=[roubaix]
    )
    other_neighbourhood = f.NeighbourhoodFactory(code="QN05972M", name="Secteur Sud", communes=[lille])
    themes = [
        f.ThemeFactory(slug="innovation-sociale", name="Innovation sociale", position=8),
        f.ThemeFactory(slug="lutte-contre-l-isolement", name="Lutte contre l'isolement", position=2),
    ]
    region = f.FunderFactory(name="Région Hauts-de-France", kind="region")
    city_roubaix = f.FunderFactory(name="Ville de Roubaix", kind="city", commune=roubaix)
    city_lille = f.FunderFactory(name="Ville de Lille", kind="city", commune=lille)
    hommelet = f.CarrierAssociationFactory(name="Centre social de l'Hommelet", slug="hommelet", city="Roubaix")
    lille_sud = f.CarrierAssociationFactory(
        name="Maison de quartier Lille Sud", slug="lille-sud", city="Lille", postcode="59000"
    )
    fund = f.FundFactory(
        association=hommelet,
        name="PIC Hommelet 2025",
        slug="pic-hommelet-2025",
        themes=themes,
        neighbourhoods=[neighbourhood],
    )
    other_fund = f.FundFactory(
        association=lille_sud,
        name="PIC Lille Sud 2025",
        slug="pic-lille-sud-2025",
        themes=themes,
        neighbourhoods=[other_neighbourhood],
    )
    f.FundCoFunderFactory(fund=fund, funder=region, amount=Decimal("14000"))
    f.FundCoFunderFactory(fund=fund, funder=city_roubaix, amount=Decimal("6000"))
    f.FundCoFunderFactory(fund=other_fund, funder=region, amount=Decimal("10000"))
    f.FundCoFunderFactory(fund=other_fund, funder=city_lille, amount=Decimal("10000"))
    committee = f.CommitteeFactory(fund=fund, name="Comité d'attribution de l'Hommelet")
    return World(
        region,
        city_roubaix,
        city_lille,
        hommelet,
        lille_sud,
        fund,
        other_fund,
        themes,
        neighbourhood,
        other_neighbourhood,
        committee,
    )


def _persona(email: str, first_name: str, last_name: str, role=None, **where):
    """A user; given `role` (a staff or member factory), also that role over `where`."""
    user = f.UserFactory(email=email, first_name=first_name, last_name=last_name)
    if role is not None:
        role(user=user, **where)
    return user


@pytest.fixture
def resident(db):
    return _persona("amina.resident@example.org", "Amina", "Habitante")


@pytest.fixture
def other_resident(db):
    return _persona("bruno.resident@example.org", "Bruno", "Voisin")


@pytest.fixture
def staff(world):
    """Staff of the Hommelet carrier association."""
    return _persona(
        "staff.hommelet@example.org", "Claire", "Porteuse", f.AssociationStaffFactory, association=world.hommelet
    )


@pytest.fixture
def other_staff(world):
    """Staff of the Lille Sud carrier association: must never see Hommelet's data."""
    return _persona(
        "staff.lillesud@example.org", "David", "Autre", f.AssociationStaffFactory, association=world.lille_sud
    )


@pytest.fixture
def committee_member(world):
    return _persona(
        "membre.comite@example.org",
        "Estelle",
        "Comité",
        f.CommitteeMemberFactory,
        committee=world.committee,
        full_name="Estelle Comité",
    )


@pytest.fixture
def region_staff(world):
    return _persona("agent.region@example.org", "Fanny", "Région", f.FunderStaffFactory, funder=world.region)


@pytest.fixture
def city_staff(world):
    """Staff of the Ville de Roubaix: reads Hommelet's fund, not Lille Sud's."""
    return _persona("agent.roubaix@example.org", "Gilles", "Ville", f.FunderStaffFactory, funder=world.city_roubaix)


@pytest.fixture
def outsider(db):
    return f.UserFactory(email="inconnu@example.org", first_name="Hugo", last_name="Dehors")


@pytest.fixture
def admin_user(db):
    return f.UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` run for real on PostgreSQL and skip, with the reason, on SQLite."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks, concurrent transactions); run with DATABASE_URL=postgres://..."
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _outbox_delivers_when_the_code_commits(monkeypatch):
    """E-mails leave once the transaction that queued them commits (core.outbox). A test's own transaction never
    commits, so a message queued where the code runs in autocommit mode (no atomic block of its own, e.g. the
    password-reset view) is delivered at once, as in production; one queued inside the code's own transaction is
    delivered when `django_capture_on_commit_callbacks(execute=True)` runs the callbacks, as in production.
    """
    from django.db import transaction

    from core.outbox import services

    def schedule_delivery(pk: int) -> None:
        if all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
            services.enqueue_delivery(pk)
        else:
            transaction.on_commit(lambda: services.enqueue_delivery(pk), robust=True)

    monkeypatch.setattr(services, "schedule_delivery", schedule_delivery)
