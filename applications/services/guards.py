"""Checks every service of a request shares: who may act, and whether they acted from a fresh page."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from applications import conflicts
from applications.models import Application
from applications.permissions import can_instruct, files_on_behalf, is_fund_staff, is_owner
from applications.workflow import HOLDER_EDITABLE, Status


def refused(message: str) -> PermissionDenied:
    return PermissionDenied(message)


EDIT_CONFLICT_MESSAGE = _(
    "Cette demande a été modifiée par quelqu'un d'autre pendant que vous la consultiez : "
    "rechargez la page pour voir ses changements, puis recommencez."
)


class EditConflict(ValidationError):
    """The request changed (its `version`) since the user loaded the page they acted from."""

    def __init__(self):
        super().__init__({NON_FIELD_ERRORS: [ValidationError(EDIT_CONFLICT_MESSAGE, code="edit_conflict")]})


def check_version(locked: Application, expected_version: int | None) -> None:
    """Refuse a change made from a stale page. `locked` is the row locked in the current transaction;
    `expected_version` is the version the user saw (None: a caller that does not track it, no check)."""
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict()


def check_editable(*, user, application: Application) -> None:
    if not is_owner(user, application):
        raise refused(_("Seule la personne qui a déposé cette demande peut la modifier."))
    if application.status not in HOLDER_EDITABLE:
        raise refused(
            _("Cette demande ne peut plus être modifiée (statut : %(status)s).")
            % {"status": Status(application.status).label}
        )


def check_instructs(user, application: Application, message: str) -> None:
    """Only the fund's association staff (or the administrator) instruct, and never their own request."""
    if is_owner(user, application) and is_fund_staff(user, application) and not files_on_behalf(user, application):
        raise refused(_("Vous avez déposé cette demande : une autre personne de l'équipe doit l'instruire."))
    if is_fund_staff(user, application):
        conflicts.ensure_not_conflicted(user, application, action=_("l'instruire"))
    if not can_instruct(user, application):
        raise refused(message)
