"""The frames the PIC and the CVS bilan services share: start a bilan once, save a section's fields, replace all
the rows of a table."""

from collections.abc import Callable

from django.db import models, transaction

from applications.models import Application
from core.services import record_audit
from core.validation import Errors, add_error, copy_fields, full_clean_into, raise_if
from reports.locks import lock_application, lock_bilan
from reports.models import BaseBilan, Bilan, CvsBilan
from reports.services.checks import check_can_start, check_editable, check_holder


def start_once(
    *,
    user,
    application: Application,
    cvs: bool,
    new_bilan: Callable[[Application], BaseBilan],
    new_lines: Callable[[BaseBilan, Application], list],
    line_model: type[models.Model],
    count_key: str,
) -> BaseBilan:
    """Open a granted request's bilan; starting twice returns the bilan already started.

    In one transaction, on the locked request: check again that it may start, save `new_bilan(request)`, then
    its first lines `new_lines(bilan, request)`, each validated, and record the start in the audit log.
    """
    model = CvsBilan if cvs else Bilan
    check_can_start(user=user, application=application, cvs=cvs)
    with transaction.atomic():
        locked = lock_application(application)
        existing = model.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        check_can_start(user=user, application=locked, cvs=cvs)
        bilan = new_bilan(locked)
        bilan.fund_id = locked.fund_id
        bilan.full_clean()
        bilan.save()
        lines = new_lines(bilan, locked)
        for line in lines:
            line.full_clean()
        line_model.objects.bulk_create(lines)
        record_audit(
            actor=user,
            action=f"{model._meta.model_name}.start",
            target=bilan,
            summary=locked.display_reference,
            data={"application": locked.pk, count_key: len(lines)},
        )
    return bilan


def save_fields(
    *,
    user,
    bilan: BaseBilan,
    fields: list[str],
    apply: Callable[[BaseBilan], Errors],
    also_copied: tuple[str, ...] = (),
) -> BaseBilan:
    """Save some of a draft bilan's `fields` (a section's): the holder only, the bilan still editable.

    In one transaction, on the locked bilan: `apply(locked)` sets the values and returns the section's own
    errors, the model's validation adds its own, all are raised at once; else it is saved and audited. The
    caller's instance gets the saved values (`fields`, `also_copied`, `updated_at`).
    """
    check_holder(user, bilan.application)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        errors = apply(locked)
        full_clean_into(locked, errors)
        raise_if(errors)
        locked.save()
        record_audit(actor=user, action=f"{locked._meta.model_name}.save", target=locked, data={"fields": fields})
    copy_fields(bilan, locked, (*fields, *also_copied, "updated_at"))
    return locked


def replace_rows(
    *,
    user,
    bilan: BaseBilan,
    rows: list[dict],
    most: int,
    too_many: str,
    field: str,
    make_row: Callable[[BaseBilan, int, dict, Errors], models.Model | None],
    model: type[models.Model],
    related: str,
    action: str,
) -> list:
    """Replace the bilan's `related` rows by those made from `rows`, all or nothing (the holder only).

    More than `most` rows are refused at once under `field` (`too_many`, with %(max)s and %(count)s). Then, in
    one transaction: lock the bilan, check it is still editable, make each row (`make_row(locked, number,
    data, errors)` returns it, or None after adding its French errors under `field`), raise the errors all at
    once, else delete the old rows, write the new ones, touch the bilan and record `action` in the audit log
    with the rows' count (under `field`).
    """
    check_holder(user, bilan.application)
    if len(rows) > most:
        raise_if({field: [too_many % {"max": most, "count": len(rows)}]})
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        errors: Errors = {}
        made = [make_row(locked, number, data, errors) for number, data in enumerate(rows, start=1)]
        raise_if(errors)
        new_rows = [row for row in made if row is not None]
        getattr(locked, related).all().delete()
        model.objects.bulk_create(new_rows)
        locked.save(update_fields=["updated_at"])
        record_audit(actor=user, action=action, target=locked, data={field: len(new_rows)})
    return list(getattr(locked, related).all())


def row_messages(row: models.Model, **kwargs) -> list[str]:
    """Every message of a table row's own validation (`full_clean`, the bilan excluded), in order."""
    row_errors: Errors = {}
    full_clean_into(row, row_errors, exclude=["bilan"], **kwargs)
    return [message for messages in row_errors.values() for message in messages]


def add_row_messages(errors: Errors, field: str, label: str, *, number: int, row: models.Model, **kwargs) -> None:
    """Each of `row_messages(row)` under `field`, as `label` ("Objectif %(number)s : %(message)s", translated)."""
    for message in row_messages(row, **kwargs):
        add_error(errors, field, label % {"number": number, "message": message})
