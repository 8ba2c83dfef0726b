"""Who gets what on every page of the portal: the table lives in tests/permission_matrix.toml.

One world holds an object of every kind, owned by the named personas; every URL of the portal is
requested (GET) as every persona and the status code compared with the table. A URL missing from the
table fails the suite, so a new page cannot ship without its access rules written down.
"""

import datetime
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applications.models import Attachment
from applications.services.on_behalf import takeover_token
from bundles.services import download_token
from tests import factories as f
from tests.committee_helpers import client_for

MATRIX_PATH = Path(__file__).with_name("permission_matrix.toml")
PERSONAS = (
    "anonymous",
    "resident",
    "other_resident",
    "staff",
    "other_staff",
    "committee_member",
    "region_staff",
    "city_staff",
    "outsider",
    "admin",
    "holder_staff",
    "lapsed_member",
)
SKIPPED_NAMESPACES = {"admin"}


def load_matrix() -> dict:
    with MATRIX_PATH.open("rb") as handle:
        return tomllib.load(handle)


def portal_url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL pattern of the portal (admin and static/media serving left out)."""
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES or entry.app_name in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= portal_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                raise AssertionError(f"Unnamed URL pattern {entry.pattern!r}: name it and add it to the matrix")
            if getattr(entry.callback, "__name__", "") == "serve":  # static/media serving (DEBUG only)
                continue
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_pattern_is_in_the_matrix():
    matrix = load_matrix()
    missing = sorted(portal_url_names() - set(matrix))
    assert not missing, f"URL patterns absent from {MATRIX_PATH.name}: {', '.join(missing)}"
    unknown = sorted(set(matrix) - portal_url_names())
    assert not unknown, f"Entries of {MATRIX_PATH.name} matching no URL pattern: {', '.join(unknown)}"


def test_every_entry_names_every_persona():
    for name, entry in load_matrix().items():
        assert set(entry) - {"args"} == set(PERSONAS), f"{name}: expected statuses for exactly {PERSONAS}"


@pytest.fixture
def matrix_world(
    world,
    resident,
    other_resident,
    staff,
    other_staff,
    committee_member,
    region_staff,
    city_staff,
    outsider,
    admin_user,
):
    """One world with an object of every kind; returns the personas and the named objects."""
    _confirm_emails(resident, other_resident)
    holder, filed_objects = _resident_filed_request(world, resident, staff)
    granted_objects = _resident_draft_and_granted(world, resident, staff, holder)
    planned, lille_objects = _planned_session_and_lille(world, other_resident)
    holder_staff, lapsed_member = _holder_staff_and_lapsed_member(world, holder)
    agenda_objects = _request_on_the_agenda(world, resident, holder, planned)
    on_behalf_objects = _requests_on_behalf(world, staff)
    objects = {
        **filed_objects,
        **granted_objects,
        **lille_objects,
        "committee:hommelet": world.committee.pk,
        **agenda_objects,
        "fund:hommelet": world.fund.slug,
        "fund:lille": world.other_fund.slug,
        **on_behalf_objects,
        **_member_webhook_fifty_and_cvs(world, resident, staff, committee_member),
    }
    personas = {
        "anonymous": None,
        "resident": resident,
        "other_resident": other_resident,
        "staff": staff,
        "other_staff": other_staff,
        "committee_member": committee_member,
        "region_staff": region_staff,
        "city_staff": city_staff,
        "outsider": outsider,
        "admin": admin_user,
        "holder_staff": holder_staff,
        "lapsed_member": lapsed_member,
    }
    return personas, objects


def _confirm_emails(resident, other_resident):
    """Both residents have confirmed their email address."""
    confirmed = timezone.now()
    for user in (resident, other_resident):
        user.email_confirmed_at = confirmed
        user.save(update_fields=["email_confirmed_at"])


def _resident_filed_request(world, resident, staff):
    """The resident's filed request in Hommelet's fund, with a bank statement, a quote and a message; returns its
    holder and the named objects (the fund's eligibility criterion among them)."""
    application = f.ApplicationFactory(
        fund=world.fund, created_by=resident, filed=True, reference="PIC-2025-0101", number=101
    )
    rib = f.AttachmentFactory(application=application, kind=Attachment.Kind.BANK_DETAILS)
    quote = f.AttachmentFactory(application=application, kind=Attachment.Kind.QUOTE, original_name="devis.pdf")
    f.MessageFactory(application=application)
    message_file = f.MessageFactory(
        application=application,
        author=resident,
        attachment=SimpleUploadedFile("devis-car.pdf", f.MINIMAL_PDF),
        attachment_name="devis-car.pdf",
        attachment_content_type="application/pdf",
        attachment_size=len(f.MINIMAL_PDF),
    )
    f.StaffNoteFactory(application=application, author=staff)
    criterion = f.EligibilityCriterionFactory(fund=world.fund)
    return application.holder, {
        "application:resident": application.pk,
        "attachment:resident_rib": rib.pk,
        "attachment:resident_quote": quote.pk,
        "message:resident_file": message_file.pk,
        "criterion:hommelet": criterion.pk,
    }


def _resident_draft_and_granted(world, resident, staff, holder) -> dict:
    """The resident's draft (not yet filed), and the granted request: decided in a closed session, advance paid,
    bilan with a photo."""
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=holder)
    granted = f.GrantedApplicationFactory(
        fund=world.fund, created_by=resident, holder=holder, reference="PIC-2025-0102", number=102
    )
    decision = f.record_grant_for_bilan(application=granted, amount="250", decided_by=staff, committee=world.committee)
    f.PaymentFactory(application=granted, amount=Decimal("200.00"), recorded_by=staff)
    bilan = f.BilanFactory(application=granted, created_by=resident)
    photo = f.BilanPhotoFactory(bilan=bilan)
    return {
        "application:draft": draft.pk,
        "application:granted": granted.pk,
        "bilan_attachment:photo": photo.pk,
        "session:closed": decision.item.session_id,
        "item:decided": decision.item_id,
    }


