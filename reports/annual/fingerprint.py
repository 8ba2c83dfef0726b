"""What a fund's annual report shows, in a few aggregates: the fingerprint of its PDF built in the background.

The PDF of a large fund takes seconds to lay out, so it is built by the task queue (`core.generated_documents`,
kind `reports.annual_report`) and reused until this fingerprint moves: a request filed, edited or moved through
the workflow, an agenda item, a decision, an amendment or a payment recorded, a bilan saved or its effects
changed, the association's texts saved, the fund or its co-funders edited. Each aggregate is restricted to the
fund (its indexed foreign keys), so the cost follows the fund's size, never the region's.
"""

from django.db.models import Count, Max, Sum

from applications.models import Application, StatusChange
from committees.models import AgendaItem, Amendment, Decision, Payment
from core.generated_documents import digest
from funds.models import Fund
from reports.models import AnnualNarrative, Bilan, CvsBilan, EffectChange, EffectObservation

# Moves when the PDF's layout changes, so that files built by an older version are not served.
LAYOUT_VERSION = 2


def _rows(queryset, **aggregates) -> list:
    return sorted(queryset.aggregate(**aggregates).items())


def annual_report_fingerprint(*, fund_id: int) -> str:
    fund = Fund.objects.select_related("association").get(pk=fund_id)
    fund_fields = [getattr(fund, field.attname) for field in Fund._meta.concrete_fields]
    cofunders = list(fund.cofunders.order_by("pk").values_list("funder__name", "amount"))
    requests = Application.objects.filter(fund_id=fund_id)
    bilans = Bilan.objects.filter(fund_id=fund_id)
    return digest(
        LAYOUT_VERSION,
        fund_fields,
        fund.association.name,
        cofunders,
        _rows(requests, n=Count("pk"), updated=Max("updated_at"), last=Max("pk")),
        _rows(StatusChange.objects.filter(application__fund_id=fund_id), n=Count("pk"), last=Max("pk")),
        _rows(AgendaItem.objects.filter(application__fund_id=fund_id), n=Count("pk"), last=Max("pk")),
        _rows(
            Decision.objects.filter(item__application__fund_id=fund_id),
            n=Count("pk"),
            last=Max("pk"),
            total=Sum("amount_granted"),
        ),
        _rows(
            Amendment.objects.filter(decision__item__application__fund_id=fund_id),
            n=Count("pk"),
            last=Max("pk"),
            total=Sum("amount_delta"),
        ),
        _rows(Payment.objects.filter(application__fund_id=fund_id), n=Count("pk"), last=Max("pk"), total=Sum("amount")),
        _rows(bilans, n=Count("pk"), updated=Max("updated_at")),
        _rows(CvsBilan.objects.filter(fund_id=fund_id), n=Count("pk"), updated=Max("updated_at")),
        _rows(EffectObservation.objects.filter(fund_id=fund_id), n=Count("pk"), last=Max("pk")),
        _rows(EffectChange.objects.filter(fund_id=fund_id), n=Count("pk"), last=Max("pk")),
        list(AnnualNarrative.objects.filter(fund_id=fund_id).values_list("updated_at", flat=True)),
    )
