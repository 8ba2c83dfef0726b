"""Fixtures and helpers shared by the bilan tests (test_bilan_services, _filing, _cvs, _dates, _views)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reports import services
from reports.models import Bilan
from tests import factories as f
from tests.committee_helpers import messages_of  # noqa: F401  (re-exported)

UTC = datetime.UTC


@pytest.fixture(name="application")
def application_fixture(world, resident):
    """Hommelet's request in the 2025 fund, granted, advance paid; planned on 14/06/2025, ended at 20:00 (Paris)."""
    return f.GrantedApplicationFactory(fund=world.fund, created_by=resident)


@pytest.fixture(name="draft_bilan")
def draft_bilan_fixture(application, resident):
    return services.start_bilan(user=resident, application=application)


def action_answers(held_from: str, held_until: str, **extra) -> dict:
    """The PIC bilan's "action" section as the holder posts it, « Suivant » pressed."""
    return {
        "main_objective": "Créer du lien",
        "held_from": held_from,
        "held_until": held_until,
        "proceedings": "Tout s'est bien passé.",
        "mobilised_women": "11",
        "mobilised_men": "5",
        "participant_women": "51",
        "participant_men": "28",
        "action": "next",
        **extra,
    }


def fill_for_submission(bilan: Bilan, resident) -> Bilan:
    services.save_bilan(
        user=resident,
        bilan=bilan,
        data={
            "proceedings": "Une belle journée.",
            "mobilised_women": 11,
            "mobilised_men": 5,
            "participant_women": 51,
            "participant_men": 28,
            "positive_points": "Beaucoup de monde.",
            "help_sufficient": True,
            "wants_to_renew": True,
        },
    )
    services.save_bilan_expenses(
        user=resident,
        bilan=bilan,
        lines=[{"category": "60", "label": "Goûter et boissons", "planned_amount": "300", "actual_amount": "280"}],
    )
    services.add_bilan_attachment(
        user=resident,
        bilan=bilan,
        kind="receipt",
        uploaded_file=SimpleUploadedFile("ticket.pdf", f.MINIMAL_PDF, content_type="application/pdf"),
    )
    return bilan


def jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: EXIF with the camera, the date and the GPS position."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0132] = "2025:05:24 10:15:00"  # DateTime
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (50.0, 41.0, 30.0)
    gps[3] = "E"
    gps[4] = (3.0, 10.0, 20.0)
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, comment=b"secret comment")
    return output.getvalue()
