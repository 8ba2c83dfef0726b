"""What the committees decided for each request, and what was paid: derived figures kept up to date.

A fund's annual report counts and sums thousands of requests; reading each one's decisions through its agenda
items, their sessions, their amendments and its payments made that report's cost several joins per request.
`RequestFigures` holds the result for each request that has a decision or a payment, one row each. It is never
written by hand: `refresh_request_figures` recomputes a request's row from the source rows, in six queries per
batch of requests whatever their number of decisions, in the transaction that:
- saves or deletes a decision, an amendment or a payment (signals connected by `connect()`, from
  `committees.apps`), or writes them in bulk (`RefreshingQuerySet.bulk_create`);
- saves a session (its date is each final decision's date).
The annual report, the funders' dashboard and the consolidated report read these rows; the source rows stay the
authority: the envelope rules read them. Lock order: the figures rows are written
last, after the request the calling service has locked (docs/architecture.md).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.apps import apps as installed_apps
from django.db import models
from django.db.models import Count, Min, Q, Sum
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from core.money import ZERO, cents
from funds.models import MONEY, Fund


class RequestFigures(models.Model):
    application = models.OneToOneField(
        Application, verbose_name=_("demande"), primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    # The request's fund (a decided request never changes fund): a fund's figures are read through this index.
    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.CASCADE, related_name="+")
    granted = models.BooleanField(_("accordée au moins une fois"), default=False)
    deferred = models.BooleanField(_("ajournée au moins une fois"), default=False)
    refused = models.BooleanField(_("refusée au moins une fois"), default=False)
    # Effective amount: the granted decisions plus their amendments.
    granted_amount = models.DecimalField(_("montant accordé"), default=Decimal("0"), **MONEY)
    paid_amount = models.DecimalField(_("montant versé"), default=Decimal("0"), **MONEY)
    # The date of the session of its first final decision (granted or refused); None while only deferred.
    decided_on = models.DateField(_("décidée le"), null=True)
    # The day it was filed (Paris time; None if never filed): set once by the filing, before any decision.
    filed_on = models.DateField(_("déposée le"), null=True)

    class Meta:
        verbose_name = _("chiffres d'une demande")
        verbose_name_plural = _("chiffres des demandes")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.granted_amount} / {self.paid_amount}"


BATCH_SIZE = 2000  # requests per batch: a few thousand parameters, under every backend's limit
GRANTED, DEFERRED, REFUSED = "granted", "deferred", "refused"  # Decision.Outcome, as the migration sees them
FINAL_OUTCOMES = (GRANTED, REFUSED)  # a deferral does not end the committee's work on a request
FIELDS = ("fund", "granted", "deferred", "refused", "granted_amount", "paid_amount", "decided_on", "filed_on")


def refresh_request_figures(*, application_ids: Iterable[int], registry=None) -> None:
    """Recompute the figures of these requests (a row for each one with a decision or a payment, none for the
    others). `registry`: the historical models of a data migration, which fills the table with this same code."""
    registry = registry or installed_apps
    ids = sorted(set(application_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        _refresh_batch(ids[start : start + BATCH_SIZE], registry)


def _refresh_batch(ids: list[int], registry) -> None:
    AgendaItem = registry.get_model("committees", "AgendaItem")
    Amendment = registry.get_model("committees", "Amendment")
    Payment = registry.get_model("committees", "Payment")
    Application = registry.get_model("applications", "Application")
    RequestFigures = registry.get_model("committees", "RequestFigures")
    outcome = "decision__outcome"
    decided = {
        row["application"]: row
        for row in AgendaItem.objects.filter(application__in=ids, decision__isnull=False)
        .values("application")
        .annotate(
            granted=Count("pk", filter=Q(**{outcome: GRANTED})),
            deferred=Count("pk", filter=Q(**{outcome: DEFERRED})),
            refused=Count("pk", filter=Q(**{outcome: REFUSED})),
            amount=Sum("decision__amount_granted", filter=Q(**{outcome: GRANTED})),
            decided_on=Min("session__date", filter=Q(**{f"{outcome}__in": FINAL_OUTCOMES})),
        )
        .order_by()
    }
    deltas = dict(
        Amendment.objects.filter(decision__item__application__in=ids, decision__outcome=GRANTED)
        .values_list("decision__item__application")
        .annotate(delta=Sum("amount_delta"))
        .order_by()
    )
    paid = dict(
        Payment.objects.filter(application__in=ids).values_list("application").annotate(total=Sum("amount")).order_by()
    )
    requests = Application.objects.filter(pk__in=ids).values_list("pk", "fund_id", "submitted_at")
    rows = [
        _row(RequestFigures, pk, fund_id, submitted_at, decided.get(pk), deltas.get(pk), paid.get(pk))
        for pk, fund_id, submitted_at in requests
        if pk in decided or pk in paid
    ]
    RequestFigures.objects.filter(application__in=ids).exclude(
        application__in=[r.application_id for r in rows]
    ).delete()
    RequestFigures.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["application"], update_fields=list(FIELDS)
    )


def _row(model, pk: int, fund_id: int, submitted_at, decided: dict | None, delta, paid):
    decided = decided or {}
    filed_on = timezone.localtime(submitted_at, timezone.get_default_timezone()).date() if submitted_at else None
    granted = bool(decided.get("granted"))
    return model(
        application_id=pk,
        fund_id=fund_id,
        granted=granted,
        deferred=bool(decided.get("deferred")),
        refused=bool(decided.get("refused")),
        granted_amount=cents((decided.get("amount") or ZERO) + (delta or ZERO)) if granted else ZERO,
        paid_amount=cents(paid),
        decided_on=decided.get("decided_on"),
        filed_on=filed_on,
    )


# --- Kept up to date ---------------------------------------------------------------------------------------


def requests_of(instances: list) -> list[int]:
    """The requests of saved decisions, amendments or payments (all of one model), read in batches."""
    if not instances or type(instances[0]).__name__ == "Payment":
        return [payment.application_id for payment in instances]
    if type(instances[0]).__name__ == "Decision":
        rows, key, path = installed_apps.get_model("committees", "AgendaItem").objects, "item_id", "application_id"
    else:
        rows, key, path = (
            installed_apps.get_model("committees", "Decision").objects,
            "decision_id",
            "item__application_id",
        )
    keys = [getattr(instance, key) for instance in instances]
    return [
        request
        for start in range(0, len(keys), BATCH_SIZE)
        for request in rows.filter(pk__in=keys[start : start + BATCH_SIZE]).values_list(path, flat=True)
    ]


class RefreshingQuerySet(models.QuerySet):
    """The queryset of decisions, amendments and payments: rows written in bulk (load data, tests) refresh their
    requests' figures as a save does (`bulk_create` sends no signal)."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        refresh_request_figures(application_ids=requests_of(created))
        return created


def _saved(sender, instance, **kwargs) -> None:
    refresh_request_figures(application_ids=requests_of([instance]))


def _session_saved(sender, instance, update_fields=None, **kwargs) -> None:
    """A saved session's decided requests (its date is their decision's date), unless only other fields were."""
    if update_fields is not None and "date" not in update_fields:
        return
    items = installed_apps.get_model("committees", "AgendaItem").objects
    decided = items.filter(session_id=instance.pk, decision__isnull=False)
    refresh_request_figures(application_ids=decided.values_list("application_id", flat=True))


def connect() -> None:
    """Refresh the figures of the requests whose decisions, amendments or payments are saved or deleted, or whose
    session is saved (`committees.apps`)."""
    for name in ("Decision", "Amendment", "Payment"):
        model = installed_apps.get_model("committees", name)
        post_save.connect(_saved, sender=model, dispatch_uid=f"committees.figures.save.{name}")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"committees.figures.delete.{name}")
    session = installed_apps.get_model("committees", "CommitteeSession")
    post_save.connect(_session_saved, sender=session, dispatch_uid="committees.figures.save.CommitteeSession")
