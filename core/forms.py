"""Form helpers shared by every app: a French money field, an optional text, a view's one service call (from a
bound form, its errors shown on the form; from a button, its errors shown at the top of the next page), the page's
error summary."""

from collections.abc import Callable
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages as notices
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class MoneyField(forms.DecimalField):
    """A French amount: "1 234,50", "1234.50" or "1 234,50 €" (spaces and the euro sign are ignored)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.replace("€", "").split())
        return super().to_python(value)


class ListedChoices(forms.models.ModelChoiceIterator):
    """A short list of model choices read in one plain query, kept on the field's queryset.

    Django reads them through `QuerySet.iterator()`: on PostgreSQL a server-side cursor (DECLARE, FETCH, CLOSE,
    three round trips) at every rendering, for a list of a few rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A `ModelChoiceField` over a short list (a few rows): see `ListedChoices`."""

    iterator = ListedChoices


def optional_text(label, *, max_length: int, help_text="", rows: int | None = None) -> forms.CharField:
    """A text the user may leave empty: one line, or a text area of `rows` rows."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text, widget=widget)


def add_errors(form, errors: dict) -> None:
    """Put {field: [messages]} (from a rule or a service's ValidationError) on a form; unknown keys go on top.

    A form's `error_aliases` maps a model field to the input that shows it (starts_at -> start_date).
    """
    aliases = getattr(form, "error_aliases", {})
    for field, messages in errors.items():
        field = aliases.get(field, field)
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(field if field in form.fields else None, message)


def apply_errors(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form that sent the data."""
    add_errors(form, error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages})


class ServiceRun(NamedTuple):
    done: bool  # the form was valid and the service ran without a ValidationError
    result: Any = None  # what the service returned


def run_service(form, service: Callable[[dict], Any]) -> ServiceRun:
    """Validate a bound form, then run `service(form.cleaned_data)`: the view's one write.

    A ValidationError the service raises is shown on the form (`apply_errors`), as the form's own errors are;
    the view then renders the form again, or on `done` says so and redirects.
    """
    if not form.is_valid():
        return ServiceRun(done=False)
    try:
        return ServiceRun(done=True, result=service(form.cleaned_data))
    except ValidationError as error:
        apply_errors(form, error)
        return ServiceRun(done=False)


def run_action(request, service: Callable[[], Any], *, success: str = "") -> ServiceRun:
    """A button's one write (no form to show errors on): run `service()`; on a ValidationError its messages are
    shown at the top of the next page, otherwise `success` (if any)."""
    try:
        result = service()
    except ValidationError as error:
        flash_errors(request, error)
        return ServiceRun(done=False)
    if success:
        notices.success(request, success)
    return ServiceRun(done=True, result=result)


def flash_errors(request, error: ValidationError) -> None:
    """A service's refusal on a page without a form (a button): each message shown at the top."""
    for message in error_messages(error):
        notices.error(request, message)


def error_messages(error: ValidationError) -> list[str]:
    """Every message of a ValidationError, field errors included, in order."""
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return list(error.messages)


def error_summary(*items, non_field_anchor: bool = False) -> list[dict]:
    """Every error of the page, for the summary at its top: a link to the field and the message.

    An item is a form, or (form, title) to say which one it is (e.g. "Dépense 2"); None is skipped.
    With `non_field_anchor`, errors that belong to no field link to `#form-<prefix or "page">`.
    """
    summary = []
    for item in items:
        form, title = item if isinstance(item, tuple) else (item, "")
        if form is None:
            continue
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            if field is not None:
                anchor = form[name].id_for_label
            else:
                anchor = f"form-{form.prefix or 'page'}" if non_field_anchor else ""
            label = " — ".join(str(part) for part in (title, field.label if field is not None else "") if part)
            summary.extend({"anchor": anchor, "label": label, "message": message} for message in errors)
    return summary
