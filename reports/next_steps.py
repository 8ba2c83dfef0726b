"""The bilans' link on the staff request page (`applications.next_steps`): a bilan received is to review."""

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Application
from applications.workflow import Status


def links(application: Application) -> list[dict[str, str]]:
    if application.status == Status.BILAN_RECEIVED:
        return [
            {
                "label": _("Étudier le bilan reçu"),
                "url": reverse("reports:bilan", kwargs={"pk": application.pk}),
                "kind": "bilan",
            }
        ]
    return []
