"""What changed in a request since the committee deferred it: the fields the holder may edit, as displayed
text, compared with the snapshot taken at the deferral (`DeferralRevision`), and the documents added or removed.

Reads only: the services write the snapshot (committee's deferral) and freeze the changes (holder's send-back);
the pages read them through `deferral_changes_for`, in a number of queries that does not grow with the requests.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Attachment, BudgetLine, DeferralRevision
from core.templatetags.portal_format import format_money

# The request's own fields the holder may change after a deferral, in the order of the form's steps.
TRACKED_FIELDS = (
    "title",
    "theme",
    "ambition",
    "objectives",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "neighbourhood",
    "expected_public",
    "expected_women",
    "expected_men",
    "residents_mobilised",
    "amount_requested",
)
EXTRA_LABELS = {"expenses": _("Dépenses prévues"), "resources": _("Autres ressources prévues")}


def field_label(name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    label = str(Application._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _text(application: Application, name: str) -> str:
    value = getattr(application, name)
    if value is None or value == "":
        return ""
    if name == "amount_requested":
        return format_money(value)
    if name in ("starts_at", "ends_at"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return str(value)


def _lines_text(lines: Iterable[BudgetLine]) -> str:
    return "\n".join(f"{line.get_category_display()} — {line.label} : {format_money(line.amount)}" for line in lines)


def snapshot(application: Application, lines: list[BudgetLine]) -> dict[str, str]:
    """The request's editable content as displayed text, by field name (`lines`: its budget lines, in order)."""
    data = {name: _text(application, name) for name in TRACKED_FIELDS}
    data["expenses"] = _lines_text(line for line in lines if line.side == BudgetLine.Side.EXPENSE)
    data["resources"] = _lines_text(line for line in lines if line.side == BudgetLine.Side.RESOURCE)
    return data


def attachment_refs(attachments: Iterable[Attachment]) -> list[dict]:
    return [{"id": a.pk, "kind": a.kind, "name": a.original_name} for a in attachments]


def compare(
    before: dict[str, str], after: dict[str, str], before_files: list[dict], after_files: list[dict]
) -> tuple[list[dict], list[dict], list[dict]]:
    """(changed fields as {field, old, new}, documents added, documents removed)."""
    changes = [
        {"field": name, "old": before.get(name, ""), "new": after.get(name, "")}
        for name in (*TRACKED_FIELDS, "expenses", "resources")
        if before.get(name, "") != after.get(name, "")
    ]
    before_ids = {ref["id"] for ref in before_files}
    after_ids = {ref["id"] for ref in after_files}
    added = [ref for ref in after_files if ref["id"] not in before_ids]
    removed = [ref for ref in before_files if ref["id"] not in after_ids]
    return changes, added, removed


@dataclass(frozen=True)
class FileRef:
    kind: str
    name: str

    @property
    def kind_label(self) -> str:
        try:
            return str(Attachment.Kind(self.kind).label)
        except ValueError:
            return self.kind


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    @property
    def label(self) -> str:
        return field_label(self.field)


@dataclass(frozen=True)
class DeferralChanges:
    """The block "Modifications depuis l'ajournement" of one request."""

    revision: DeferralRevision
    fields: list[FieldChange] = field(default_factory=list)
    added: list[FileRef] = field(default_factory=list)
    removed: list[FileRef] = field(default_factory=list)

    @property
    def sent_back(self) -> bool:
        return self.revision.sent_back_at is not None

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.added or self.removed)


def _build(revision: DeferralRevision, changes: list[dict], added: list[dict], removed: list[dict]):
    return DeferralChanges(
        revision=revision,
        fields=[FieldChange(field=c["field"], old=c["old"], new=c["new"]) for c in changes],
        added=[FileRef(kind=ref["kind"], name=ref["name"]) for ref in added],
        removed=[FileRef(kind=ref["kind"], name=ref["name"]) for ref in removed],
    )


def live_comparison(revisions: list[DeferralRevision]) -> dict[int, tuple[list[dict], list[dict], list[dict]]]:
    """{revision id: (changes, added, removed)} between each revision's snapshot and its request now (3 queries)."""
    if not revisions:
        return {}
    ids = {revision.application_id for revision in revisions}
    applications = Application.objects.select_related("theme", "ambition__stake", "neighbourhood").in_bulk(ids)
    lines: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in BudgetLine.objects.filter(application_id__in=ids).order_by("side", "position", "id"):
        lines[line.application_id].append(line)
    files: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(application_id__in=ids).order_by("kind", "uploaded_at", "id"):
        files[attachment.application_id].append(attachment)
    result = {}
    for revision in revisions:
        application = applications[revision.application_id]
        result[revision.pk] = compare(
            revision.snapshot,
            snapshot(application, lines[application.pk]),
            revision.attachment_ids,
            attachment_refs(files[application.pk]),
        )
    return result


def deferral_changes_for(wanted: dict[int, object | None]) -> dict[int, DeferralChanges]:
    """{request id: its changes since its latest deferral}, for `wanted` = {request id: only deferrals before this
    instant (None: any)}. Frozen at the send-back; until then compared with the request as it is now."""
    if not wanted:
        return {}
    latest: dict[int, DeferralRevision] = {}
    for revision in DeferralRevision.objects.filter(application_id__in=list(wanted)).order_by("deferred_at", "pk"):
        before = wanted[revision.application_id]
        if before is None or revision.deferred_at < before:
            latest[revision.application_id] = revision
    pending = [revision for revision in latest.values() if revision.sent_back_at is None]
    live = live_comparison(pending)
    result = {}
    for application_id, revision in latest.items():
        if revision.sent_back_at is None:
            changes, added, removed = live[revision.pk]
        else:
            changes = revision.changes
            removed = [ref for ref in revision.attachments_added if ref.get("removed")]
            added = [ref for ref in revision.attachments_added if not ref.get("removed")]
        result[application_id] = _build(revision, changes, added, removed)
    return result


def deferral_changes(application: Application) -> DeferralChanges | None:
    """The changes since the request's latest deferral, or None when it was never deferred."""
    return deferral_changes_for({application.pk: None}).get(application.pk)
