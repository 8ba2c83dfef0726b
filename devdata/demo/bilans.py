"""Demo bilans for the 2025 Hommelet fund, through the bilan services: one accepted and paid
(modelled on the real bilan of seed 000, without anyone's name), one filed and waiting."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from applications.models import Application
from committees import services as committee_services
from devdata.demo.common import DEMO_PDF
from reports import services as bilan_services
from reports.models import Bilan


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (640, 420), (70, 130, 180))
    for x in range(0, 640, 40):
        for y in range(0, 420, 40):
            image.putpixel((x, y), (255, 220, 0))
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("fete.jpg", buffer.getvalue(), "image/jpeg")


BILANS = {
    "Lien social, partage et animation de quartier": {
        "data": {
            "main_objective": "Créer du lien entre les habitant·es, lutter contre l'isolement et favoriser la mixité "
            "lors d'un événement convivial ouvert aux familles du quartier.",
            "proceedings": "Malgré un temps pluvieux, l'ambiance fut conviviale, participative et "
            "intergénérationnelle. Les jeunes ont pris en charge la logistique et le barbecue.",
            "mobilised_women": 11,
            "mobilised_men": 5,
            "participant_women": 51,
            "participant_men": 28,
            "positive_points": "Implication active des jeunes ; nombreux témoignages positifs sur la diversité des "
            "activités et la qualité de l'accueil.",
            "difficulties": "L'espace est restreint, en particulier les jours de pluie.",
            "results": "Renforcement du sentiment d'appartenance, nouveaux liens créés entre voisin·es.",
            "helpers": "Le centre social",
            "help_received": "Rédaction des dossiers de demande et mise en place de l'évènement",
            "help_sufficient": True,
            "wants_to_renew": True,
            "other_ideas": "Café citoyen ; parcours citoyen pour les jeunes (droits, institutions, fausses "
            "informations, participation démocratique).",
        },
        "effects": [
            {
                "effect": "social_ties",
                "publics": ["neighbours", "local_actors"],
                "changes": ["social_ties.public_events", "social_ties.project_life"],
                "narrative": "Des familles qui ne se connaissaient pas ont préparé le repas ensemble.",
            },
            {
                "effect": "inclusion",
                "publics": [],
                "changes": ["inclusion.belonging"],
                "narrative": "Plusieurs habitant·es disent se sentir davantage du quartier.",
            },
        ],
        "spent": "880.00",
        "accept": True,
    },
    "Ateliers cuisine du monde": {
        "data": {
            "main_objective": "Partager les cuisines des familles du quartier.",
            "proceedings": "Six ateliers le samedi matin, chaque fois animés par une habitante différente.",
            "mobilised_women": 9,
            "mobilised_men": 3,
            "participant_women": 35,
            "participant_men": 12,
            "positive_points": "Des recettes échangées et un livret imprimé.",
            "difficulties": "Peu d'hommes aux ateliers.",
            "results": "Un groupe d'habitantes prépare la suite.",
            "helpers": "Le centre social et l'épicerie solidaire",
            "help_received": "Prêt de la cuisine",
            "help_sufficient": True,
            "wants_to_renew": True,
            "other_ideas": "Un repas de quartier en fin d'année.",
        },
        "effects": [
            {
                "effect": "solidarity",
                "publics": ["neighbours", "in_difficulty"],
                "changes": ["solidarity.skills"],
                "narrative": "Des savoir-faire culinaires se sont transmis entre générations.",
            },
            {
                "effect": "gender_equality",
                "publics": [],
                "changes": ["gender_equality.public_more_women"],
                "narrative": "Surtout des femmes ; un atelier pères-enfants est envisagé.",
            },
        ],
        "spent": "640.00",
        "accept": False,
    },
}


def seed_bilans(*, fund, staff) -> list[Bilan]:
    """File the demo bilans of `fund`'s granted requests (idempotent: skips those already started)."""
    bilans = []
    for title, spec in BILANS.items():
        application = Application.objects.filter(fund=fund, title=title).first()
        if application is None or Bilan.objects.filter(application=application).exists():
            continue
        holder = application.created_by
        bilan = bilan_services.start_bilan(user=holder, application=application)
        bilan_services.save_bilan(
            user=holder,
            bilan=bilan,
            data={**spec["data"], "held_from": application.starts_at, "held_until": application.ends_at},
        )
        lines = [
            {
                "category": line.category,
                "label": line.label,
                "planned_amount": line.planned_amount,
                "actual_amount": line.planned_amount,
            }
            for line in bilan.expenses.all()
        ]
        spent = Decimal(spec["spent"])
        lines[0]["actual_amount"] = spent - sum((line["actual_amount"] for line in lines[1:]), Decimal("0"))
        bilan_services.save_bilan_expenses(user=holder, bilan=bilan, lines=lines)
        bilan_services.set_effects(user=holder, bilan=bilan, observations=spec["effects"])
        bilan_services.add_bilan_attachment(
            user=holder,
            bilan=bilan,
            kind="receipt",
            uploaded_file=SimpleUploadedFile("facture.pdf", DEMO_PDF, "application/pdf"),
        )
        bilan_services.add_bilan_attachment(
            user=holder, bilan=bilan, kind="photo", uploaded_file=_photo(), public_consent=True
        )
        bilan_services.submit_bilan(user=holder, bilan=bilan)
        if spec["accept"]:
            bilan_services.accept_bilan(user=staff, bilan=bilan)
            application.refresh_from_db()
            committee_services.record_payment(
                user=staff,
                application=application,
                kind="balance",
                paid_on=datetime.date(2025, 7, 1),
                method="transfer",
                reference=f"VIR-{application.reference}-S",
            )
            application.refresh_from_db()
            bilan_services.close_after_bilan(user=staff, application=application)
        bilans.append(bilan)
    return bilans
