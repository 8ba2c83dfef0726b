"""A committee's settings that its letters and minutes print: signatory, chair, secretary, appeal route."""

from django.db import transaction

from committees.locks import lock_committee
from committees.models import Committee, CommitteeMember
from committees.services.rules import check_runs
from core.services import record_audit
from core.validation import full_save

SETTINGS_FIELDS = ("signatory_name", "signatory_role", "chair_id", "secretary_name", "secretary_role", "appeal_text")


def update_committee_settings(
    *,
    user,
    committee: Committee,
    signatory_name: str,
    signatory_role: str,
    chair: CommitteeMember | None,
    secretary_name: str,
    secretary_role: str,
    appeal_text: str,
) -> Committee:
    """Set who signs the decision letters and the minutes, and the appeal route the letters state."""
    check_runs(user, committee)
    with transaction.atomic():
        committee = lock_committee(committee)
        before = {name: getattr(committee, name) for name in SETTINGS_FIELDS}
        committee.signatory_name = (signatory_name or "").strip()
        committee.signatory_role = (signatory_role or "").strip()
        committee.chair = chair
        committee.secretary_name = (secretary_name or "").strip()
        committee.secretary_role = (secretary_role or "").strip()
        committee.appeal_text = (appeal_text or "").strip()
        full_save(committee)
        after = {name: getattr(committee, name) for name in SETTINGS_FIELDS}
        changes = {
            name: {"before": before[name], "after": after[name]}
            for name in SETTINGS_FIELDS
            if before[name] != after[name]
        }
        record_audit(
            actor=user,
            action="committees.update_settings",
            target=committee,
            summary=committee.name,
            data={"changes": changes},
        )
    return committee
