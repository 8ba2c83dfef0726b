"""Reads of the fifty/fifty path (re-exported: `from fiftyfifty import selectors`)."""

from fiftyfifty.selectors.pages import (
    builders_for_town,
    my_entries,
    project_page,
    town_desk,
)
from fiftyfifty.selectors.showcase import figures, highlight, showcase

__all__ = ["builders_for_town", "figures", "highlight", "my_entries", "project_page", "showcase", "town_desk"]
