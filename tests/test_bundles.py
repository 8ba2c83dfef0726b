"""Dossier bundles: the ZIP of a request or of a fund, built in the background, its index, the e-mailed
link, the permission checked again at download, expiry and deletion."""

import csv
import datetime
import hashlib
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment
from bundles import services
from bundles.models import Bundle
from funds.models import AssociationStaff, Fund
from tests import factories as f


def granted_request(world, staff, number: int, *, cvs: bool = False):
    application = f.GrantedApplicationFactory(fund=world.fund, reference=f"PIC-2025-{number:04d}", number=number)
    f.AttachmentFactory(application=application, kind=Attachment.Kind.BANK_DETAILS)
    f.AttachmentFactory(application=application, kind=Attachment.Kind.QUOTE, original_name="devis.pdf")
    f.AttachmentFactory(application=application, kind=Attachment.Kind.QUOTE, original_name="devis.pdf")
    f.MessageFactory(application=application, body=f"Question sur la demande {number}")
    f.record_grant_for_bilan(application=application, amount="500", decided_by=staff, committee=world.committee)
    f.PaymentFactory(application=application, amount="400.00", recorded_by=staff)
    bilan = f.BilanFactory(application=application, status="submitted", submitted_at=timezone.now())
    f.BilanPhotoFactory(bilan=bilan)
    return application


@pytest.fixture
def two_requests(world, staff):
    return [granted_request(world, staff, 1), granted_request(world, staff, 2)]


def build(capture, call) -> Bundle:
    with capture(execute=True):
        bundle = call()
    bundle.refresh_from_db()
    return bundle


def read_zip(bundle: Bundle) -> tuple[zipfile.ZipFile, list[dict]]:
    with bundle.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    text = archive.read("index.csv").decode("utf-8-sig")
    return archive, list(csv.DictReader(io.StringIO(text), delimiter=";"))


def assert_index_lists_every_file(archive: zipfile.ZipFile, index: list[dict]) -> None:
    assert archive.testzip() is None
    assert sorted(row["chemin"] for row in index) == sorted(n for n in archive.namelist() if n != "index.csv")
    for row in index:
        data = archive.read(row["chemin"])
        assert int(row["taille"]) == len(data)
        assert row["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_fund_bundle_has_the_readable_layout_and_a_true_index(
    world, staff, two_requests, django_capture_on_commit_callbacks, mailoutbox, client
):
    f.ApplicationFactory(fund=world.fund, title="Brouillon jamais déposé")
    bundle = build(
        django_capture_on_commit_callbacks, lambda: services.request_fund_bundle(user=staff, fund=world.fund)
    )

    assert bundle.state == Bundle.State.READY, bundle.error
    assert bundle.full_access
    assert bundle.expires_at == bundle.ready_at + datetime.timedelta(days=7)
    archive, index = read_zip(bundle)
    assert_index_lists_every_file(archive, index)
    names = set(archive.namelist())
    for reference in ("PIC-2025-0001", "PIC-2025-0002"):
        assert {
            f"{reference}/demande.pdf",
            f"{reference}/pieces/rib.pdf",
            f"{reference}/pieces/devis.pdf",
            f"{reference}/pieces/devis-2.pdf",
            f"{reference}/messages.txt",
            f"{reference}/decision/lettre.pdf",
            f"{reference}/decision/proces-verbal.pdf",
            f"{reference}/paiements.csv",
            f"{reference}/bilan/bilan.pdf",
            f"{reference}/bilan/pieces/photo-de-madame-martin.png",
        } <= names
    assert len(index) == bundle.file_count == 20
    assert all(
        archive.read(n).startswith(b"%PDF") for n in names if n.endswith("lettre.pdf") or n.endswith("bilan.pdf")
    )
    assert "Question sur la demande 2" in archive.read("PIC-2025-0002/messages.txt").decode()
    assert "400.00" in archive.read("PIC-2025-0001/paiements.csv").decode("utf-8-sig")
    assert {row["type"] for row in index} >= {"demande", "piece", "messages", "lettre", "proces-verbal", "bilan"}

    # The e-mail's link downloads the same file.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [staff.email]
    link = re.search(r"http://testserver(/dossiers/telecharger/\S+/)", mailoutbox[0].body).group(1)
    client.force_login(staff)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dossier-pic-hommelet-2025-2025.zip"')
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist() == archive.namelist()


