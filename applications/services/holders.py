"""The holders a resident files requests for (a group of residents or an association)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import rules
from applications.locks import lock_holder
from applications.models import ASSOCIATION_ONLY_FIELDS, GROUP_ONLY_FIELDS, HOLDER_FIELDS, Application, Holder
from applications.services import drafts
from applications.services.guards import refused
from core.services import record_audit
from core.validation import merge_errors, raise_if
from funds.validators import normalize_identifier


def _fill_holder(*, holder: Holder, data: dict) -> None:
    for field in HOLDER_FIELDS:
        if field in data:
            value = data[field]
            if field in ("siret", "rna"):
                value = normalize_identifier(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(holder, field, "" if value is None and field != "co_holders_count" else value)
    # Only the chosen kind's fields are kept: what was typed for the other kind is dropped, never checked.
    for field in {Holder.Kind.GROUP: ASSOCIATION_ONLY_FIELDS, Holder.Kind.ASSOCIATION: GROUP_ONLY_FIELDS}.get(
        holder.kind, ()
    ):
        setattr(holder, field, 0 if field == "co_holders_count" else "")
    if holder.co_holders_count is None:
        holder.co_holders_count = 0
    if holder.kind == Holder.Kind.ASSOCIATION:
        if "republican_commitment" in data:
            if data["republican_commitment"] is True:
                if holder.republican_commitment_accepted_at is None:
                    holder.republican_commitment_accepted_at = timezone.now()
            else:
                holder.republican_commitment_accepted_at = None
    else:
        holder.republican_commitment_accepted_at = None


def _save_holder(*, holder: Holder) -> None:
    errors = rules.check_holder(holder=holder)
    try:
        holder.full_clean()
    except ValidationError as error:
        merge_errors(errors, error.message_dict)
    raise_if(errors)
    holder.save()


def create_holder(*, user, data: dict, entered_by_staff: bool = False) -> Holder:
    """Register a group of residents or an association the user files requests for (`entered_by_staff`: staff
    type it in for a resident without an account, see `applications.services.on_behalf`)."""
    if not user.is_authenticated:
        raise refused(_("Connectez-vous pour enregistrer un porteur de projet."))
    holder = Holder(owner=user, entered_by_staff=entered_by_staff)
    _fill_holder(holder=holder, data=data)
    with transaction.atomic():
        _save_holder(holder=holder)
        record_audit(actor=user, action="holder.create", target=holder, summary=holder.name)
    return holder


def update_holder(*, user, holder: Holder, data: dict) -> Holder:
    if not user.is_authenticated or holder.owner_id != user.pk:
        raise refused(_("Seule la personne qui a enregistré ce porteur peut le modifier."))
    with transaction.atomic():
        locked = lock_holder(holder)
        _fill_holder(holder=locked, data=data)
        _save_holder(holder=locked)
        record_audit(
            actor=user, action="holder.update", target=locked, summary=locked.name, data={"fields": sorted(data)}
        )
    return locked


class StepRefused(ValidationError):
    """The holder could be saved, but the request's holder step refused it (the whole change was undone)."""


def save_holder_for_application(
    *, user, application: Application, data: dict, holder: Holder | None = None, expected_version: int | None = None
) -> Holder:
    """Create a holder (`holder` None) or update the user's `holder`, then choose it for the request: all or nothing.

    A refused holder raises ValidationError (its fields' errors); a refused step raises StepRefused, so that the
    page shows each error on the form that sent it.
    """
    with transaction.atomic():
        if holder is None:
            saved = create_holder(user=user, data=data, entered_by_staff=application.is_on_behalf_pending)
        else:
            saved = update_holder(user=user, holder=holder, data=data)
        try:
            drafts.save_step(
                user=user,
                application=application,
                step=Application.Step.HOLDER,
                data={"holder": saved},
                expected_version=expected_version,
            )
        except ValidationError as error:
            raise StepRefused(error) from error
    return saved
