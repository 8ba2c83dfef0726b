"""The fund's eligibility grid and one request's checks against it."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.locks import lock_application, lock_criterion_check, lock_fund
from applications.models import Application, CriterionCheck, EligibilityCriterion
from applications.services.guards import check_instructs, check_version, refused
from applications.workflow import IN_INSTRUCTION, Status
from core.services import record_audit
from core.validation import Errors, copy_fields, raise_if
from funds.models import Fund
from funds.permissions import can_manage_fund

# The default eligibility grid, offered to a fund that has none (the association edits it in the admin).
DEFAULT_CRITERIA: tuple[tuple[str, str], ...] = (
    (
        "Le projet se déroule dans un quartier prioritaire",
        "Le lieu et le public du projet relèvent d'un quartier prioritaire (QPV) couvert par le fonds.",
    ),
    (
        "Le porteur est un collectif d'habitant·es ou une association de proximité",
        "Un groupe d'habitant·es du quartier, ou une petite association locale (SIRET ou RNA vérifié).",
    ),
    (
        "Les dépenses sont des dépenses de fonctionnement",
        "Pas d'investissement ni de matériel durable : achats, locations, prestations liés au projet.",
    ),
    (
        "Le budget est équilibré",
        "Le total des dépenses est égal au total des ressources, subvention demandée comprise.",
    ),
    (
        "Les pièces obligatoires sont jointes",
        "RIB au nom du porteur, devis, statuts pour une association : lisibles et à jour.",
    ),
)


# Which default criteria the portal can pre-fill (`EligibilityCriterion.auto_check`, `selectors.automatic_checks`).
DEFAULT_AUTO_CHECKS: dict[str, str] = {
    "Le projet se déroule dans un quartier prioritaire": "neighbourhood",
    "Le budget est équilibré": "budget",
    "Les pièces obligatoires sont jointes": "attachments",
}


def ensure_default_criteria(*, fund: Fund, user=None) -> list[EligibilityCriterion]:
    """The fund's eligibility grid; a fund that has none gets DEFAULT_CRITERIA. Idempotent.

    With `user`, only the staff of the fund's carrier association (or the administrator) may do it;
    without, it is a system call (start of an instruction, demo data). Locks the fund's row so two
    first instructions at once create one grid, not two.
    """
    if user is not None and not can_manage_fund(user, fund):
        raise refused(_("Seule l'équipe de l'association porteuse du fonds peut créer sa grille de recevabilité."))
    with transaction.atomic():
        lock_fund(fund)
        criteria = list(EligibilityCriterion.objects.filter(fund_id=fund.pk).order_by("position", "id"))
        if criteria:
            return criteria
        new = [
            EligibilityCriterion(
                fund_id=fund.pk,
                label=label,
                help_text=help_text,
                position=position,
                is_required=True,
                auto_check=DEFAULT_AUTO_CHECKS.get(label, ""),
            )
            for position, (label, help_text) in enumerate(DEFAULT_CRITERIA, start=1)
        ]
        for criterion in new:
            criterion.full_clean()
        EligibilityCriterion.objects.bulk_create(new)
        record_audit(
            actor=user,
            action="fund.default_criteria",
            target=fund,
            summary=fund.name,
            data={"criteria": len(new)},
        )
    return list(EligibilityCriterion.objects.filter(fund_id=fund.pk).order_by("position", "id"))


def _answer_errors(*, application: Application, criterion: EligibilityCriterion, met, comment: str) -> Errors:
    errors: Errors = {}
    if criterion.fund_id != application.fund_id:
        errors["criterion"] = [
            _("Ce critère n'est pas dans la grille du fonds de cette demande : choisissez un critère de la liste.")
        ]
    if met not in (True, False, None):
        errors["met"] = [_("Indiquez si le critère est rempli : « Oui », « Non » ou « Pas encore vérifié ».")]
    elif met is False and not comment:
        errors["comment"] = [
            _("Expliquez en une phrase pourquoi le critère n'est pas rempli : l'équipe s'en servira pour décider.")
        ]
    return errors


def _grid_closed(status: str) -> ValidationError:
    """The grid is filled in while the request is being instructed; after the decision on eligibility it is kept."""
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                _(
                    "La grille ne peut plus être modifiée : la demande est « %(status)s ». "
                    "Elle se remplit pendant l'instruction, avant de déclarer la demande recevable ou non."
                )
                % {"status": Status(status).label}
            ]
        }
    )


def _grid_changed(*, user, locked: Application, action: str, summary: str, data: dict) -> None:
    """A saved answer of the grid, audited. The grid is part of the request: its version moves, so that whoever
    acts from an older page sees this answer first."""
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    record_audit(actor=user, action=action, target=locked, summary=summary, data=data)


def record_criterion_check(
    *,
    user,
    application: Application,
    criterion: EligibilityCriterion,
    met: bool | None,
    comment: str = "",
    expected_version: int | None = None,
) -> CriterionCheck:
    """Staff say whether one criterion of the fund's grid is met (True), not met (False) or not checked yet (None)."""
    check_instructs(user, application, _("Seule l'équipe de l'association porteuse du fonds peut remplir sa grille."))
    comment = (comment or "").strip()
    raise_if(_answer_errors(application=application, criterion=criterion, met=met, comment=comment))
    with transaction.atomic():
        locked = lock_application(application)
        check_version(locked, expected_version)
        if locked.status not in IN_INSTRUCTION:
            raise _grid_closed(locked.status)
        check = lock_criterion_check(application=locked, criterion=criterion)
        if check is None:
            check = CriterionCheck(application=locked, criterion=criterion)
        check.met = met
        check.comment = comment
        check.checked_by = user
        check.checked_at = timezone.now()
        check.full_clean()
        check.save()
        _grid_changed(
            user=user,
            locked=locked,
            action="application.record_criterion_check",
            summary=criterion.label[:200],
            data={"criterion": criterion.pk, "met": met},
        )
    copy_fields(application, locked, ("version", "updated_at"))
    return check


