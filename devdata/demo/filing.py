"""Filing a demo request through the real services, step by step as the form does."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services as app_services
from applications.models import Application, Holder
from applications.workflow import Role
from devdata.demo.common import DEMO_PDF, at
from funds.models import Theme


def demo_holder(*, owner, name: str, **fields) -> Holder:
    holder = Holder.objects.filter(owner=owner, name=name).first()
    if holder is None:
        holder = app_services.create_holder(user=owner, data={"name": name, **fields})
    return holder


def demo_group(*, owner, name: str, referent_name: str, first_names: str) -> Holder:
    """A residents' group: its referent and the first names of the others ("Léa, Paul")."""
    return demo_holder(
        owner=owner,
        name=name,
        kind=Holder.Kind.GROUP,
        referent_name=referent_name,
        co_holders_count=len(first_names.split(", ")),
        co_holders_first_names=first_names,
    )


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug)


def file_request(*, user, fund, holder, title, theme, day, place, amount, expenses, other_resources, people, today):
    """A complete draft, through each step of the form. Returns (application, created)."""
    existing = Application.objects.filter(fund=fund, title=title).first()
    if existing is not None:
        return existing, False
    application = app_services.start_draft(user=user, fund=fund, today=today)
    fill_draft(
        user=user,
        application=application,
        holder=holder,
        title=title,
        theme=theme,
        day=day,
        place=place,
        amount=amount,
        expenses=expenses,
        other_resources=other_resources,
        people=people,
    )
    return application, True


def fill_draft(*, user, application, holder, title, theme, day, place, amount, expenses, other_resources, people):
    """Every step of an open draft, as the form saves them."""
    fund = application.fund
    app_services.save_step(user=user, application=application, step="holder", data={"holder": holder})
    app_services.save_step(
        user=user,
        application=application,
        step="project",
        data={
            "title": title,
            "theme": theme,
            "ambition": None,
            "objectives": "Créer du lien entre voisin·es et donner envie de s'impliquer dans la vie du quartier.",
            "description": f"{title} : un temps convivial ouvert à toutes et tous, préparé avec les habitant·es.",
        },
    )
    app_services.save_step(
        user=user,
        application=application,
        step="when_where",
        data={
            "starts_at": at(day, 14),
            "ends_at": at(day, 18),
            "place": place,
            "neighbourhood": fund.neighbourhoods.order_by("code").first(),
        },
    )
    _people_and_budget(user, application, people, amount, expenses, other_resources)
    _attachments(user, application, holder)


def _people_and_budget(user, application, people, amount, expenses, other_resources) -> None:
    women, men, mobilised = people
    app_services.save_step(
        user=user,
        application=application,
        step="people",
        data={
            "expected_public": "Familles, enfants et personnes âgées du quartier",
            "expected_women": women,
            "expected_men": men,
            "residents_mobilised": mobilised,
        },
    )
    lines = [
        {"side": "expense", "category": category, "grant_source": "", "label": label, "amount": Decimal(value)}
        for category, label, value in expenses
    ] + [
        {"side": "resource", "category": category, "grant_source": source, "label": label, "amount": Decimal(value)}
        for category, source, label, value in other_resources
    ]
    app_services.save_budget(user=user, application=application, amount_requested=Decimal(amount), lines=lines)


def _attachments(user, application, holder) -> None:
    app_services.add_attachment(
        user=user,
        application=application,
        kind="bank_details",
        uploaded_file=SimpleUploadedFile("rib.pdf", DEMO_PDF, "application/pdf"),
    )
    if holder.kind == Holder.Kind.ASSOCIATION:
        app_services.add_attachment(
            user=user,
            application=application,
            kind="statutes",
            uploaded_file=SimpleUploadedFile("statuts.pdf", DEMO_PDF, "application/pdf"),
        )


def staff_step(*, staff, application, transition: str, comment: str = "") -> None:
    app_services.apply_transition(
        user=staff, application=application, transition=transition, role=Role.STAFF, comment=comment
    )
    application.refresh_from_db()
