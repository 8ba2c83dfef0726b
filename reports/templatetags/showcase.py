"""The public showcase's key figures, for the home page: `{% include "reports/showcase/_key_figures.html" %}`."""

from django import template

from reports.showcase import public_key_figures

register = template.Library()


@register.inclusion_tag("reports/showcase/_key_figures_block.html")
def showcase_key_figures() -> dict:
    """Projects funded, residents involved and the shares of women and men (two aggregate queries)."""
    return {"figures": public_key_figures()}
