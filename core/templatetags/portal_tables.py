"""`{% data_table %}`: the portal's accessible table markup, written once.

    {% load portal_tables %}
    {% data_table rows=bundles caption=_("Dossiers demandés") class="align-top" empty=_("Aucun dossier.") %}
      {% header_row _("Dossier") _("Demandé le") %}
    {% table_rows %}
      {% for bundle in bundles %}<tr>…</tr>{% endfor %}
    {% end_data_table %}

renders, when `rows` is not empty (or not given), the scrolling wrapper, the table with its caption, the
head (before `{% table_rows %}`, optional), the body and the foot (after `{% table_foot %}`, optional); else the
paragraph `empty` (nothing without it).
Options: `class` (added to "table"), `caption_hidden` (the caption is for screen readers only), `caption_class`
(the caption's classes, when it is shown), `region_id`
(a keyboard-scrollable region named by the caption, which gets that id), `wrapper_class`.
`{% header_row %}` writes the head row; a head with cells that vary is written by hand.
"""

from dataclasses import dataclass

from django import template
from django.template.base import token_kwargs
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

OPTIONS = {"rows", "caption", "caption_hidden", "caption_class", "class", "region_id", "wrapper_class", "empty"}


class DataTableNode(template.Node):
    def __init__(self, *, options: dict, parts: dict):
        self.options = options
        self.parts = parts

    def render(self, context) -> str:
        values = {name: expression.resolve(context) for name, expression in self.options.items()}
        values["show_table"] = "rows" not in values or bool(values["rows"])
        if values["show_table"]:
            for name, nodelist in self.parts.items():
                values[name] = mark_safe(nodelist.render(context).strip())
        values["table_class"] = values.pop("class", "")
        return render_to_string("core/_data_table.html", values)


@register.tag("data_table")
def data_table(parser, token) -> DataTableNode:
    bits = token.split_contents()[1:]
    options = token_kwargs(bits, parser)
    if bits or not set(options) <= OPTIONS:
        raise template.TemplateSyntaxError(f"data_table takes only these options, as name=value: {sorted(OPTIONS)}")
    # The sections in their order: head (optional), body, foot (optional).
    parts, name = {}, "head"
    while True:
        nodelist = parser.parse(("table_rows", "table_foot", "end_data_table"))
        ending = parser.next_token().contents
        if ending == "table_rows" and name == "head":
            parts["head"], name = nodelist, "body"
        elif ending == "table_foot" and name in ("head", "body"):
            parts["body"], name = nodelist, "foot"
        elif ending == "end_data_table":
            parts["foot" if name == "foot" else "body"] = nodelist
            return DataTableNode(options=options, parts=parts)
        else:
            raise template.TemplateSyntaxError(f"data_table: {{% {ending} %}} is out of place")


@dataclass(frozen=True)
class Column:
    """A column label with the class of its header cell (see `numeric`)."""

    label: str
    css: str


@register.filter
def numeric(label, css: str = "num") -> Column:
    """`amount_label|numeric`: a right-aligned column header (class "num", or the class given)."""
    return Column(label=label, css=css)


@register.filter
def visually_hidden(label) -> str:
    """`actions_label|visually_hidden`: a column header for screen readers only (an actions column)."""
    return format_html('<span class="visually-hidden">{}</span>', label)


@register.simple_tag
def header_row(*labels, numeric_from: int | None = None, numeric_class: str = "num") -> str:
    """`{% header_row _("Date") amount_label|numeric %}`: the head row, one `<th scope="col">` a label.

    A `_("…")` argument takes no filter (Django's tag parser): translate it `as` a variable.
    `numeric_from=N`: the columns from the N-th on (counting from 0) hold numbers, as with `numeric`
    (class `numeric_class`): `{% header_row _("Fonds") _("Accordé") _("Versé") numeric_from=1 %}`.
    An empty label writes no cell: a column only some see (`{% if can_run %}…as actions_label{% endif %}`).
    """
    if numeric_from is not None:
        labels = (*labels[:numeric_from], *(numeric(label, numeric_class) for label in labels[numeric_from:]))
    labels = [label for label in labels if (label.label if isinstance(label, Column) else label) not in ("", None)]
    cells = format_html_join(
        "",
        '<th scope="col"{}>{}</th>',
        (
            (format_html(' class="{}"', label.css), label.label) if isinstance(label, Column) else ("", label)
            for label in labels
        ),
    )
    return format_html("<tr>{}</tr>", cells)
