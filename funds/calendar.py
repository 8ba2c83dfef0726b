"""The next committee sessions of funds, for the pages below `committees` (open calls, the request form).

Sessions live in `committees`, above this app: `committees` registers the function that reads them
(`register_provider`, from its `apps.py`), and the pages here and in `applications` ask through
`upcoming_sessions`, one query for any number of funds.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class UpcomingSession:
    """A committee session to come, and the last day a request may be filed to go before it."""

    fund_id: int
    date: datetime.date
    time: datetime.time | None
    place: str
    last_filing_day: datetime.date

    def reachable_on(self, day: datetime.date) -> bool:
        """Whether a request filed on `day` is filed on time for this session."""
        return day <= self.last_filing_day


Provider = Callable[..., dict[int, list[UpcomingSession]]]
_providers: list[Provider] = []


def register_provider(provider: Provider) -> None:
    """`provider(fund_ids=…, on_date=…)` answers {fund id: sessions on or after that day, earliest first}."""
    if provider not in _providers:
        _providers.append(provider)


def upcoming_sessions(*, fund_ids: Iterable[int], on_date: datetime.date) -> dict[int, list[UpcomingSession]]:
    """The sessions of each fund on or after `on_date`, earliest first (an empty list for a fund with none)."""
    ids = list(dict.fromkeys(fund_ids))
    found: dict[int, list[UpcomingSession]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for provider in _providers:
        for fund_id, sessions in provider(fund_ids=ids, on_date=on_date).items():
            found.setdefault(fund_id, []).extend(sessions)
    for sessions in found.values():
        sessions.sort(key=lambda s: (s.date, s.time or datetime.time.min))
    return found


@dataclass(frozen=True)
class FundCalendar:
    """What a page says about a fund's committee dates on a given day."""

    sessions: list[UpcomingSession]
    today: datetime.date
    limit: int = 3

    @property
    def first_reachable(self) -> UpcomingSession | None:
        """The first session a request filed today still reaches."""
        return next((s for s in self.sessions if s.reachable_on(self.today)), None)

    def rows(self) -> list[dict]:
        """The first `limit` sessions, each with whether a request filed today still reaches it."""
        return [{"session": s, "reachable": s.reachable_on(self.today)} for s in self.sessions[: self.limit]]

    def starts_too_early(self, start: datetime.date | None) -> bool:
        """Whether a project starting on `start` takes place before the first session it can still reach."""
        first = self.first_reachable
        return start is not None and first is not None and start < first.date


def calendars(*, fund_ids: Iterable[int], today: datetime.date, limit: int = 3) -> dict[int, FundCalendar]:
    """Each fund's calendar from `today` on (its next `limit` sessions shown), in one query."""
    return {
        fund_id: FundCalendar(sessions=sessions, today=today, limit=limit)
        for fund_id, sessions in upcoming_sessions(fund_ids=fund_ids, on_date=today).items()
    }
