"""The bilan workflow, as data: its states, the transitions each role may take, and the status groups.

In the manner of `applications.workflow`: services apply a transition through
`reports.services.apply_bilan_transition()` (which checks `may_take()`); nothing else changes a bilan's
status. A bilan transition may carry the request's transition that goes with it (filing the bilan makes the
request "bilan reçu", accepting it "bilan accepté", returning it "bilan attendu" again); that one goes
through `applications.services.apply_transition`, in the same transaction.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.workflow import BILAN_FILED, BILAN_OWING, Role
from applications.workflow import ELIGIBLE_OR_LATER as APPLICATION_ELIGIBLE_OR_LATER


class BilanStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    ACCEPTED = "accepted", _("Accepté")
    RETURNED = "returned", _("Renvoyé au porteur pour correction")


@dataclass(frozen=True)
class BilanTransition:
    slug: str
    sources: tuple[str, ...]
    target: str
    label: str
    roles: tuple[str, ...]
    # The request's transition taken with this one (`applications.workflow`), if any.
    application_transition: str = ""
    comment_required: bool = False


B = BilanStatus
R = Role

TRANSITIONS: tuple[BilanTransition, ...] = (
    BilanTransition("submit", (B.DRAFT,), B.SUBMITTED, _("Déposer le bilan"), (R.HOLDER,), "receive_bilan"),
    BilanTransition(
        "resubmit", (B.RETURNED,), B.SUBMITTED, _("Redéposer le bilan corrigé"), (R.HOLDER,), "receive_bilan"
    ),
    BilanTransition("accept", (B.SUBMITTED,), B.ACCEPTED, _("Accepter le bilan"), (R.STAFF,), "accept_bilan"),
    BilanTransition(
        "return",
        (B.SUBMITTED,),
        B.RETURNED,
        _("Renvoyer le bilan au porteur"),
        (R.STAFF,),
        "return_bilan",
        comment_required=True,
    ),
)

_BY_SLUG = {t.slug: t for t in TRANSITIONS}

# --- Status groups: declared here (bilans) or in applications.workflow (requests) only. ----------------

# The holder may edit a bilan in these states.
BILAN_EDITABLE = frozenset({B.DRAFT, B.RETURNED})
# Bilans whose figures count: filed by the holder (to study) or accepted by the association.
COUNTED_BILAN_STATUSES = (B.SUBMITTED, B.ACCEPTED)
# The request is granted but its bilan is not filed yet (or was returned to the holder).
OWING_STATUSES = BILAN_OWING
# The bilan is filed: to study, accepted and waiting for the balance, or paid.
FILED_STATUSES = BILAN_FILED
# A request in one of these states was declared eligible on its way.
ELIGIBLE_OR_LATER = APPLICATION_ELIGIBLE_OR_LATER


def get_transition(slug: str) -> BilanTransition:
    return _BY_SLUG[slug]


def filing_transition(status: str) -> BilanTransition:
    """A first filing, or a filing again after the association returned the bilan."""
    return get_transition("resubmit" if status == B.RETURNED else "submit")


def may_take(transition: BilanTransition, *, status: str, role: str) -> bool:
    return status in transition.sources and role in transition.roles
