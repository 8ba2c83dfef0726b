"""The audit log reads in French (issue 17): actions, transitions, votes, payments and object types with French
labels, the summary whole (wrapped, never cut), the codes still there for whoever needs them."""

import html as html_lib

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.services import record_audit
from portal.audit_labels import ACTIONS, TRANSITION_DONE, action_label, summary_text, target_label

pytestmark = pytest.mark.django_db

URL = "/administration/journal/"


def entry(action: str, summary: str = "", data: dict | None = None) -> AuditEntry:
    return AuditEntry(action=action, target_type="applications.application", target_id="1", summary=summary, data=data)


def page_text(client) -> str:
    return html_lib.unescape(client.get(URL).content.decode())


def test_payments_transitions_and_votes_read_in_french():
    assert action_label("committees.record_payment.advance") == "Acompte versé"
    assert action_label("committees.record_payment.balance") == "Solde versé"
    assert action_label("application.pay_advance") == "Acompte versé"
    assert summary_text(
        entry("application.pay_advance", "granted → advance_paid", {"from": "granted", "to": "advance_paid"})
    ) == ("Accordée → Acompte versé")
    decided = entry(
        "committees.decide.granted",
        "PIC-2025-0001: granted 800.00",
        {"amount": "800.00", "votes": {"for": 5, "against": 1, "abstain": 2}},
    )
    assert action_label(decided.action) == "Décision : subvention accordée"
    text = summary_text(decided)
    assert text.startswith("PIC-2025-0001 : Accordée, 800,00") and text.endswith(
        "votes : 5 pour, 1 contre, 2 abstention"
    )
    assert (
        summary_text(entry("committees.record_vote", "Awa Diop: against", {"choice": "against"})) == "Awa Diop : contre"
    )
    assert (
        summary_text(entry("committees.correct_vote", "Awa Diop: for → abstain", {"before": "for", "after": "abstain"}))
        == "Awa Diop : pour → abstention"
    )
    paid = summary_text(
        entry(
            "committees.record_payment.advance",
            "PIC-2025-0001: 480.00",
            {"kind": "advance", "amount": "480.00", "method": "transfer"},
        )
    )
    assert paid.startswith("PIC-2025-0001 : Acompte de 480,00") and paid.endswith("par virement")


def test_a_comment_is_kept_whole_and_an_unknown_code_is_shown_as_is():
    long_comment = "Il manque le devis de la salle. " * 20
    text = summary_text(
        entry(
            "application.request_completion",
            "x",
            {"from": "under_review", "to": "completion_requested", "comment": long_comment},
        )
    )
    assert text == f"En cours d'instruction → Complément demandé — commentaire : {long_comment}"
    assert action_label("something.new") == "something.new"
    assert summary_text(entry("something.new", "Texte libre")) == "Texte libre"


def test_every_transition_and_object_type_has_a_french_label():
    from applications.workflow import TRANSITIONS

    assert {t.slug for t in TRANSITIONS} <= set(TRANSITION_DONE)
    assert target_label("applications.application") == "Demande"
    assert target_label("committees.payment") == "Versement"
    assert target_label("nothing.here") == "nothing.here"
    assert action_label("roles.association_staff_added") == "Rôle ajouté : équipe d'une association porteuse"
    assert all(str(label) for label in ACTIONS.values())


def test_the_page_reads_in_french_with_the_summary_whole(client, admin_user, world):
    fund = world.fund
    long_summary = "Versement enregistré après vérification du RIB et de la facture. " * 6
    record_audit(
        actor=admin_user,
        action="committees.record_payment.advance",
        target=fund,
        summary=long_summary[:400],
        data={"kind": "advance", "amount": "480.00", "method": "cheque"},
    )
    record_audit(
        actor=admin_user,
        action="application.pay_advance",
        target=fund,
        summary="granted → advance_paid",
        data={"from": "granted", "to": "advance_paid", "role": "staff", "comment": ""},
    )
    client.force_login(admin_user)
    text = page_text(client)
    assert "Acompte versé" in text
    assert "Accordée → Acompte versé" in text
    assert "par chèque" in text
    assert "Fonds n°" in text  # the object type in French
    assert "committees.record_payment.advance" in text  # the code stays, beside its label
    html = client.get(URL).content.decode()
    assert '<div class="audit-summary">' in html
    # The filter offers the actions in French.
    assert '<option value="committees.record_payment.advance">Acompte versé</option>' in html
    assert client.get(URL, {"action": "committees.record_payment.advance"}).context["page"].paginator.count == 1


def test_the_summary_cell_wraps():
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    assert ".audit-summary { white-space: pre-wrap; overflow-wrap: anywhere;" in css
    assert reverse("portal:audit_log") == URL