def test_a_cofunder_gets_what_its_pages_show(
    world, staff, region_staff, two_requests, django_capture_on_commit_callbacks
):
    bundle = build(
        django_capture_on_commit_callbacks, lambda: services.request_fund_bundle(user=region_staff, fund=world.fund)
    )
    assert bundle.state == Bundle.State.READY and not bundle.full_access
    archive, index = read_zip(bundle)
    assert_index_lists_every_file(archive, index)
    names = set(archive.namelist())
    assert "PIC-2025-0001/demande.pdf" in names and "PIC-2025-0001/bilan/bilan.pdf" in names
    assert "PIC-2025-0001/pieces/devis.pdf" in names
    assert not any("rib" in n or "/decision/" in n or "/bilan/pieces/" in n for n in names)


def test_a_request_bundle_is_for_the_association_staff_only(
    world, staff, region_staff, other_staff, two_requests, django_capture_on_commit_callbacks, client
):
    application = two_requests[0]
    for user in (region_staff, other_staff):
        with pytest.raises(ValidationError):
            services.request_application_bundle(user=user, application=application)
        client.force_login(user)
        assert client.post(reverse("bundles:request_application_bundle", args=[application.pk])).status_code == 404
    client.force_login(other_staff)
    assert client.get(reverse("bundles:fund_bundles", args=[world.fund.slug])).status_code == 404
    assert client.post(reverse("bundles:request_fund_bundle", args=[world.fund.slug])).status_code == 404

    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bundles:request_application_bundle", args=[application.pk]))
    bundle = Bundle.objects.get()
    assert response.status_code == 302 and response.url == reverse("bundles:bundle_detail", args=[bundle.pk])
    archive, index = read_zip(bundle)
    assert_index_lists_every_file(archive, index)
    assert {n.split("/")[0] for n in archive.namelist()} == {"PIC-2025-0001", "index.csv"}
    page = client.get(reverse("bundles:bundle_detail", args=[bundle.pk])).content.decode()
    assert "Prêt" in page and "Télécharger le dossier" in page
    client.force_login(other_staff)
    assert client.get(reverse("bundles:bundle_detail", args=[bundle.pk])).status_code == 404


def download_url(bundle: Bundle) -> str:
    return reverse("bundles:download", args=[services.download_token(bundle)])


def test_the_download_checks_the_permission_again(
    world, staff, region_staff, two_requests, django_capture_on_commit_callbacks, client
):
    bundle = build(
        django_capture_on_commit_callbacks, lambda: services.request_fund_bundle(user=staff, fund=world.fund)
    )
    url = download_url(bundle)
    client.force_login(region_staff)  # someone else with the link: 404
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert client.get(url[:-3] + "xx/").status_code == 404  # a forged token

    # The staff member leaves the association: the link stops working, even though the fund is co-funded...
    AssociationStaff.objects.filter(user=staff).delete()
    assert client.get(url).status_code == 404
    assert client.get(reverse("bundles:bundle_detail", args=[bundle.pk])).status_code == 404
    # ...and a bundle built with full access stays closed to someone who now has co-funder access only.
    f.FunderStaffFactory(funder=world.region, user=staff)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_expired_links_answer_410_and_expired_bundles_are_deleted(
    world, staff, two_requests, django_capture_on_commit_callbacks, client
):
    bundle = build(
        django_capture_on_commit_callbacks, lambda: services.request_fund_bundle(user=staff, fund=world.fund)
    )
    storage, name = bundle.file.storage, bundle.file.name
    assert storage.exists(name)
    url = download_url(bundle)
    client.force_login(staff)
    assert services.purge_expired() == 0

    Bundle.objects.filter(pk=bundle.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(url)
    assert response.status_code == 410
    assert "Ce lien de téléchargement a expiré" in response.content.decode()

    call_command("purge_bundles", verbosity=0)
    assert not Bundle.objects.exists()
    assert not storage.exists(name)
    assert client.get(url).status_code == 410


def test_a_user_who_may_not_read_a_fund_gets_404_on_the_pages(world, resident, outsider, client):
    for user in (resident, outsider):
        client.force_login(user)
        assert client.get(reverse("bundles:bundle_list")).status_code == 404
        assert client.get(reverse("bundles:fund_bundles", args=[world.fund.slug])).status_code == 404


def test_the_bundle_of_the_demo_hommelet_2025_fund_opens_and_its_index_lists_every_file(
    db, django_capture_on_commit_callbacks
):
    from accounts.models import User

    call_command("seed_demo", verbosity=0)
    fund = Fund.objects.get(slug="pic-hommelet-2025")
    staff = User.objects.filter(association_links__association=fund.association).first()
    bundle = build(django_capture_on_commit_callbacks, lambda: services.request_fund_bundle(user=staff, fund=fund))
    assert bundle.state == Bundle.State.READY, bundle.error
    archive, index = read_zip(bundle)
    assert_index_lists_every_file(archive, index)
    references = {row["chemin"].split("/")[0] for row in index}
    assert "PIC-2025-0001" in references
    assert len(references) == fund.applications.exclude(reference="").exclude(status="draft").count()
