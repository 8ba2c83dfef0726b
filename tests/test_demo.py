import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from devdata.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from funds.models import CarrierAssociation, Fund, FundCoFunder

SEED_002 = next((Path(__file__).resolve().parents[2] / "shared" / "seeds").glob("002_*.txt"), None)


def _counts():
    return (
        User.objects.count(),
        Fund.objects.count(),
        CarrierAssociation.objects.count(),
        FundCoFunder.objects.count(),
    )


def test_seed_demo_is_idempotent_and_creates_each_role(db, client):
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first

    hommelet = Fund.objects.get(slug="pic-hommelet-2025")
    assert hommelet.association.name == "Centre social de l'Hommelet"
    assert hommelet.association.city == "Roubaix"
    shares = {c.funder.name: c.share_percent for c in hommelet.cofunders.select_related("funder")}
    assert shares == {"Région Hauts-de-France": 70, "Ville de Roubaix": 30}
    assert Fund.objects.exclude(association=hommelet.association).filter(year=2025).exists()

    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.email, password=DEMO_PASSWORD), account.email


def test_seed_demo_has_requests_in_several_states_and_a_closed_session(db):
    from applications.models import Application
    from committees.models import CommitteeSession, Decision, Payment, Recusal

    call_command("seed_demo", verbosity=0)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "completion_requested", "eligible", "advance_paid", "deferred", "refused"} <= statuses
    assert Application.objects.filter(reference="PIC-2025-0001", title__startswith="Lien social").exists()
    session = CommitteeSession.objects.get(committee__fund__slug="pic-hommelet-2025")
    assert session.status == "closed"
    assert Recusal.objects.filter(item__session=session, automatic=True).count() == 1
    granted = Decision.objects.filter(item__session=session, outcome="granted")
    assert sorted(d.amount_granted for d in granted) == [300, 400, 600, 850]
    assert Payment.objects.filter(kind="advance").count() == 4
    assert session.date.year == 2025
    assert all(d.decided_at.year == 2025 for d in Decision.objects.filter(item__session=session))


def test_seed_demo_gives_a_full_2025_report_and_a_showcase(db, client):
    from applications.models import Application
    from reports.annual import annual_report
    from reports.models import Bilan

    call_command("seed_demo", verbosity=0)
    accepted = Bilan.objects.get(status="accepted")
    assert (accepted.participant_women, accepted.participant_men) == (51, 28)
    assert accepted.application.status == "closed"
    assert Bilan.objects.filter(status="submitted").count() == 1
    assert Application.objects.filter(showcase_consent=True).count() == 3

    from funds.models import Fund

    report = annual_report(fund=Fund.objects.get(slug="pic-hommelet-2025"))
    activity = report.activity
    assert (activity.received, activity.granted, activity.deferred, activity.refused) == (6, 4, 1, 1)
    assert report.money.granted == 2150  # 850 + 600 + 400 + 300
    assert report.money.paid == 1890  # 80 % advances (1 720) + the balance of the closed project (170)
    assert activity.median_days_to_decision == 38  # filed 03/03/2025, decided 10/04/2025

    html = client.get(reverse("annual:showcase")).content.decode()
    assert "Lien social, partage et animation de quartier" in html
    assert "Soirée loto" not in html
    assert "Nadia" not in html and "Lemaire" not in html


def test_demo_data_names_no_real_person_from_the_seeds(db):
    call_command("seed_demo", verbosity=0)
    if SEED_002 is None:
        pytest.skip("the seeds live beside the repository in ../shared/seeds, absent here")
    text = SEED_002.read_text(encoding="utf-8")
    real_emails = set(re.findall(r"[\w.\-]+@[\w.\-]+\.\w+", text))
    demo_emails = set(User.objects.values_list("email", flat=True))
    assert not demo_emails & {e.lower() for e in real_emails}
    real_last_names = {
        m.group(2) for m in re.finditer(r"\b([A-ZÉ][a-zéèï]+) ([A-ZÉ][a-zéèï]+(?:-[A-Z][a-z]+)?) \w+@", text)
    }
    demo_names = {u.last_name for u in User.objects.all()}
    assert real_last_names, "the pattern should find the named contacts of seed 002"
    assert not demo_names & real_last_names


def test_seed_demo_holds_loos_en_gohelles_fifty_fifty(db, client):
    from fiftyfifty.models import Builder, Initiative, Project

    call_command("seed_demo", verbosity=0)
    done = Project.objects.get(title="Peinture de la cour de l'école")
    assert done.status == "done" and done.fund.association.city == "Loos-en-Gohelle"
    assert done.convention.signatures.count() == 2 and done.convention.signed_on is not None
    assert Project.objects.filter(status="agreed").exists() and Project.objects.filter(status="idea").exists()
    assert Initiative.objects.filter(status="validated").count() == 2
    assert Initiative.objects.filter(status="declared").count() == 1
    assert Builder.objects.filter(projects=done).exists()
    showcase = client.get("/fifty-fifty/").content.decode()
    assert "Peinture de la cour de l" in showcase and "Ramassage de déchets au pied du terril" in showcase


def test_seed_demo_has_a_mel_cvs_call_programmed_per_funder_with_a_bilan_linked_to_its_renewal(db):
    from applications.models import Application
    from cvs.models import CvsRequest, ProgrammingDecision
    from reports.models import CvsBilan

    call_command("seed_demo", verbosity=0)
    funds = Fund.objects.filter(scheme="cvs", association__slug="mel-contrat-de-ville").order_by("year")
    previous, current = list(funds)
    kinds = set(current.cofunders.values_list("funder__kind", flat=True))
    assert {"state", "epci", "city", "region", "caf"} <= kinds
    assert current.cofunders.filter(funder__kind="city").count() == 2
    requests = CvsRequest.objects.filter(application__fund=current).exclude(application__status="draft")
    assert requests.count() == 3
    assert {n.code for r in requests for n in r.neighbourhoods.all()} >= {"QN05981M", "QN05983M", "QN05971M"}
    assert all(
        r.application.holder.name.endswith("fictif)") or r.application.holder.name.endswith("fictive)")
        for r in requests
    )
    decision = ProgrammingDecision.objects.get(request__application__fund=current)
    programmed = decision.request.funding_asks.filter(amount_programmed__gt=0)
    assert programmed.count() == 4  # one decision, four funders
    renewal = decision.request
    assert renewal.previous_request.fund == previous
    bilan = CvsBilan.objects.get(application=renewal.previous_request)
    assert bilan.status == "submitted"
    assert Application.objects.get(pk=renewal.application_id).status == "granted"


def test_seed_demo_lists_the_cvs_call_after_the_pic_call_of_the_year(db):
    from django.utils import timezone

    from funds.selectors import open_funds

    call_command("seed_demo", verbosity=0)
    schemes = [fund.scheme for fund in open_funds(on_date=timezone.localdate())]
    # The residents' keyboard journey starts the first request link of the open calls (/demandes/nouvelle/…): the
    # PIC's. The fifty/fifty's card leads to « Proposer une idée » (/fifty-fifty/…), not to a request.
    requests = [scheme for scheme in schemes if scheme != "fifty_fifty"]
    assert "cvs" in requests and requests[0] == "pic"