def _planned_session_and_lille(world, other_resident):
    """A planned session of the Hommelet committee, the Lille Sud request, its holder's attachment and the Lille Sud
    committee; returns the planned session and the named objects."""
    planned = f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 6, 20))
    lille = f.ApplicationFactory(
        fund=world.other_fund, created_by=other_resident, filed=True, reference="PIC-2025-0001", number=1
    )
    lille_rib = f.AttachmentFactory(application=lille, kind=Attachment.Kind.BANK_DETAILS)
    lille_committee = f.CommitteeFactory(fund=world.other_fund, name="Comité de Lille Sud")
    return planned, {
        "application:lille": lille.pk,
        "attachment:lille_rib": lille_rib.pk,
        "committee:lille": lille_committee.pk,
        "session:planned": planned.pk,
    }


def _holder_staff_and_lapsed_member(world, holder):
    """Issue 14's personas: Hommelet staff linked to the resident's holder (board member of the group), and a
    former member of the Hommelet committee whose mandate ended."""
    from applications.models import HolderLink

    holder_staff = f.UserFactory(email="staff.lie@example.org", first_name="Lina", last_name="Liée")
    f.AssociationStaffFactory(association=world.hommelet, user=holder_staff)
    HolderLink.objects.create(user=holder_staff, holder=holder, reason="Membre du bureau du collectif")
    lapsed_member = f.UserFactory(email="ancien.membre@example.org", first_name="Omar", last_name="Ancien")
    f.CommitteeMemberFactory(
        committee=world.committee,
        user=lapsed_member,
        full_name="Omar Ancien",
        mandate_start=datetime.date(2023, 1, 1),
        mandate_end=datetime.date(2024, 12, 31),
    )
    return holder_staff, lapsed_member


def _request_on_the_agenda(world, resident, holder, planned) -> dict:
    """Issue 16: a request of the resident on the planned session's agenda, with a quote (members read its
    dossier)."""
    on_agenda = f.ApplicationFactory(
        fund=world.fund,
        created_by=resident,
        holder=holder,
        status="on_agenda",
        reference="PIC-2025-0103",
        number=103,
    )
    planned_quote = f.AttachmentFactory(application=on_agenda, kind=Attachment.Kind.QUOTE, original_name="devis.pdf")
    planned_item = f.AgendaItemFactory(session=planned, application=on_agenda, position=1)
    return {"item:planned": planned_item.pk, "attachment:planned_quote": planned_quote.pk}


def _requests_on_behalf(world, staff) -> dict:
    """Issue 17: a draft the Hommelet staff fill in for a holder without an account, and a request they filed for
    one, whose holder was invited to take it over (the link's token)."""
    typed_holder = f.HolderFactory(owner=staff, entered_by_staff=True, name="Les jardiniers du square")
    on_behalf_draft = f.ApplicationFactory(
        fund=world.fund, created_by=staff, filed_on_behalf_by=staff, holder=typed_holder
    )
    on_behalf_filed = f.ApplicationFactory(
        fund=world.fund,
        created_by=staff,
        filed_on_behalf_by=staff,
        holder=typed_holder,
        filed=True,
        reference="PIC-2025-0104",
        number=104,
        takeover_nonce="0123456789abcdef",
    )
    return {
        "application:on_behalf_draft": on_behalf_draft.pk,
        "takeover_token:on_behalf": takeover_token(on_behalf_filed),
    }