def grid_field(criterion_pk: int, name: str) -> str:
    """The name of one criterion's field in the one-form grid (`forms.GridForm`), used for its errors."""
    return f"c{criterion_pk}_{name}"


def record_grid(
    *,
    user,
    application: Application,
    answers: dict[int, tuple[bool | None, str]],
    expected_version: int | None = None,
) -> list[CriterionCheck]:
    """Staff save the whole eligibility grid in one click: {criterion id: (met, comment)}. All or nothing; only
    the answers that changed are written (and audited)."""
    check_instructs(user, application, _("Seule l'équipe de l'association porteuse du fonds peut remplir sa grille."))
    criteria = {c.pk: c for c in EligibilityCriterion.objects.filter(fund_id=application.fund_id)}
    errors: Errors = {}
    cleaned: dict[int, tuple[bool | None, str]] = {}
    for pk, (met, comment) in answers.items():
        criterion = criteria.get(pk)
        if criterion is None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Un critère n'est pas dans la grille du fonds de cette demande : rechargez la page.")
            )
            continue
        comment = (comment or "").strip()
        for field, messages in _answer_errors(
            application=application, criterion=criterion, met=met, comment=comment
        ).items():
            errors.setdefault(grid_field(pk, field), []).extend(messages)
        cleaned[pk] = (met, comment)
    raise_if(errors)
    saved: list[CriterionCheck] = []
    with transaction.atomic():
        locked = lock_application(application)
        check_version(locked, expected_version)
        if locked.status not in IN_INSTRUCTION:
            raise _grid_closed(locked.status)
        existing = {
            check.criterion_id: check
            for check in CriterionCheck.objects.select_for_update().filter(application=locked, criterion__in=cleaned)
        }
        now = timezone.now()
        changed = []
        for pk, (met, comment) in cleaned.items():
            check = existing.get(pk) or CriterionCheck(application=locked, criterion=criteria[pk])
            if check.pk and check.met == met and check.comment == comment:
                continue
            check.met, check.comment, check.checked_by, check.checked_at = met, comment, user, now
            check.full_clean()
            check.save()
            saved.append(check)
            changed.append({"criterion": pk, "met": met})
        if changed:
            _grid_changed(
                user=user,
                locked=locked,
                action="application.record_grid",
                summary=_("Grille de recevabilité : %(count)s critère(s) enregistré(s)") % {"count": len(changed)},
                data={"checks": changed},
            )
    copy_fields(application, locked, ("version", "updated_at"))
    return saved


def unmet_required_criteria(*, application: Application) -> Errors:
    """Why the request cannot be declared eligible yet: each required criterion not checked « Oui »."""
    criteria = list(
        EligibilityCriterion.objects.filter(fund_id=application.fund_id, is_required=True).order_by("position", "id")
    )
    met = dict(
        CriterionCheck.objects.filter(application=application, criterion__in=criteria).values_list(
            "criterion_id", "met"
        )
    )
    messages = []
    for criterion in criteria:
        if met.get(criterion.pk) is False:
            messages.append(
                _(
                    "Le critère obligatoire « %(label)s » n'est pas rempli : la demande ne peut pas être déclarée "
                    "recevable. Demandez un complément au porteur, ou déclarez-la non recevable."
                )
                % {"label": criterion.label}
            )
        elif met.get(criterion.pk) is None:
            messages.append(
                _(
                    "Le critère obligatoire « %(label)s » n'est pas encore vérifié : vérifiez-le dans la grille "
                    "de recevabilité (réponse « Oui »), puis déclarez la demande recevable."
                )
                % {"label": criterion.label}
            )
    return {"criteria": messages} if messages else {}
