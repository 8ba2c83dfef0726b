"""Block tags that wrap a page's own markup in a shared component.

    {% load portal_components %}
    {% url 'annual:showcase' as showcase_url %}
    {% filter_form action=showcase_url title=_("Filtrer les projets") invalid=form.errors error=_("…") %}
      <div class="row g-3">…the filter fields…</div>
    {% end_filter_form %}

renders `core/_filter_form.html`: the filter card (a search landmark named by its title), the error alert when
`invalid`, the fields, then "Filtrer" and "Réinitialiser les filtres" (a link back to `action`, without filters).
"""

from django import template
from django.template.base import token_kwargs
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


class ComponentNode(template.Node):
    def __init__(self, *, template_name: str, options: dict, content: template.NodeList):
        self.template_name = template_name
        self.options = options
        self.content = content

    def render(self, context) -> str:
        values = {name: expression.resolve(context) for name, expression in self.options.items()}
        values["content"] = mark_safe(self.content.render(context).strip())
        return render_to_string(self.template_name, values)


def block_component(*, name: str, template_name: str, options: set[str]) -> None:
    """Register `{% name key=value … %}…{% end_name %}`, rendering `template_name` with the options and `content`."""

    def compile_component(parser, token) -> ComponentNode:
        bits = token.split_contents()[1:]
        values = token_kwargs(bits, parser)
        if bits or not set(values) <= options:
            raise template.TemplateSyntaxError(f"{name} takes only these options, as name=value: {sorted(options)}")
        content = parser.parse((f"end_{name}",))
        parser.delete_first_token()
        return ComponentNode(template_name=template_name, options=values, content=content)

    register.tag(name, compile_component)


block_component(
    name="filter_form", template_name="core/_filter_form.html", options={"action", "title", "invalid", "error"}
)
