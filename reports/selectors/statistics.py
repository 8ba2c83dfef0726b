"""Statistics over many bilans."""

from django.db.models import Count, Q, QuerySet

from reports.models import PUBLIC_FIELDS, Bilan, EffectChange, EffectObservation


def effect_statistics(*, bilans: QuerySet[Bilan]) -> dict:
    """How often each effect, each public and each grid item was observed in these bilans (two queries).

    Returns {"effects": {effect: {"observed": n, "neighbours": n, ...}}, "changes": {change: n}}.
    """
    public_counts = {
        public: Count("id", filter=Q(**{field_name: True})) for public, field_name in PUBLIC_FIELDS.items()
    }
    rows = (
        EffectObservation.objects.filter(bilan__in=bilans)
        .values("effect")
        .annotate(observed=Count("id"), **public_counts)
        .order_by("effect")
    )
    changes = (
        EffectChange.objects.filter(bilan__in=bilans).values("change").annotate(count=Count("id")).order_by("change")
    )
    return {
        "effects": {row.pop("effect"): row for row in rows},
        "changes": {row["change"]: row["count"] for row in changes},
    }
