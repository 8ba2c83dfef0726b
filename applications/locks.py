"""The request app's row locks (`select_for_update`), in the portal's one lock order:
fund -> session -> agenda item -> request -> bilan (docs/architecture.md).

Here: the fund (to create its eligibility grid once), then the request. A request's own rows (a criterion
check, a document) are locked after the request; the fund's reference counter is locked last, once the
request is, by `submit_application` only (it is the gap-free numbering of filed requests).
Every lock lasts until the end of the caller's transaction.
"""

from applications.models import Application, Attachment, CriterionCheck, EligibilityCriterion, Holder, ReferenceCounter
from funds.models import Fund

# What a service reads with the locked request (its permission checks and e-mails).
LOCKED_RELATED = ("fund__association", "holder", "created_by")


def lock_fund(fund: Fund) -> None:
    """Lock the fund's row (e.g. so two first instructions at once create one eligibility grid, not two)."""
    Fund.objects.select_for_update().filter(pk=fund.pk).exists()


def lock_application(application: Application, *, related: bool = True) -> Application:
    """Re-read the request with its row locked (its related rows are read, not locked)."""
    queryset = Application.objects.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*LOCKED_RELATED)
    return queryset.get(pk=application.pk)


def lock_holder(holder: Holder) -> Holder:
    return Holder.objects.select_for_update().get(pk=holder.pk)


def lock_attachment(attachment: Attachment, *, application: Application) -> Attachment:
    """A document of the (already locked) request `application`."""
    return Attachment.objects.select_for_update().get(pk=attachment.pk, application=application)


def lock_criterion_check(*, application: Application, criterion: EligibilityCriterion) -> CriterionCheck | None:
    """The request's check of one criterion, if any (the request is locked first)."""
    return CriterionCheck.objects.select_for_update().filter(application=application, criterion=criterion).first()


def lock_reference_counter(*, fund_id: int) -> ReferenceCounter:
    """The fund's reference counter, created on first use, locked until commit (gap-free numbering)."""
    ReferenceCounter.objects.get_or_create(fund_id=fund_id)
    return ReferenceCounter.objects.select_for_update().get(fund_id=fund_id)
