"""The annual report of a fund (*rapport annuel*) that the carrier association sends its co-funders.

One fund runs one year (`Fund.year`), so the report of a fund covers everything recorded in it: money
(the envelope by co-funder, granted, paid, left; granted by theme and by neighbourhood), activity (requests
filed, eligible, granted, deferred, refused; average grant; median days from filing to the committee's
decision), participation counted by women and men in the bilans, the effects observed (seed 004 grid), the
list of projects, and the difficulties and perspectives quoted from the bilans. No holder, referent or
user name appears anywhere in it.

Who may read it: `reports.permissions.readable_funds()` (the carrier association's staff, the co-funders'
staff, the site administrator). Every figure is an aggregate computed by the database (`aggregate`,
`annotate`, `Count` and `Sum` with `filter=Q(...)`); the only list read row by row is the list of projects,
in one query. The number of queries of `annual_report()` does not depend on the number of projects.

Definitions (also printed under the tables of the report):

- *received*: every request filed (a submission date), whatever happened next (withdrawn included);
- *eligible*: declared eligible at some point: its status is eligible or later in the workflow, or it was
  put on a committee's agenda, or its history records the move to eligible (e.g. withdrawn afterwards);
- *granted* / *deferred* / *refused*: requests with at least one committee decision of that outcome (a
  request deferred then granted counts in both);
- amounts granted are effective amounts: the decision plus its amendments;
- *days to decision*: from the day of filing (Paris time) to the date of the committee session that
  granted or refused the request;
- participation, effects, difficulties and perspectives come from the bilans filed (submitted or accepted).

One module per part (values, money, activity, bilans, charts); `annual_report()` in `report` puts them
together. The public names are re-exported here.
"""

from reports.annual.activity import (  # noqa: F401
    activity_of,
    filed_figures,
    filed_requests,
    median_days_to_decision,
    project_queryset,
    project_rows,
    was_eligible,
)
from reports.annual.bilans import counted_bilans, effects_of, participation_of, people_sums, quotes_of  # noqa: F401
from reports.annual.money import granted_by  # noqa: F401
from reports.annual.report import annual_report  # noqa: F401
from reports.annual.report_charts import participation_chart, people_text, theme_chart  # noqa: F401
from reports.annual.values import (  # noqa: F401
    QUOTES_SHOWN,
    Activity,
    AmountRow,
    AnnualReport,
    EffectCount,
    EffectLevelBlock,
    Effects,
    GenderCount,
    ItemCount,
    Participation,
    ParticipationRow,
    ProjectRow,
    Quote,
    format_percent,
    share_percent,
)
from reports.permissions import readable_funds  # noqa: F401
