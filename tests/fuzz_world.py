"""The fuzzed forms' world: objects in the state each form needs, and the targets (persona, page, post URL)
that `tests/test_fuzz_forms.py` posts hostile values to."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services
from applications.workflow import Status
from committees import services as committee_services
from committees.models import CommitteeMember
from tests import factories as f

NOW = datetime.datetime(2025, 5, 24, 19, 0, tzinfo=datetime.UTC)

_BILAN_SECTIONS = [
    ("action", "action"),
    ("appreciation", "appreciation"),
    ("expenses", "depenses"),
    ("effects", "effets"),
    ("submit", "envoi"),
]


@pytest.fixture(name="fuzz_world")
def fuzz_world_fixture(world, resident, other_resident, staff, committee_member):
    """Objects in the state each form needs; returns the targets (persona, page, post URL)."""
    draft, filed = _the_residents_requests(world, resident, other_resident, staff)
    session, item, planned, member = _the_sessions(world, other_resident, staff, committee_member)
    granted, decision = _a_granted_request(world, resident, staff, draft.holder)
    targets = {
        **_account_targets(),
        **_request_targets(draft, filed),
        **_instruction_targets(filed),
        **_committee_targets(world, session, item, planned, member, decision),
        **_bilan_targets(granted),
    }
    return {"resident": resident, "staff": staff, "anonymous": None}, targets


def _the_residents_requests(world, resident, other_resident, staff):
    """Both residents confirmed; the resident's draft and filed request (under review), the other resident's
    request in Lille Sud's fund. Returns the draft and the filed request."""
    for user in (resident, other_resident):
        user.email_confirmed_at = NOW
        user.save(update_fields=["email_confirmed_at"])
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident)
    filed = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=draft.holder)
    f.AttachmentFactory(application=filed)
    services.submit_application(user=resident, application=filed, today=NOW.date())
    f.EligibilityCriterionFactory(fund=world.fund)  # the staff page shows the grid form
    services.start_review(user=staff, application=filed)
    f.ApplicationFactory(fund=world.other_fund, created_by=other_resident, filed=True)
    return draft, filed


def _eligible_request(world, other_resident, number: int):
    """A request filed in Hommelet's fund and declared eligible."""
    reference = f"PIC-2025-{number:04d}"
    return f.ApplicationFactory(
        fund=world.fund,
        created_by=other_resident,
        filed=True,
        status=Status.ELIGIBLE,
        reference=reference,
        number=number,
    )


def _the_sessions(world, other_resident, staff, committee_member):
    """An open session with a request put to the vote, three voting members present; a planned session and
    another eligible request. Returns the open session, its item, the planned session and the first member."""
    members = [CommitteeMember.objects.get(user=committee_member)] + [
        f.CommitteeMemberFactory(committee=world.committee, user=None, full_name=f"Membre {n}") for n in range(2)
    ]
    session = f.CommitteeSessionFactory(committee=world.committee, date=NOW.date())
    eligible = _eligible_request(world, other_resident, 500)
    item = committee_services.add_agenda_item(user=staff, session=session, application=eligible)
    committee_services.open_session(user=staff, session=session)
    for member in members:
        committee_services.record_attendance(user=staff, session=session, member=member, present=True)
    committee_services.start_vote(user=staff, item=item)
    planned = f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 6, 20))
    _eligible_request(world, other_resident, 501)
    return session, item, planned, members[0]


def _a_granted_request(world, resident, staff, holder):
    """A granted request: its decision (closed session), a draft bilan. Returns the request and its decision."""
    granted = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, holder=holder)
    decision = f.record_grant_for_bilan(application=granted, amount="250", decided_by=staff, committee=world.committee)
    f.BilanFactory(application=granted, created_by=resident)
    f.PaymentFactory(application=granted, amount=Decimal("100.00"), recorded_by=staff)
    return granted, decision


def _itself(persona, name, **kwargs):
    """A page whose form posts back to it."""
    url = reverse(name, kwargs=kwargs or None)
    return (persona, url, url)


