"""Bring requests into line with "the balance only after the bilan is accepted" (issue 14, rule 4).

Before the request workflow had a "bilan accepté" state, two kinds of record could be left where nobody can
move them any more:

- a request "bilan reçu" whose bilan was already accepted: the balance is now paid only from "bilan accepté",
  so it moves there (action `migration.bilan_accepted_state`);
- a request "solde versé" whose bilan was never accepted (filed and not studied, returned, or not filed):
  its bilan could no longer be accepted nor the request closed. The payment stays; the request goes back to
  where its bilan is: "bilan reçu" if the bilan is filed (the staff study it, accept it, then close the
  request: nothing is left to pay), else "bilan attendu" (the holder files it first)
  (action `migration.balance_paid_before_acceptance`).

Each move writes a timeline row (transition `migration`) and an audit entry (no actor). Running it again
changes nothing: the records it moved no longer match.
"""

from django.db import migrations
from django.db.models import F, Q

BILAN_RECEIVED, BILAN_ACCEPTED, BALANCE_PAID, BILAN_DUE = "bilan_received", "bilan_accepted", "balance_paid", "bilan_due"
ACCEPTED, SUBMITTED = "accepted", "submitted"

ACCEPTED_BEFORE = "migration.bilan_accepted_state"
PAID_BEFORE = "migration.balance_paid_before_acceptance"


def _bilan_statuses(apps, application_ids) -> dict[int, str]:
    """{request id: status of its bilan (PIC or CVS)} for the requests that have one."""
    statuses: dict[int, str] = {}
    for model in (apps.get_model("reports", "Bilan"), apps.get_model("reports", "CvsBilan")):
        rows = model.objects.filter(application_id__in=application_ids).values_list("application_id", "status")
        statuses.update(dict(rows))
    return statuses


def _moves(apps) -> list[tuple[int, str, str, str, str]]:
    """(request id, from, to, bilan status, action) for every request to move."""
    Application = apps.get_model("applications", "Application")
    candidates = dict(
        Application.objects.filter(status__in=(BILAN_RECEIVED, BALANCE_PAID)).values_list("pk", "status")
    )
    bilans = _bilan_statuses(apps, list(candidates))
    moves = []
    for pk, status in sorted(candidates.items()):
        bilan = bilans.get(pk, "")
        if status == BILAN_RECEIVED and bilan == ACCEPTED:
            moves.append((pk, status, BILAN_ACCEPTED, bilan, ACCEPTED_BEFORE))
        elif status == BALANCE_PAID and bilan != ACCEPTED:
            target = BILAN_RECEIVED if bilan == SUBMITTED else BILAN_DUE
            moves.append((pk, status, target, bilan, PAID_BEFORE))
    return moves


COMMENTS = {
    ACCEPTED_BEFORE: "Mise à jour du portail : le bilan était déjà accepté, la demande passe à « bilan accepté ».",
    PAID_BEFORE: (
        "Mise à jour du portail : le solde avait été versé avant l'acceptation du bilan. Le versement est "
        "conservé ; étudiez le bilan (ou attendez qu'il soit déposé), acceptez-le, puis clôturez la demande."
    ),
}


def bring_into_line(apps, schema_editor=None) -> int:
    """Move every stuck request (see the module's docstring); returns how many moved."""
    Application = apps.get_model("applications", "Application")
    StatusChange = apps.get_model("applications", "StatusChange")
    AuditEntry = apps.get_model("core", "AuditEntry")
    moves = _moves(apps)
    for target in (BILAN_ACCEPTED, BILAN_RECEIVED, BILAN_DUE):
        for source in (BILAN_RECEIVED, BALANCE_PAID):
            ids = [pk for pk, from_, to, _bilan, _action in moves if from_ == source and to == target]
            if ids:
                Application.objects.filter(Q(pk__in=ids), Q(status=source)).update(
                    status=target, version=F("version") + 1
                )
    StatusChange.objects.bulk_create(
        StatusChange(
            application_id=pk, transition="migration", from_status=from_, to_status=to, comment=COMMENTS[action]
        )
        for pk, from_, to, _bilan, action in moves
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            action=action,
            target_type="applications.application",
            target_id=str(pk),
            summary=f"{from_} → {to}",
            data={"from": from_, "to": to, "bilan_status": bilan},
        )
        for pk, from_, to, bilan, action in moves
    )
    return len(moves)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("applications", "0004_bilan_accepted_status"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(bring_into_line, migrations.RunPython.noop)]
