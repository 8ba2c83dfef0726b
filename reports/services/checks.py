"""What every bilan service checks first: who acts, whether the bilan is open, and small input helpers."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from applications import conflicts
from applications.models import Application
from applications.workflow import Status
from core.validation import Errors, add_error
from reports import selectors
from reports.models import Bilan, BilanStatus, CvsBilan
from reports.permissions import is_holder, is_reviewer
from reports.workflow import OWING_STATUSES


def clean_value(value):
    return value.strip() if isinstance(value, str) else value


def check_holder(user, application: Application) -> None:
    if not is_holder(user, application):
        raise PermissionDenied(_("Seule la personne qui a déposé la demande remplit et dépose son bilan."))


def check_editable(bilan: Bilan | CvsBilan) -> None:
    if not bilan.is_editable:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Ce bilan est déposé (statut : %(status)s) : il ne peut plus être modifié, sauf si "
                        "l'association porteuse vous le renvoie pour correction."
                    )
                    % {"status": BilanStatus(bilan.status).label}
                ]
            }
        )
    if bilan.application.status not in OWING_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Le bilan de cette demande ne peut plus être modifié (statut de la demande : %(status)s).")
                    % {"status": Status(bilan.application.status).label}
                ]
            }
        )


def check_reviewer(user, application: Application) -> None:
    if is_reviewer(user, application):
        conflicts.ensure_not_conflicted(user, application, action=_("étudier son bilan"))
    if not is_reviewer(user, application):
        raise PermissionDenied(
            _("Seule l'équipe de l'association porteuse du fonds « %(fund)s » étudie ses bilans.")
            % {"fund": application.fund.name}
        )


def check_can_start(*, user, application: Application, cvs: bool) -> None:
    check_holder(user, application)
    if selectors.uses_cvs_bilan(application) != cvs:
        message = (
            _("Ce fonds demande le bilan du Contrat de ville (annexe 3) : ouvrez-le depuis la page de la demande.")
            if not cvs
            else _(
                "Ce fonds demande le bilan d'un projet d'initiative citoyenne : ouvrez-le depuis la page de la demande."
            )
        )
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    if application.status not in OWING_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Le bilan se remplit une fois la subvention accordée, jusqu'à son dépôt "
                        "(statut de la demande : %(status)s)."
                    )
                    % {"status": Status(application.status).label}
                ]
            }
        )


def lines_error(errors: Errors, number: int, message: str) -> None:
    add_error(errors, "lines", _("Ligne %(number)s : %(message)s") % {"number": number, "message": message})


def amount_or(value, default: Decimal | None = None):
    """An amount as given (full_clean() turns "12.50" into a Decimal, or says in French it is not one)."""
    return default if value is None or (isinstance(value, str) and not value.strip()) else value
