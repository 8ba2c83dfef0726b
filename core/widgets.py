"""Form widgets shared by every app.

`QuickSelect` is Django's `<select>` written in Python. Django renders a select through one template per
`<option>` (and one more for each option's attributes): a filter of a few hundred neighbourhoods costs more than
the rest of the page (the showcase, the funders' dashboard, the staff inbox). The markup is the same as
`forms.Select`'s: the same attributes (id, class, required, aria-…), `selected` on the chosen options, optgroups.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe


def _option(value, label, selected: set[str]) -> str:
    # The standard library's escape, as Django's `escape` (which calls it) but without its lazy-text wrapper:
    # a third of the cost of a few hundred options.
    value = "" if value is None else str(value)
    return f'<option value="{escape(value)}"{" selected" if value in selected else ""}>{escape(str(label))}</option>'


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = set(self.format_value(value))
        if not self.allow_multiple_selected and len(selected) > 1:
            selected = set(list(selected)[:1])
        parts = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):  # a group: (name, [(value, label), ...])
                inner = "".join(_option(v, label, selected) for v, label in option_label)
                parts.append(f'<optgroup label="{escape(option_value)}">{inner}</optgroup>')
            else:
                parts.append(_option(option_value, option_label, selected))
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{"".join(parts)}</select>')


def id_choice_field(*, label, empty_label) -> forms.TypedChoiceField:
    """A filter on one row of a small table, by its id (`cleaned_data` holds the id, or None for "all"). Its
    choices are set by the form from `id_choices`: read as plain (id, name) pairs, never as model instances, so a
    list of a few hundred neighbourhoods costs one narrow query to offer."""
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None, widget=QuickSelect, choices=[("", empty_label)]
    )


class ChoiceList(BaseChoiceIterator):
    """Choices already as Django keeps them, (value, label) pairs with a text label, set on a field as they are.

    Django normalizes a list of choices pair by pair each time it is set, twice for a field (the field, then
    its widget): half a millisecond for a list of 170 neighbourhoods. A `BaseChoiceIterator` is kept as it is.
    """

    def __init__(self, choices: list[tuple]):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)


def id_choices(queryset, *, label: str, empty_label) -> ChoiceList:
    """The choices of an `id_choice_field`: "all" first, then (id, label) of each row of `queryset`, in its order."""
    return ChoiceList([("", empty_label), *queryset.values_list("pk", label)])
