"""The staff's worklist: who instructs each request (one request, or a selection of the inbox)."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.conflicts import is_conflicted
from applications.models import Application
from applications.permissions import can_instruct, is_fund_staff
from applications.services.guards import refused
from core.services import record_audit
from funds.models import AssociationStaff

# A selection of the inbox is at most one page of rows: a bigger one is refused with a French message.
MAX_SELECTION = 200


def _name(user) -> str:
    return user.get_full_name() or user.email


def _instructor_problem(instructor, application: Application, associations: set[int]) -> str:
    """Why `instructor` may not instruct this request ("" if they may)."""
    if application.fund.association_id not in associations:
        return _(
            "Demande %(ref)s : %(name)s ne fait pas partie de l'équipe de « %(association)s ». Choisissez une "
            "personne de cette équipe."
        ) % {
            "ref": application.display_reference,
            "name": _name(instructor),
            "association": application.fund.association,
        }
    if is_conflicted(instructor, application):
        return _(
            "Demande %(ref)s : %(name)s a un lien avec son porteur et ne peut pas l'instruire. Choisissez une "
            "autre personne de l'équipe."
        ) % {"ref": application.display_reference, "name": _name(instructor)}
    return ""


def _check_may_assign(user, locked: list[Application]) -> None:
    """The user instructs every request: of a fund of their association, and with no link to its holder."""
    if any(not is_fund_staff(user, a) for a in locked):
        raise refused(_("Vous ne pouvez attribuer que les demandes des fonds de votre association."))
    denied = [a for a in locked if not can_instruct(user, a)]
    if denied:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Aucune demande n'a été attribuée : vous avez un lien avec le porteur de %(refs)s. "
                        "Retirez-les de la sélection ; un·e collègue les attribuera."
                    )
                    % {"refs": ", ".join(a.display_reference for a in denied)}
                ]
            }
        )


def assign_instructor(*, user, applications: list[Application], instructor) -> list[Application]:
    """Give the requests an instructor (`None`: nobody), all or none.

    Each request must be one the user instructs, and the instructor one of the staff of its fund's
    association who is not linked to its holder. Every refused request is named in one French error and
    nothing is saved. Requests are locked in id order (request level of the portal's lock order).
    """
    if not applications:
        raise ValidationError({NON_FIELD_ERRORS: [_("Cochez au moins une demande dans la liste.")]})
    if len(applications) > MAX_SELECTION:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Cochez au plus %(max)s demandes à la fois.") % {"max": MAX_SELECTION}]}
        )
    if instructor is not None and not instructor.is_active:
        raise ValidationError({"instructor": [_("Ce compte est désactivé : choisissez une autre personne.")]})
    with transaction.atomic():
        locked = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("fund__association", "holder", "created_by")
            .filter(pk__in=sorted({a.pk for a in applications}))
            .order_by("pk")
        )
        _check_may_assign(user, locked)
        problems = []
        if instructor is not None:
            associations = set(
                AssociationStaff.objects.filter(user=instructor).values_list("association_id", flat=True)
            )
            problems = [p for p in (_instructor_problem(instructor, a, associations) for a in locked) if p]
        if problems:
            raise ValidationError({NON_FIELD_ERRORS: [_("Aucune demande n'a été attribuée."), *problems]})
        changed = []
        for application in locked:
            if application.instructor_id == (instructor.pk if instructor else None):
                continue
            previous = application.instructor_id
            application.instructor = instructor
            application.save(update_fields=["instructor", "updated_at"])
            record_audit(
                actor=user,
                action="application.assign_instructor",
                target=application,
                summary=_name(instructor) if instructor else _("Aucun·e instructeur·rice"),
                data={"from": previous, "to": instructor.pk if instructor else None},
            )
            changed.append(application)
    return changed
