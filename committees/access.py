"""The one way a committee view fetches its object for a user (after healthchecks' `_get_check_for_user`).

Each helper loads the object with what its pages read and says, in the same call, what the user may do:
read it (the fund's association staff, the committee's members, the administrator) or run it (the
association staff and the administrator: sessions, agenda, votes, decisions, members, payments).

- Whoever may not read the object gets 404, never 403, so that nobody learns whether it exists.
- With `to_run=True` (the view is about to change something), a reader who may not run gets 403: the
  committee's members see the session and are told plainly that running it is not theirs
  (tests/permission_matrix.toml pins these 403s).

Members read, for each request on their session's agenda, a read-only dossier (`get_dossier_for_user`): the
project, the budget and the attachments useful to the decision (`DOSSIER_ATTACHMENT_KINDS`: never the bank
details), never the staff's notes or the instruction's comments. Once the session is closed, a member gets a
403 page that says why (the minutes stay on the session page); the staff keep reading them.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from applications.conflicts import is_conflicted
from applications.models import Attachment
from applications.workflow import Status as RequestStatus
from committees.models import AgendaItem, Committee, CommitteeMember, CommitteeSession, Decision
from committees.permissions import can_record_payment, can_run_committee, is_committee_member
from core.access import get_or_404_for
from funds.models import Fund
from funds.permissions import can_view_fund

COMMITTEE_RELATED = "fund__association"


def committee_rights(user, committee: Committee, *, to_run: bool = False) -> bool:
    """Whether `user` may run `committee`; 404 when they may not even read it, 403 when `to_run` is refused."""
    can_run = can_run_committee(user, committee)
    if not can_run and not is_committee_member(user, committee):
        raise Http404
    if to_run and not can_run:
        raise PermissionDenied
    return can_run


@dataclass(frozen=True)
class CommitteeAccess:
    committee: Committee
    can_run: bool


@dataclass(frozen=True)
class MemberAccess:
    member: CommitteeMember
    can_run: bool

    @property
    def committee(self) -> Committee:
        return self.member.committee


@dataclass(frozen=True)
class SessionAccess:
    session: CommitteeSession
    can_run: bool


@dataclass(frozen=True)
class ItemAccess:
    item: AgendaItem  # its `session` is the session of the URL, already loaded
    can_run: bool

    @property
    def session(self) -> CommitteeSession:
        return self.item.session


@dataclass(frozen=True)
class DecisionAccess:
    decision: Decision  # its `item` (and the item's `session`) already loaded
    can_run: bool

    @property
    def item(self) -> AgendaItem:
        return self.decision.item

    @property
    def session(self) -> CommitteeSession:
        return self.decision.item.session


@dataclass(frozen=True)
class FundAccess:
    fund: Fund
    can_run: bool  # record payments: the association staff; co-funders' staff only read


def get_committee_for_user(user, pk: int, *, to_run: bool = False) -> CommitteeAccess:
    committee = get_object_or_404(Committee.objects.select_related(COMMITTEE_RELATED), pk=pk)
    return CommitteeAccess(committee=committee, can_run=committee_rights(user, committee, to_run=to_run))


def get_member_for_user(user, pk: int, *, to_run: bool = False) -> MemberAccess:
    """A member, for whoever may read the member's committee."""
    member = get_object_or_404(CommitteeMember.objects.select_related(f"committee__{COMMITTEE_RELATED}", "user"), pk=pk)
    return MemberAccess(member=member, can_run=committee_rights(user, member.committee, to_run=to_run))


def get_session_for_user(user, pk: int, *, to_run: bool = False) -> SessionAccess:
    session = get_object_or_404(CommitteeSession.objects.select_related(f"committee__{COMMITTEE_RELATED}"), pk=pk)
    return SessionAccess(session=session, can_run=committee_rights(user, session.committee, to_run=to_run))


