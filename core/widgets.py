"""Form widgets shared by every app.

`QuickSelect` is Django's `<select>` written in Python. Django renders a select through one template per
`<option>` (and one more for each option's attributes): a filter of a few hundred neighbourhoods costs more than
the rest of the page (the showcase, the funders' dashboard, the staff inbox). The markup is the same as
`forms.Select`'s: the same attributes (id, class, required, aria-…), `selected` on the chosen options, optgroups.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _options(options: list[dict]) -> SafeString:
    return format_html_join(
        "", '<option value="{}"{}>{}</option>', ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options)
    )


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            format_html('<optgroup label="{}">{}</optgroup>', group, _options(options)) if group else _options(options)
            for group, options, _index in widget["optgroups"]
        ]
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), mark_safe("".join(parts))
        )


def id_choice_field(*, label, empty_label) -> forms.TypedChoiceField:
    """A filter on one row of a small table, by its id (`cleaned_data` holds the id, or None for "all"). Its
    choices are set by the form from `id_choices`: read as plain (id, name) pairs, never as model instances, so a
    list of a few hundred neighbourhoods costs one narrow query to offer."""
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, widget=QuickSelect, choices=[("", empty_label)]
    )


def id_choices(queryset, *, label: str, empty_label) -> list[tuple]:
    """The choices of an `id_choice_field`: "all" first, then (id, label) of each row of `queryset`, in its order."""
    return [("", empty_label), *queryset.values_list("pk", label)]
