"""The draft request, step by step: open it, save a step, save the budget."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import conflicts, rules
from applications.locks import lock_application
from applications.models import Application
from applications.services.guards import check_editable, check_version, refused
from applications.workflow import Status
from core.services import record_audit
from core.validation import Errors, copy_fields, merge_errors, raise_if
from funds.models import Fund

STEP_FIELDS: dict[str, tuple[str, ...]] = {
    Application.Step.HOLDER: ("holder",),
    Application.Step.PROJECT: ("title", "theme", "ambition", "objectives", "description"),
    Application.Step.WHEN_WHERE: ("starts_at", "ends_at", "place", "neighbourhood"),
    Application.Step.PEOPLE: ("expected_public", "expected_women", "expected_men", "residents_mobilised"),
}


def start_draft(*, user, fund: Fund, today: datetime.date | None = None) -> Application:
    """Open a new draft request in a fund whose call is open."""
    if not user.is_authenticated:
        raise refused(_("Connectez-vous pour préparer une demande."))
    today = today or timezone.localdate()
    raise_if(rules.check_call_open(fund=fund, today=today))
    application = Application(fund=fund, created_by=user, status=Status.DRAFT)
    with transaction.atomic():
        application.full_clean()
        application.save()
        record_audit(actor=user, action="application.start_draft", target=application, summary=fund.name)
    return application


def _check_step_data(*, user, application: Application, step: str, data: dict) -> Errors:
    fund = application.fund
    errors: Errors = {}
    if step == Application.Step.HOLDER:
        holder = data.get("holder")
        if holder is None:
            errors["holder"] = [_("Choisissez ou créez le porteur du projet.")]
        elif holder.owner_id != user.pk:
            errors["holder"] = [_("Choisissez un porteur que vous avez vous-même enregistré.")]
        elif application.is_on_behalf_pending and conflicts.is_linked_to_holder(user, holder):
            errors["holder"] = [
                _(
                    "Vous avez déclaré un lien avec ce porteur : vous ne pouvez pas déposer de demande pour son "
                    "compte. Demandez à un·e autre membre de l'équipe de le faire."
                )
            ]
    elif step == Application.Step.PROJECT:
        theme = data.get("theme")
        if theme is not None and not fund.themes.filter(pk=theme.pk).exists():
            errors["theme"] = [_("Cette thématique n'est pas proposée par ce fonds : choisissez-en une dans la liste.")]
        ambition = data.get("ambition")
        if ambition is not None and not fund.ambitions.filter(pk=ambition.pk).exists():
            errors["ambition"] = [_("Cette ambition n'est pas retenue par ce fonds : choisissez-en une dans la liste.")]
    elif step == Application.Step.WHEN_WHERE:
        neighbourhood = data.get("neighbourhood")
        if neighbourhood is not None and not fund.neighbourhoods.filter(pk=neighbourhood.pk).exists():
            errors["neighbourhood"] = [
                _("Ce quartier n'est pas couvert par ce fonds : choisissez-en un dans la liste.")
            ]
        merge_errors(
            errors,
            rules.check_dates(
                fund=fund,
                starts_at=data.get("starts_at", application.starts_at),
                ends_at=data.get("ends_at", application.ends_at),
            ),
        )
    return errors


def save_step(
    *, user, application: Application, step: str, data: dict, expected_version: int | None = None
) -> Application:
    """Save one step of the request form (a form's cleaned_data for that step's fields).

    With `expected_version` (the version shown to the user), refused with EditConflict if it changed meanwhile.
    """
    check_editable(user=user, application=application)
    if step not in STEP_FIELDS:
        raise ValidationError({NON_FIELD_ERRORS: [_("Cette étape du formulaire n'existe pas.")]})
    fields = [field for field in STEP_FIELDS[step] if field in data]
    with transaction.atomic():
        locked = lock_application(application)
        check_editable(user=user, application=locked)
        check_version(locked, expected_version)
        errors = _check_step_data(user=user, application=locked, step=step, data=data)
        for field in fields:
            value = data[field]
            if isinstance(value, str):
                value = value.strip()
            setattr(locked, field, value)
        try:
            # The dates' check constraint repeats check_dates() in vaguer words: skip it when that already spoke.
            locked.full_clean(validate_constraints=not errors)
        except ValidationError as error:
            merge_errors(errors, error.message_dict)
        raise_if(errors)
        locked.version += 1
        locked.last_step = step
        locked.save()
        record_audit(
            actor=user,
            action="application.save_step",
            target=locked,
            summary=step,
            data={"step": step, "fields": fields, "version": locked.version},
        )
    copy_fields(application, locked, (*fields, "version", "last_step", "updated_at"))
    return locked