def get_item_for_user(user, pk: int, item_pk: int, *, to_run: bool = False) -> ItemAccess:
    """An agenda line of session `pk`: the session's rights first, then 404 for a line of another session."""
    access = get_session_for_user(user, pk, to_run=to_run)
    item = get_object_or_404(
        AgendaItem.objects.select_related("application__holder"), pk=item_pk, session=access.session
    )
    item.session = access.session
    return ItemAccess(item=item, can_run=access.can_run)


def get_decision_for_user(user, pk: int, item_pk: int, *, to_run: bool = False) -> DecisionAccess:
    """The decision on an agenda line of session `pk` (404 while the committee has not decided)."""
    access = get_item_for_user(user, pk, item_pk, to_run=to_run)
    decision = get_object_or_404(Decision, item=access.item)
    decision.item = access.item
    return DecisionAccess(decision=decision, can_run=access.can_run)


def get_fund_for_user(user, slug: str, *, to_run: bool = False) -> FundAccess:
    """A fund's committee pages (its payments): whoever reads the fund in the back office; running = recording."""
    fund = get_or_404_for(user, Fund.objects.select_related("association"), may=can_view_fund, slug=slug)
    can_run = can_record_payment(user, fund)
    if to_run and not can_run:
        raise PermissionDenied
    return FundAccess(fund=fund, can_run=can_run)


# What a member reads to decide: the quotes, the association's statutes, other pieces; never the RIB.
DOSSIER_ATTACHMENT_KINDS = (Attachment.Kind.QUOTE, Attachment.Kind.STATUTES, Attachment.Kind.OTHER)


@dataclass(frozen=True)
class DossierAccess:
    item: AgendaItem  # its `session` and its request (with the holder) already loaded
    can_run: bool
    takes_no_part: bool  # the user sits on the committee and is linked to the holder, or recused: no vote

    @property
    def session(self) -> CommitteeSession:
        return self.item.session


def refuse_closed_dossiers(session: CommitteeSession, *, can_run: bool) -> None:
    """Members read the dossiers until the session closes; the staff always."""
    if session.is_closed and not can_run:
        raise PermissionDenied(
            _(
                "La séance du %(day)s est close : ses dossiers ne sont plus consultables par les membres du comité. "
                "Les décisions figurent au procès-verbal, sur la page de la séance."
            )
            % {"day": session.date.strftime("%d/%m/%Y")}
        )


def get_dossiers_session_for_user(user, pk: int) -> SessionAccess:
    """A session whose dossiers the user reads: its readers (404 to anyone else), members only until it closes."""
    access = get_session_for_user(user, pk)
    refuse_closed_dossiers(access.session, can_run=access.can_run)
    return access


def get_dossier_for_user(user, pk: int, item_pk: int) -> DossierAccess:
    """The dossier of one agenda line of session `pk` (a request its holder withdrew has none: 404)."""
    access = get_dossiers_session_for_user(user, pk)
    item = get_object_or_404(
        AgendaItem.objects.select_related(
            "application__holder", "application__theme", "application__neighbourhood", "application__fund"
        ).exclude(application__status=RequestStatus.WITHDRAWN),
        pk=item_pk,
        session=access.session,
    )
    item.session = access.session
    takes_no_part = not access.can_run and (
        is_conflicted(user, item.application) or item.recusals.filter(member__user=user).exists()
    )
    return DossierAccess(item=item, can_run=access.can_run, takes_no_part=takes_no_part)


def get_dossier_attachment_for_user(user, pk: int, item_pk: int, attachment_pk: int) -> Attachment:
    """A piece of a dossier: one of `DOSSIER_ATTACHMENT_KINDS` of that line's request; 404 for any other."""
    item = get_dossier_for_user(user, pk, item_pk).item
    return get_object_or_404(
        Attachment, pk=attachment_pk, application_id=item.application_id, kind__in=DOSSIER_ATTACHMENT_KINDS
    )
