"""Audit entries for role changes, wherever they are made (services, the admin, the shell, a command).

Roles follow from rows, not from a field (see accounts.models.User): staff of a carrier association
(`AssociationStaff`), funder staff (`FunderStaff`), committee seats (`CommitteeMember`), and the
`is_superuser` / `is_staff` flags of an account. Every creation or deletion of such a row, every change of
the account linked to a committee seat and every change of those flags writes an AuditEntry, in the same
transaction as the change. The actor is the logged-in user of the request (core.middleware), or None when
the change comes from a command.

Not seen by signals, hence not recorded here: `QuerySet.update()` and `bulk_create()`; the portal's code
changes roles one row at a time. Fixtures being loaded (`loaddata`, raw saves) are not recorded either: they
restore a state, they do not change anyone's rights.

The audit log itself is append-only: deleting an entry, even through a queryset, raises PermissionDenied.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from core.middleware import current_user
from core.models import AuditEntry
from core.services import record_audit

USER_FLAGS = ("is_superuser", "is_staff")
_PREVIOUS = "_audit_previous_state"


def _email(user_model, pk) -> str:
    if pk is None:
        return ""
    return user_model.objects.filter(pk=pk).values_list("email", flat=True).first() or ""


def _record(*, action: str, target, summary: str, data: dict) -> None:
    record_audit(actor=current_user(), action=action, target=target, summary=summary, data=data)


# --- Accounts: administrator and admin-site flags ---------------------------------------------------------


def remember_user_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not set(USER_FLAGS) & set(update_fields):
        return  # e.g. the last log-in date: the flags cannot change
    previous = None
    if instance.pk is not None and not instance._state.adding:
        previous = sender.objects.filter(pk=instance.pk).values(*USER_FLAGS).first()
    instance.__dict__[_PREVIOUS] = previous or dict.fromkeys(USER_FLAGS, False)


def record_user_flags(sender, instance, created=False, raw=False, **kwargs):
    previous = instance.__dict__.pop(_PREVIOUS, None)
    if raw or previous is None:
        return
    for flag in USER_FLAGS:
        before, after = bool(previous[flag]), bool(getattr(instance, flag))
        if before == after:
            continue
        name = flag.removeprefix("is_")
        _record(
            action=f"roles.{name}_{'granted' if after else 'revoked'}",
            target=instance,
            summary=instance.email,
            data={"user": instance.pk, "email": instance.email, "flag": flag, "before": before, "after": after},
        )


# --- Staff of a carrier association, funder staff -------------------------------------------------------


def _staff_data(instance, *, organisation_field: str) -> tuple[str, dict]:
    user_model = get_user_model()
    organisation_id = getattr(instance, f"{organisation_field}_id")
    organisation_model = instance._meta.get_field(organisation_field).related_model
    organisation_name = (
        organisation_model.objects.filter(pk=organisation_id).values_list("name", flat=True).first() or ""
    )
    email = _email(user_model, instance.user_id)
    data = {
        "user": instance.user_id,
        "email": email,
        organisation_field: organisation_id,
        f"{organisation_field}_name": organisation_name,
    }
    return f"{email} — {organisation_name}", data


def _staff_saved(kind: str, organisation_field: str):
    def receiver(sender, instance, created=False, raw=False, **kwargs):
        if raw or not created:
            return
        summary, data = _staff_data(instance, organisation_field=organisation_field)
        _record(action=f"roles.{kind}_added", target=instance, summary=summary, data=data)

    return receiver


def _staff_deleted(kind: str, organisation_field: str):
    def receiver(sender, instance, **kwargs):
        summary, data = _staff_data(instance, organisation_field=organisation_field)
        _record(action=f"roles.{kind}_removed", target=instance, summary=summary, data=data)

    return receiver


# --- Committee seats ----------------------------------------------------------------------------------


def _member_data(instance) -> dict:
    return {
        "committee": instance.committee_id,
        "full_name": instance.full_name,
        "college": instance.college,
        "user": instance.user_id,
        "email": _email(get_user_model(), instance.user_id),
    }


def remember_member_account(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        return
    instance.__dict__[_PREVIOUS] = sender.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()


def record_member_saved(sender, instance, created=False, raw=False, **kwargs):
    previous_user_id = instance.__dict__.pop(_PREVIOUS, None)
    if raw:
        return
    if created:
        _record(
            action="roles.committee_member_added",
            target=instance,
            summary=instance.full_name,
            data=_member_data(instance),
        )
    elif previous_user_id != instance.user_id:
        data = _member_data(instance)
        data["previous_user"] = previous_user_id
        data["previous_email"] = _email(get_user_model(), previous_user_id)
        _record(action="roles.committee_member_account_changed", target=instance, summary=instance.full_name, data=data)


def record_member_deleted(sender, instance, **kwargs):
    _record(
        action="roles.committee_member_removed",
        target=instance,
        summary=instance.full_name,
        data=_member_data(instance),
    )


# --- The audit log is append-only -----------------------------------------------------------------------


def refuse_audit_deletion(sender, instance, **kwargs):
    raise PermissionDenied("Audit entries cannot be deleted.")


def connect_audit_log() -> None:
    """The audit log is append-only. Called once, from CoreConfig.ready()."""
    pre_delete.connect(refuse_audit_deletion, sender=AuditEntry, dispatch_uid="audit_entry_append_only")


def watch_user_flags(user_model) -> None:
    """Record changes of the administrator flags of `user_model` (called from the accounts app's ready())."""
    pre_save.connect(remember_user_flags, sender=user_model, dispatch_uid="audit_user_flags_pre")
    post_save.connect(record_user_flags, sender=user_model, dispatch_uid="audit_user_flags_post")


def watch_staff_rows(model, *, kind: str, organisation_field: str) -> None:
    """Record each row of `model` (a staff seat in an organisation) added or removed."""
    post_save.connect(
        _staff_saved(kind, organisation_field), sender=model, weak=False, dispatch_uid=f"audit_{kind}_saved"
    )
    post_delete.connect(
        _staff_deleted(kind, organisation_field), sender=model, weak=False, dispatch_uid=f"audit_{kind}_deleted"
    )


def watch_committee_seats(model) -> None:
    """Record committee seats added, removed, or linked to another account."""
    pre_save.connect(remember_member_account, sender=model, dispatch_uid="audit_member_pre")
    post_save.connect(record_member_saved, sender=model, dispatch_uid="audit_member_saved")
    post_delete.connect(record_member_deleted, sender=model, dispatch_uid="audit_member_deleted")
