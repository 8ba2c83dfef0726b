"""The fifty/fifty workflow, as data: a project's states and an initiative's, and who may take each
transition. Services apply a transition through `get_transition()`; nothing else changes a status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, may_take


class Status(models.TextChoices):
    IDEA = "idea", _("Idée proposée")
    FEASIBILITY = "feasibility", _("Étude de faisabilité")
    AGREED = "agreed", _("Convention à signer")
    SIGNED = "signed", _("Convention signée")
    DONE = "done", _("Projet réalisé")
    ABANDONED = "abandoned", _("Abandonné")


class InitiativeStatus(models.TextChoices):
    DECLARED = "declared", _("À valider par la mairie")
    VALIDATED = "validated", _("Validée")
    REJECTED = "rejected", _("Non retenue")


class Role(models.TextChoices):
    RESIDENT = "resident", _("Habitant ou groupe porteur")
    TOWN = "town", _("Mairie")


S, IS, R = Status, InitiativeStatus, Role

# Commitments (what each side brings) may change until the convention is drafted.
COMMITMENTS_OPEN = (S.IDEA, S.FEASIBILITY)
# A project the town still follows (its staff's list, "à suivre").
IN_PROGRESS = (S.IDEA, S.FEASIBILITY, S.AGREED, S.SIGNED)
# A convention exists (drafted, signed, carried out).
WITH_CONVENTION = (S.AGREED, S.SIGNED, S.DONE)

TRANSITIONS: tuple[Transition, ...] = (
    # The first meeting with the town opens the feasibility study.
    Transition("start_study", (S.IDEA,), S.FEASIBILITY, _("Commencer l'étude de faisabilité"), (R.TOWN,)),
    # Both sides agreed on their commitments: the convention is drafted and can be signed.
    Transition("agree", (S.FEASIBILITY,), S.AGREED, _("Rédiger la convention"), (R.TOWN,)),
    # Back to the study to change the commitments (only while nobody has signed).
    Transition("reopen", (S.AGREED,), S.FEASIBILITY, _("Revoir les engagements"), (R.TOWN,)),
    # The last of the two signatures (either side may sign last, in the portal or on paper).
    Transition("complete_signatures", (S.AGREED,), S.SIGNED, _("Signer la convention"), (R.TOWN, R.RESIDENT)),
    Transition("carry_out", (S.SIGNED,), S.DONE, _("Déclarer le projet réalisé"), (R.TOWN,)),
    Transition(
        "abandon",
        (S.IDEA, S.FEASIBILITY, S.AGREED),
        S.ABANDONED,
        _("Abandonner le projet"),
        (R.TOWN, R.RESIDENT),
        comment_required=True,
    ),
)

INITIATIVE_TRANSITIONS: tuple[Transition, ...] = (
    Transition("validate", (IS.DECLARED,), IS.VALIDATED, _("Valider et publier"), (R.TOWN,)),
    Transition("reject", (IS.DECLARED,), IS.REJECTED, _("Ne pas retenir"), (R.TOWN,), comment_required=True),
)


def get_transition(slug: str, *, table: tuple[Transition, ...] = TRANSITIONS) -> Transition | None:
    return next((t for t in table if t.slug == slug), None)


def available(*, status: str, role: str, table: tuple[Transition, ...] = TRANSITIONS) -> list[Transition]:
    return [t for t in table if may_take(t, status=status, role=role)]
