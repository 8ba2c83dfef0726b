"""The association's own words in the demo 2025 annual report (issue 17), written through the real service.

Fictional text; idempotent (written once: a second seeding leaves the staff's edits alone).
"""

from funds.models import Fund
from reports import services as report_services
from reports.models import AnnualNarrative

NARRATIVE = {
    "summary": (
        "En 2025, le fonds a soutenu des fêtes de voisins, un atelier de réparation et des sorties familiales. "
        "Les habitantes et les habitants ont porté eux-mêmes la plupart des projets."
    ),
    "highlights": "La fête du square en juin ; le premier repair café du quartier ; un comité renouvelé à moitié.",
    "difficulties": "Trouver des salles le samedi et des bénévoles pour le comité pendant l'été.",
    "perspectives": "Ouvrir un second appel à l'automne et accompagner davantage les collectifs pour leur bilan.",
}


def seed_annual_narrative(*, fund: Fund, staff) -> AnnualNarrative:
    existing = AnnualNarrative.objects.filter(fund=fund).first()
    if existing is not None:
        return existing
    return report_services.save_annual_narrative(user=staff, fund=fund, **NARRATIVE)