def _staff_on(page, name, **kwargs):
    """A staff form shown on `page` and posted to `name`."""
    return ("staff", page, reverse(name, kwargs=kwargs))


def _account_targets() -> dict:
    return {
        "signup": _itself("anonymous", "signup"),
        "login": _itself("anonymous", "login"),
        "password_reset": _itself("anonymous", "password_reset"),
        "account": _itself("resident", "account"),
        "account_close": _itself("resident", "account_close"),
        "password_change": _itself("resident", "password_change"),
    }


def _request_targets(draft, filed) -> dict:
    """The holder's request: the steps of the draft, a message and the withdrawal of the filed one."""

    def step(slug):
        url = reverse("applications:application_step", kwargs={"pk": draft.pk, "step": slug})
        return ("resident", url, url)

    return {
        **{f"step_{slug}": step(slug) for slug in ("holder", "project", "when_where", "people", "budget", "summary")},
        "message": (
            "resident",
            reverse("applications:application_detail", kwargs={"pk": filed.pk}),
            reverse("applications:post_message", kwargs={"pk": filed.pk}),
        ),
        "withdraw": _itself("resident", "applications:withdraw_application", pk=filed.pk),
    }


def _instruction_targets(filed) -> dict:
    staff_page = reverse("staff:application", kwargs={"pk": filed.pk})
    return {
        "request_completion": _staff_on(staff_page, "staff:request_completion", pk=filed.pk),
        "declare_eligible": _staff_on(staff_page, "staff:declare_eligible", pk=filed.pk),
        "declare_ineligible": _staff_on(staff_page, "staff:declare_ineligible", pk=filed.pk),
        # The grid is one form (issue 17); `staff:record_check` stays for one criterion (tests/instruction).
        "record_grid": _staff_on(staff_page, "staff:record_grid", pk=filed.pk),
        "staff_message": _staff_on(staff_page, "staff:post_message", pk=filed.pk),
        "start_on_behalf": _itself("staff", "staff:start_on_behalf"),
        "staff_note": _staff_on(staff_page, "staff:add_note", pk=filed.pk),
    }


def _committee_targets(world, session, item, planned, member, decision) -> dict:
    closed = decision.item.session
    session_page = reverse("committees:session_detail", kwargs={"pk": session.pk})
    closed_page = reverse("committees:session_detail", kwargs={"pk": closed.pk})
    planned_page = reverse("committees:session_detail", kwargs={"pk": planned.pk})
    return {
        "session_create": _itself("staff", "committees:session_create", pk=world.committee.pk),
        "member_add": _itself("staff", "committees:member_add", pk=world.committee.pk),
        "member_edit": _itself("staff", "committees:member_edit", pk=member.pk),
        "member_link_add": _itself("staff", "committees:member_link_add", pk=member.pk),
        "committee_settings": _itself("staff", "committees:committee_settings", pk=world.committee.pk),
        "add_item": _staff_on(planned_page, "committees:add_item", pk=planned.pk),
        "attendance": _staff_on(session_page, "committees:record_attendance", pk=session.pk),
        "recusal": _staff_on(session_page, "committees:declare_recusal", pk=session.pk, item_pk=item.pk),
        "votes": _staff_on(session_page, "committees:record_votes", pk=session.pk, item_pk=item.pk),
        "decision": _staff_on(session_page, "committees:decide", pk=session.pk, item_pk=item.pk),
        "amendment": _staff_on(closed_page, "committees:amend_decision", pk=closed.pk, item_pk=decision.item_id),
        "payment": _itself("staff", "committees:payments", slug=world.fund.slug),
    }


def _bilan_targets(granted) -> dict:
    def bilan(section):
        url = reverse("reports:bilan_section", kwargs={"pk": granted.pk, "section": section})
        return ("resident", url, url)

    return {f"bilan_{name}": bilan(section) for name, section in _BILAN_SECTIONS}
