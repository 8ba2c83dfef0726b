"""Reads of the portal's own pages that span several apps (the staff's desk)."""

from portal.selectors.desk import DeskBlock, DeskLine, desk_for  # noqa: F401
