"""Where the staff request page sends its reader next, once the request has moved on: the sessions it can join
(after « recevable »), the payments (after a grant), the bilan's review. Those pages belong to apps above
`applications`: each registers, from its `apps.py`, a provider that answers for one request with a list of links
({"label", "url"}) in at most one query. The page asks them all: its query count does not grow with them.
"""

from collections.abc import Callable

from applications.models import Application

Link = dict[str, str]
_PROVIDERS: list[Callable[[Application], list[Link]]] = []


def register(provider: Callable[[Application], list[Link]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def links_for(application: Application) -> list[Link]:
    return [link for provider in _PROVIDERS for link in provider(application)]
