"""The shape every workflow table shares (requests, CVS programming, fifty/fifty projects and initiatives): a
transition is data — from which states, to which, its French label, the roles that may take it. Each app's
`workflow.py` declares its states and its table; a service applies a transition it found there."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    slug: str
    sources: tuple[str, ...]
    target: str
    label: str
    roles: tuple[str, ...]
    comment_required: bool = False


def may_take(transition: Transition, *, status: str, role: str) -> bool:
    """The transition starts from `status` and `role` may take it."""
    return status in transition.sources and role in transition.roles
