"""The members of a committee: seat one, correct their record or end their mandate, declare their links."""

import datetime
from typing import Required, TypedDict, Unpack

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Holder
from committees.locks import lock_member
from committees.models import Committee, CommitteeMember, CommitteeMemberLink
from committees.services.rules import check_runs, invalid
from core import emails
from core.services import record_audit
from core.validation import full_save


def find_account(account_email: str, committee: Committee, *, member: CommitteeMember | None = None):
    """The portal account a member logs in with, found by its address; None when there is none.

    Answers the same whether or not an address has an account (issue 14, rule 9): no error for an unknown
    address (see `link_or_invite`), which keeps the address as the member's contact and invites the person.
    """
    account_email = (account_email or "").strip()
    if not account_email:
        return None
    account = User.objects.filter(email__iexact=account_email, is_active=True).first()
    if account is None:
        return None
    others = CommitteeMember.objects.filter(committee=committee, user=account)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if others.exists():
        raise invalid(
            _("Le compte %(email)s est déjà celui d'un autre membre de ce comité.") % {"email": account_email},
            "account_email",
        )
    return account


def link_or_invite(member: CommitteeMember, account_email: str, *, previous_email: str = "") -> bool:
    """Keep `account_email` as the member's contact address and link the account that uses it, silently;
    when none does, the member stays unlinked until that address is confirmed on the portal (see
    `link_confirmed_account`). True when the person should be invited to create their account."""
    account_email = (account_email or "").strip().lower()  # as accounts store them: the same either way
    member.user = find_account(account_email, member.committee, member=member if member.pk else None)
    if not account_email:
        return False
    invite = member.user is None and account_email.lower() != (previous_email or "").lower()
    member.email = account_email
    return invite


def invite_to_portal(member: CommitteeMember) -> None:
    """The seat is saved without an account: tell the person how to create one with this address."""
    committee = member.committee
    emails.send_templated(
        name="committees/emails/member_invitation",
        to=[member.email],
        context={
            "member": member,
            "committee": committee,
            "association": committee.fund.association,
            "signup_url": emails.absolute_url(reverse("signup")),
        },
        cause="committee_member_invitation",
        target=member,
    )


def link_confirmed_account(*, user) -> int:
    """An address was just confirmed on the portal: seats waiting for it (contact address, no account yet)
    are linked to that account, except in a committee where it already holds a seat. Returns how many."""
    taken = CommitteeMember.objects.filter(user=user).values("committee_id")
    waiting = list(
        CommitteeMember.objects.filter(user__isnull=True, email__iexact=user.email).exclude(committee_id__in=taken)
    )
    linked_committees = set()
    for member in waiting:
        if member.committee_id in linked_committees:
            continue  # two seats of one committee with the same address: staff chooses (one account, one seat)
        linked_committees.add(member.committee_id)
        member.user = user
        member.save(update_fields=["user"])  # core.signals records the change of account in the audit log
    return len(linked_committees)


class MemberRecord(TypedDict, total=False):
    """A member's record as the member form sends it (`add_member` and `update_member` take it as keywords)."""

    full_name: Required[str]
    college: Required[str]
    mandate_start: Required[datetime.date]
    mandate_end: datetime.date | None
    email: str
    organisation: str
    postal_address: str


def set_member_fields(
    member: CommitteeMember,
    *,
    full_name,
    college,
    mandate_start,
    mandate_end=None,
    email="",
    organisation="",
    postal_address="",
):
    member.full_name = (full_name or "").strip()
    member.college = college
    member.mandate_start = mandate_start
    member.mandate_end = mandate_end
    member.email = (email or "").strip()
    member.organisation = (organisation or "").strip()
    member.postal_address = (postal_address or "").strip()


def add_member(
    *,
    user,
    committee: Committee,
    account_email: str = "",
    **record: Unpack[MemberRecord],
) -> CommitteeMember:
    """Seat a person on a committee, with a college and a mandate; optionally linked to their portal account."""
    check_runs(user, committee)
    member = CommitteeMember(committee=committee)
    set_member_fields(member, **record)
    with transaction.atomic():
        invite = link_or_invite(member, account_email)
        full_save(member)
        if invite:
            invite_to_portal(member)
        record_audit(
            actor=user,
            action="committees.add_member",
            target=member,
            summary=f"{committee.name}: {member.full_name}",
            data={"committee": committee.pk, "college": member.college, "account": member.user_id},
        )
    return member


def update_member(
    *,
    user,
    member: CommitteeMember,
    account_email: str | None = None,
    **record: Unpack[MemberRecord],
) -> CommitteeMember:
    """Correct a member's record or end their mandate. Past votes and attendance stay as recorded.

    `account_email`: None keeps the member's account, "" unlinks it, an address links that account.
    """
    check_runs(user, member.committee)
    with transaction.atomic():
        member = lock_member(member)
        previous_email = member.email
        before = {
            name: str(getattr(member, name) or "") for name in ("full_name", "college", "mandate_start", "mandate_end")
        }
        set_member_fields(member, **record)
        if member.college == CommitteeMember.College.EX_OFFICIO and member.votes.exists():
            raise invalid(
                _(
                    "%(member)s a déjà voté : il ou elle ne peut pas devenir membre de droit. "
                    "Terminez son mandat et ajoutez un nouveau membre."
                )
                % {"member": member.full_name},
                "college",
            )
        invite = account_email is not None and link_or_invite(member, account_email, previous_email=previous_email)
        full_save(member)
        if invite:
            invite_to_portal(member)
        after = {name: str(getattr(member, name) or "") for name in before}
        record_audit(
            actor=user,
            action="committees.update_member",
            target=member,
            summary=member.full_name,
            data={
                "changes": {
                    name: {"before": before[name], "after": after[name]}
                    for name in before
                    if before[name] != after[name]
                },
                "account": member.user_id,
            },
        )
    return member


def add_member_link(
    *, user, member: CommitteeMember, reason: str, holder: Holder | None = None, holder_name: str = ""
) -> CommitteeMemberLink:
    """Declare a member's link to a holder: the member then steps out of every vote on that holder's requests."""
    check_runs(user, member.committee)
    holder_name = (holder_name or "").strip()
    if holder is not None and holder_name:
        raise invalid(_("Choisissez un porteur de projet ou saisissez un nom, pas les deux."))
    link = CommitteeMemberLink(member=member, holder=holder, holder_name=holder_name, reason=(reason or "").strip())
    with transaction.atomic():
        existing = CommitteeMemberLink.objects.filter(member=member)
        if (
            holder is not None
            and existing.filter(holder=holder).exists()
            or (holder_name and existing.filter(holder_name__iexact=holder_name).exists())
        ):
            raise invalid(
                _("Ce lien de %(member)s avec %(holder)s est déjà déclaré.")
                % {"member": member.full_name, "holder": holder or holder_name}
            )
        full_save(link)
        record_audit(
            actor=user,
            action="committees.add_member_link",
            target=member,
            summary=f"{member.full_name} ↔ {holder or holder_name}"[:500],
            data={"link": link.pk, "holder": holder.pk if holder else None, "reason": link.reason},
        )
    return link