def _member_webhook_fifty_and_cvs(world, resident, staff, committee_member) -> dict:
    """The committee member's seat, Hommelet's webhook and bundle, its fifty/fifty and its CVS call."""
    from committees.models import CommitteeMember

    member = CommitteeMember.objects.get(committee=world.committee, user=committee_member)
    endpoint, delivery, bundle = _webhook_and_bundle(world, staff)
    fifty = _fifty_fifty(world, resident, staff)
    return {
        "member:committee_member": member.pk,
        "endpoint:hommelet": endpoint.pk,
        "delivery:hommelet": delivery.pk,
        "bundle:staff": bundle.pk,
        "bundle_token:staff": download_token(bundle),
        **fifty,
        **_cvs_objects(world, resident),
    }


def _webhook_and_bundle(world, staff):
    """Hommelet's webhook endpoint with one delivery, and a ready fund bundle asked by the staff member."""
    from django.core.files.base import ContentFile

    from bundles.models import Bundle
    from webhooks.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        association=world.hommelet, url="https://si.example.org/pic", events=["request.filed"], created_by=staff
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="request.filed", event_id="evt_1", payload={}, window_started_at=timezone.now()
    )
    bundle = Bundle.objects.create(
        requested_by=staff,
        scope=Bundle.Scope.FUND,
        fund=world.fund,
        full_access=True,
        state=Bundle.State.READY,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    bundle.file.save("dossier.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    return endpoint, delivery, bundle


def _fifty_fifty(world, resident, staff) -> dict:
    """Hommelet's fifty/fifty: the resident's idea with its convention to sign, another signed on paper, and the
    resident's initiative waiting for validation."""
    from fiftyfifty import services
    from fiftyfifty.models import Signature
    from tests.fifty_helpers import agreed, declare_initiative, fifty_fund, signed_copy

    fund = fifty_fund(world)
    to_sign = agreed(fund, resident, staff)
    signed = agreed(fund, resident, staff)
    parties = {Signature.Party.RESIDENTS: ("Amina Habitante", "habitante"), Signature.Party.COMMUNE: ("C", "maire")}
    services.record_paper_signatures(
        actor=staff, project=signed, signed_on=timezone.localdate(), signed_copy=signed_copy(), parties=parties
    )
    initiative = declare_initiative(
        fund,
        resident,
        title="Ramassage",
        description="Au bord du canal.",
        happened_on=datetime.date(2025, 3, 1),
        residents_involved=3,
    )
    return {
        "fund:fifty": fund.slug,
        "fifty:agreed": to_sign.pk,
        "fifty:signed": signed.pk,
        "initiative:declared": initiative.pk,
        "town:hommelet": world.hommelet.slug,
    }


def _cvs_objects(world, resident) -> dict:
    """The CVS call of Hommelet (co-funded by the Région and Roubaix): the resident's filed request and draft."""
    from tests.factories.cvs import CvsRequestFactory

    fund = f.CvsFundFactory(association=world.hommelet, slug="cvs-hommelet")
    f.FundCoFunderFactory(fund=fund, funder=world.region, amount=Decimal("10000"))
    f.FundCoFunderFactory(fund=fund, funder=world.city_roubaix, amount=Decimal("5000"))
    filed = CvsRequestFactory(
        application=f.ApplicationFactory(
            fund=fund, created_by=resident, filed=True, reference="CVS-2025-0001", number=1
        )
    )
    draft = CvsRequestFactory(application=f.ApplicationFactory(fund=fund, created_by=resident))
    return {
        "fund:cvs": fund.slug,
        "cvs_request:resident": filed.application_id,
        "cvs_request:draft": draft.application_id,
    }


def resolve_args(args: list, objects: dict) -> list:
    resolved = []
    for arg in args:
        if isinstance(arg, str) and ":" in arg:
            if arg not in objects:
                raise AssertionError(f"Unknown object {arg!r} in {MATRIX_PATH.name}")
            resolved.append(objects[arg])
        else:
            resolved.append(arg)
    return resolved


def observed_statuses(personas: dict, objects: dict, matrix: dict) -> dict[str, dict[str, int]]:
    clients = {persona: client_for(user) for persona, user in personas.items()}
    seen: dict[str, dict[str, int]] = {}
    for name, entry in matrix.items():
        url = reverse(name, args=resolve_args(entry.get("args", []), objects))
        seen[name] = {persona: clients[persona].get(url).status_code for persona in PERSONAS}
    return seen


def test_permission_matrix(matrix_world, settings):
    personas, objects = matrix_world
    matrix = load_matrix()
    seen = observed_statuses(personas, objects, matrix)
    mismatches = [
        f"{name} as {persona}: expected {entry[persona]}, got {seen[name][persona]}"
        for name, entry in matrix.items()
        for persona in PERSONAS
        if seen[name][persona] != entry[persona]
    ]
    assert not mismatches, f"{len(mismatches)} of {len(matrix) * len(PERSONAS)} pairs differ:\n" + "\n".join(mismatches)
