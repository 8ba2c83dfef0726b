"""Requests: their content, then their rows (budget, attachments, history, messages) once their dates are known."""

import datetime
import random
from decimal import Decimal

from applications.models import Application, Attachment, BudgetLine, Holder, Message, StatusChange
from applications.workflow import Status
from devdata.loaddata.constants import EXPENSE_LABELS, PLACES, PROJECTS, PUBLICS, RESOURCE_LABELS, TITLE_SUFFIXES
from devdata.loaddata.context import FundWork, Run
from devdata.loaddata.helpers import largest_remainder, round_to
from devdata.loaddata.writer import Writer


def request_content(rng: random.Random, fund_work: FundWork, key: str, owner, owner_holders, qpvs) -> dict:
    fund, themes, ambitions = fund_work.fund, fund_work.themes, fund_work.ambitions
    max_grant = fund.max_grant
    title, objective = rng.choice(PROJECTS)
    amount = round_to(Decimal(rng.uniform(0.2, 1.0)) * max_grant, 10)
    amount = min(max(amount, Decimal("100")), max_grant)
    draft = key == "draft"
    app = Application(
        fund=fund,
        created_by=owner,
        holder=None if draft and rng.random() < 0.3 else rng.choice(owner_holders),
        status=Status.CLOSED if key.startswith("closed_") else key,
        title=f"{title} {rng.choice(TITLE_SUFFIXES)}".strip(),
        theme=rng.choice(themes) if themes else None,
        ambition=rng.choice(ambitions) if ambitions else None,
        objectives=objective,
        description=f"{objective} Le projet est préparé par un groupe d'habitant·es avec l'appui du centre social. "
        * rng.randint(1, 3),
        place=rng.choice(PLACES),
        neighbourhood=rng.choice(qpvs),
        expected_public=rng.choice(PUBLICS),
        expected_women=rng.randint(5, 80),
        expected_men=rng.randint(5, 60),
        residents_mobilised=rng.randint(2, 15),
        amount_requested=None if draft and rng.random() < 0.4 else amount,
        showcase_consent=rng.random() < 0.6,
        last_step=rng.choice(list(Application.Step.values)) if draft else Application.Step.SUMMARY,
    )
    return {
        "order": 0,
        "key": key,
        "app": app,
        "owner": owner,
        "bilan": False,
        "seats": [],
        "submitted_at": None,
        "events": [],
        "granted": None,
    }


def write_request(run: Run, rng: random.Random, request: dict, staff) -> None:
    run.writer.add(request["app"])
    _budget(run.writer, rng, request)
    _attachments(run, rng, request)
    _history(run.writer, request)
    _questions(run.writer, rng, request, staff)


def _budget(writer: Writer, rng: random.Random, request: dict) -> None:
    """Expenses = amount asked + other resources."""
    app = request["app"]
    asked = app.amount_requested
    if asked is None:
        return
    resources = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        resources.append(("70", rng.choice(RESOURCE_LABELS["70"]), round_to(asked * Decimal("0.15"), 5)))
    resources = [r for r in resources if r[2] > 0]
    total = asked + sum((r[2] for r in resources), Decimal("0"))
    n_expenses = rng.randint(2, 4)
    parts = largest_remainder(int(total * 100), [rng.uniform(0.5, 1.5) for _ in range(n_expenses)])
    expenses = []
    for n, cents in enumerate(parts):
        category = rng.choice(("60", "60", "61", "62"))
        if cents > 0:
            expenses.append((category, rng.choice(EXPENSE_LABELS[category]), Decimal(cents) / 100, n))
    request["expenses"] = expenses
    for category, label, amount, n in expenses:
        writer.add(
            BudgetLine(application=app, side="expense", category=category, label=label, amount=amount, position=n)
        )
    for n, (category, label, amount) in enumerate(resources):
        writer.add(
            BudgetLine(application=app, side="resource", category=category, label=label, amount=amount, position=n)
        )


def _attachments(run: Run, rng: random.Random, request: dict) -> None:
    """Metadata pointing to the shared file."""
    app, shared = request["app"], run.shared
    if not (app.submitted_at or rng.random() < 0.4):
        return
    kinds = [Attachment.Kind.QUOTE, Attachment.Kind.BANK_DETAILS]
    if app.holder is not None and app.holder.kind == Holder.Kind.ASSOCIATION:
        kinds.append(Attachment.Kind.STATUTES)
    if not app.submitted_at:
        kinds = kinds[:1]
    uploaded = app.created_at + datetime.timedelta(minutes=30)
    for n, kind in enumerate(kinds):
        run.writer.add(
            Attachment(
                application=app,
                kind=kind,
                file=shared.pdf_name,
                original_name=f"{kind}-{n + 1}.pdf",
                content_type="application/pdf",
                size=shared.pdf_size,
                uploaded_by=request["owner"],
                uploaded_at=uploaded + datetime.timedelta(minutes=n),
            )
        )


def _history(writer: Writer, request: dict) -> None:
    app, owner = request["app"], request["owner"]
    for transition, source, target, moment, actor, comment in sorted(request["events"], key=lambda e: e[3]):
        writer.add(
            StatusChange(
                application=app,
                transition=transition,
                from_status=source,
                to_status=target,
                actor=actor,
                comment=comment,
                created_at=moment,
            )
        )
        if transition == "request_completion":
            writer.add(Message(application=app, author=actor, body=comment, created_at=moment))
        if transition == "resubmit":
            writer.add(Message(application=app, author=owner, body=comment, created_at=moment))


def _questions(writer: Writer, rng: random.Random, request: dict, staff) -> None:
    """Sometimes the holder asks when the committee meets, and is answered."""
    app = request["app"]
    if not (app.submitted_at and rng.random() < 0.15):
        return
    asked_at = app.submitted_at + datetime.timedelta(days=1)
    writer.add(
        Message(
            application=app,
            author=request["owner"],
            body="Bonjour, quand passera notre demande en comité ?",
            created_at=asked_at,
        )
    )
    writer.add(
        Message(
            application=app,
            author=staff[0],
            body="Bonjour, au prochain comité.",
            created_at=asked_at + datetime.timedelta(hours=5),
        )
    )
