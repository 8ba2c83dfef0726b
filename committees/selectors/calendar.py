"""The next sessions of funds, as `funds.calendar` shows them below this app (registered in `apps.py`)."""

import datetime

from committees.models import CommitteeSession
from funds.calendar import UpcomingSession


def upcoming_sessions_by_fund(*, fund_ids: list[int], on_date: datetime.date) -> dict[int, list[UpcomingSession]]:
    """Sessions not yet closed, on or after `on_date`, of the funds `fund_ids`: one query, earliest first."""
    sessions = (
        CommitteeSession.objects.filter(committee__fund_id__in=fund_ids, date__gte=on_date)
        .exclude(status=CommitteeSession.Status.CLOSED)
        .values_list("committee__fund_id", "committee__fund__filing_days_before_committee", "date", "time", "place")
        .order_by("date", "time", "pk")
    )
    found: dict[int, list[UpcomingSession]] = {}
    for fund_id, days, date, time, place in sessions:
        found.setdefault(fund_id, []).append(
            UpcomingSession(
                fund_id=fund_id,
                date=date,
                time=time,
                place=place,
                last_filing_day=date - datetime.timedelta(days=days),
            )
        )
    return found
