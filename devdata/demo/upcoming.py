"""This year's next committee session (issue 16): planned in ten days, two requests on its agenda with their
quotes. Fatou Diallo (comite@demo.example.org) reads their dossiers and the session pack; the members without
e-mail get printable convocation letters (one of them has a postal address)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services as app_services
from applications.models import Application
from committees import services as committee_services
from committees.models import AgendaItem, Committee, CommitteeMember
from devdata.demo.common import DEMO_PDF
from devdata.demo.filing import file_request, staff_step, theme

SESSION_PLACE = "Salle du Centre social, 76 rue de la Paix, Roubaix"
PLAN = [
    # (account, holder, title, theme, amount asked (a second request this year: 400 € at most), expenses, quote)
    (
        "resident2",
        "association",
        "Atelier cuisine du monde",
        "echanges-de-savoirs",
        "380.00",
        [("60", "Ingrédients et boissons", "330.00"), ("61", "Location de la cuisine", "200.00")],
        "devis-location-cuisine.pdf",
    ),
    (
        "resident",
        "group",
        "Balade patrimoine du quartier",
        "valorisation-du-patrimoine",
        "300.00",
        [("62", "Guide conférencier", "250.00"), ("60", "Impression des plans", "200.00")],
        "devis-guide.pdf",
    ),
]


def seed_upcoming(*, fund, holders: dict, users: dict, today: datetime.date):
    """The next planned session's agenda (once: nothing if a session of the committee already has one). The session
    is the first planned one still ahead (made with the fund's sessions, devdata/demo/funds.py), else a new one."""
    committee = Committee.objects.filter(fund=fund).first()
    if committee is None or AgendaItem.objects.filter(session__committee=committee).exists():
        return None
    CommitteeMember.objects.filter(committee=committee, full_name="Habitante membre n° 2").update(
        postal_address="Résidence des Tilleuls, bâtiment B\n18 rue du Moulin\n59100 Roubaix"
    )
    staff = users["staff"]
    day = min(today + datetime.timedelta(days=30), datetime.date(today.year, 12, 30))
    applications = []
    for user_key, holder_key, title, theme_slug, amount, expenses, quote in PLAN:
        user = users[user_key]
        application, _new = file_request(
            user=user,
            fund=fund,
            holder=holders[holder_key],
            title=title,
            theme=theme(theme_slug),
            day=day,
            place=SESSION_PLACE,
            amount=amount,
            expenses=expenses,
            other_resources=[("70", "", "Participation des habitant·es", "150.00")],
            people=(25, 15, 6),
            today=today,
        )
        app_services.add_attachment(
            user=user,
            application=application,
            kind="quote",
            uploaded_file=SimpleUploadedFile(quote, DEMO_PDF, "application/pdf"),
        )
        app_services.submit_application(user=user, application=application, today=today)
        staff_step(staff=staff, application=application, transition="start_review")
        staff_step(staff=staff, application=application, transition="declare_eligible")
        # Filed three weeks ago: in time for a session in ten days (the fund asks for 15 days).
        Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=21))
        application.refresh_from_db()
        applications.append(application)
    session = committee.sessions.filter(status="planned", date__gte=today).order_by("date").first()
    if session is None:
        session = committee_services.create_session(
            user=staff,
            committee=committee,
            date=today + datetime.timedelta(days=10),
            time=datetime.time(18, 30),
            place=SESSION_PLACE,
        )
    for application in applications:
        committee_services.add_agenda_item(user=staff, session=session, application=application)
    return session
