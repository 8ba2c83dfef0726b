"""`{% data_table %}`: the portal's accessible table markup, written once.

    {% load portal_tables %}
    {% data_table rows=bundles caption=_("Dossiers demandés") class="align-top" empty=_("Aucun dossier.") %}
      <tr><th scope="col">…</th></tr>
    {% table_rows %}
      {% for bundle in bundles %}<tr>…</tr>{% endfor %}
    {% end_data_table %}

renders, when `rows` is not empty (or not given), the scrolling wrapper, the table with its caption, the
head (before `{% table_rows %}`, optional) and the body; else the paragraph `empty` (nothing without it).
Options: `class` (added to "table"), `caption_hidden` (the caption is for screen readers only), `region_id`
(a keyboard-scrollable region named by the caption, which gets that id), `wrapper_class`.
"""

from django import template
from django.template.base import token_kwargs
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()

OPTIONS = {"rows", "caption", "caption_hidden", "class", "region_id", "wrapper_class", "empty"}


class DataTableNode(template.Node):
    def __init__(self, *, options: dict, head: template.NodeList | None, body: template.NodeList):
        self.options = options
        self.head = head
        self.body = body

    def render(self, context) -> str:
        values = {name: expression.resolve(context) for name, expression in self.options.items()}
        if "rows" in values and not values["rows"]:
            values["show_table"] = False
        else:
            values["show_table"] = True
            values["head"] = mark_safe(self.head.render(context).strip()) if self.head is not None else ""
            values["body"] = mark_safe(self.body.render(context).strip())
        values["table_class"] = values.pop("class", "")
        return render_to_string("core/_data_table.html", values)


@register.tag("data_table")
def data_table(parser, token) -> DataTableNode:
    bits = token.split_contents()[1:]
    options = token_kwargs(bits, parser)
    if bits or not set(options) <= OPTIONS:
        raise template.TemplateSyntaxError(f"data_table takes only these options, as name=value: {sorted(OPTIONS)}")
    nodelist = parser.parse(("table_rows", "end_data_table"))
    head = None
    if parser.next_token().contents == "table_rows":
        head = nodelist
        nodelist = parser.parse(("end_data_table",))
        parser.delete_first_token()
    return DataTableNode(options=options, head=head, body=nodelist)
