"""A Loos-like fifty/fifty for the tests: the Hommelet association runs it (its staff act as the town)."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from fiftyfifty import services
from fiftyfifty.models import Commitment, Project
from tests import factories as f

MINIMAL_PDF = f.MINIMAL_PDF


def fifty_fund(world, **overrides):
    values = {
        "association": world.hommelet,
        "name": "Fifty/fifty 2025",
        "slug": "fifty-fifty-2025",
        "scheme": "fifty_fifty",
        "year": 2025,
        "envelope": Decimal("5000"),
        "max_grant": Decimal("2000"),
    }
    return f.FundFactory(**(values | overrides))


def idea(fund, resident, **overrides) -> Project:
    data = {
        "title": "Peindre la cour de l'école",
        "idea": "Repeindre les jeux au sol de la cour avec les parents.",
        "place": "École du centre",
        "carried_by": "Les parents de l'école du centre",
        "contact_phone": "",
    } | overrides
    return services.propose_idea(actor=resident, fund=fund, data=data)


def declare_initiative(fund, actor, **overrides):
    """A residents' initiative declared by `actor` (a resident: declared; the town's staff: validated at once)."""
    data = {
        "title": "Ramassage de déchets",
        "description": "Un samedi matin au bord du canal.",
        "carried_by": "Amina",
        "happened_on": datetime.date(2025, 3, 22),
        "place": "",
        "residents_involved": 12,
    } | overrides
    return services.declare_initiative(actor=actor, fund=fund, data=data)


COMMITMENTS = [
    {
        "side": Commitment.Side.RESIDENTS,
        "kind": Commitment.Kind.VOLUNTEER_TIME,
        "description": "Deux samedis de peinture",
        "value": Decimal("0"),
    },
    {
        "side": Commitment.Side.COMMUNE,
        "kind": Commitment.Kind.FINANCIAL,
        "description": "Peinture de sol",
        "value": Decimal("450"),
    },
    {
        "side": Commitment.Side.COMMUNE,
        "kind": Commitment.Kind.TECHNICAL,
        "description": "Prêt d'un échafaudage",
        "value": Decimal("120"),
    },
]


def agreed(fund, resident, staff) -> Project:
    """An idea studied (one meeting), its commitments noted and its convention drafted: ready to sign."""
    project = idea(fund, resident)
    services.record_meeting(
        actor=staff, project=project, held_on=datetime.date(2025, 3, 4), attendees="Parents, mairie", notes="Faisable."
    )
    services.save_commitments(actor=staff, project=project, rows=COMMITMENTS)
    services.draft_convention(
        actor=staff, project=project, starts_on=datetime.date(2025, 4, 1), ends_on=datetime.date(2025, 6, 30)
    )
    project.refresh_from_db()
    return project


def signed_copy() -> SimpleUploadedFile:
    return SimpleUploadedFile("convention-signee.pdf", MINIMAL_PDF, content_type="application/pdf")
