"""Committee pages: committees and members, their links to holders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committees import services
from committees.models import (
    CommitteeMember,
)
from core.models import AuditEntry
from tests.committee_helpers import FOR, client_for, eligible_application, page_text, page_url, put_on_agenda

# The evening of the session of 24/05/2025: requests filed on 1 May are on time.
pytestmark = pytest.mark.usefixtures("on_the_session_day")


# --- Committees and members -----------------------------------------------------------------------


def test_staff_add_and_edit_a_member_and_declare_a_link(world, staff, resident):
    client = client_for(staff)
    response = client.post(
        page_url("member_add", world.committee.pk),
        {
            "full_name": "Nadia Voisine",
            "college": "resident",
            "organisation": "",
            "mandate_start": "2025-01-01",
            "mandate_end": "",
            "email": "",
            "account_email": resident.email.upper(),
        },
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get(full_name="Nadia Voisine")
    assert member.user == resident and member.has_vote

    response = client.post(
        page_url("member_edit", member.pk),
        {
            "full_name": "Nadia Voisine",
            "college": "association",
            "organisation": "Les Jardins partagés",
            "mandate_start": "2025-01-01",
            "mandate_end": "2024-12-31",
            "email": "",
            "account_email": resident.email,
        },
    )
    assert response.status_code == 400 and "La fin du mandat doit suivre son début." in page_text(response)
    data = {
        "full_name": "Nadia Voisine",
        "college": "association",
        "organisation": "Les Jardins partagés",
        "mandate_start": "2025-01-01",
        "mandate_end": "2025-12-31",
        "email": "",
        "account_email": resident.email,
    }
    assert client.post(page_url("member_edit", member.pk), data).status_code == 302
    member.refresh_from_db()
    assert (member.college, member.mandate_end) == ("association", datetime.date(2025, 12, 31))

    holder = eligible_application(world.fund).holder
    other_fund_holder = eligible_application(world.other_fund).holder
    form_page = page_text(client.get(page_url("member_link_add", member.pk)))
    assert holder.name in form_page and other_fund_holder.name not in form_page
    response = client.post(
        page_url("member_link_add", member.pk), {"holder": holder.pk, "holder_name": "", "reason": "Présidente"}
    )
    assert response.status_code == 302
    response = client.post(
        page_url("member_link_add", member.pk), {"holder": holder.pk, "holder_name": "", "reason": "Encore"}
    )
    assert response.status_code == 400 and "déjà déclaré" in page_text(response)
    page = page_text(client.get(page_url("committee_detail", world.committee.pk)))
    assert f"{holder.name} — Présidente" in page and "Les Jardins partagés" in page


def test_add_member_service_checks_permission_and_account(world, staff, other_staff, resident):
    kwargs = {
        "committee": world.committee,
        "full_name": "Karim Habitant",
        "college": CommitteeMember.College.RESIDENT,
        "mandate_start": datetime.date(2025, 1, 1),
    }
    with pytest.raises(PermissionDenied):
        services.add_member(user=other_staff, **kwargs)
    # Issue 14, rule 9: an address without an account is no error (see tests/test_account_lookup_hygiene.py).
    unlinked = services.add_member(user=staff, account_email="personne@example.org", **kwargs)
    assert (unlinked.user, unlinked.email) == (None, "personne@example.org")
    unlinked.delete()
    member = services.add_member(user=staff, account_email=resident.email, **kwargs)
    assert AuditEntry.objects.filter(action="committees.add_member", target_id=str(member.pk)).exists()
    with pytest.raises(ValidationError, match="déjà celui d'un autre membre"):
        services.add_member(user=staff, account_email=resident.email, **{**kwargs, "full_name": "Doublon"})
    with pytest.raises(ValidationError):
        services.add_member(user=staff, **{**kwargs, "college": "president"})
    assert CommitteeMember.objects.filter(committee=world.committee).count() == 1


def test_update_member_ends_a_mandate_but_keeps_votes_meaningful(world, staff, open_board, other_staff):
    board, item = open_board
    member = board.voters[0]
    services.record_vote(user=staff, item=item, member=member, choice=FOR)
    fields = {
        "full_name": member.full_name,
        "college": CommitteeMember.College.RESIDENT,
        "mandate_start": member.mandate_start,
        "mandate_end": datetime.date(2025, 12, 31),
    }
    with pytest.raises(PermissionDenied):
        services.update_member(user=other_staff, member=member, **fields)
    account = member.user
    updated = services.update_member(user=staff, member=member, **fields)
    assert updated.mandate_end == datetime.date(2025, 12, 31) and updated.user == account  # account kept
    audit = AuditEntry.objects.get(action="committees.update_member", target_id=str(member.pk))
    assert audit.data["changes"]["mandate_end"] == {"before": "", "after": "2025-12-31"}
    assert services.update_member(user=staff, member=member, account_email="", **fields).user is None
    with pytest.raises(ValidationError, match="déjà voté"):
        services.update_member(user=staff, member=member, **{**fields, "college": CommitteeMember.College.EX_OFFICIO})


def test_add_member_link_by_name_and_its_automatic_recusal(world, staff, other_staff, open_board):
    board, _item = open_board
    member = board.voters[1]
    application = eligible_application(world.fund)
    with pytest.raises(PermissionDenied):
        services.add_member_link(user=other_staff, member=member, holder_name="X", reason="Frère")
    with pytest.raises(ValidationError):
        services.add_member_link(user=staff, member=member, reason="Frère")  # neither holder nor name
    with pytest.raises(ValidationError, match="pas les deux"):
        services.add_member_link(user=staff, member=member, holder=application.holder, holder_name="X", reason="Frère")
    link = services.add_member_link(
        user=staff, member=member, holder_name=f"  {application.holder.name.upper()} ", reason="Frère du référent"
    )
    assert link.holder_name == application.holder.name.upper()
    with pytest.raises(ValidationError, match="déjà déclaré"):
        services.add_member_link(user=staff, member=member, holder_name=application.holder.name, reason="Encore")
    item = put_on_agenda(board, staff, application)
    recusals = services.start_vote(user=staff, item=item)
    assert [(r.member, r.automatic) for r in recusals] == [(member, True)]
