"""The current year's fund: requests from draft to eligible, for staff to instruct."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services as app_services
from applications.models import Application
from committees.models import CommitteeMember, CommitteeMemberLink
from devdata.demo.common import DEMO_PDF
from devdata.demo.filing import file_request, fill_draft, staff_step, theme

BUDGET_SMALL = [
    ("60", "Goûter, boissons et petit matériel", "380.00"),
    ("61", "Location de tables et barnums", "170.00"),
]


def seed_current(*, fund, holders: dict, users: dict, today: datetime.date) -> list:
    """File the current year's requests (only those not filed yet); the applications created."""
    resident, resident2, staff = users["resident"], users["resident2"], users["staff"]
    group, association = holders["group"], holders["association"]
    day = min(today + datetime.timedelta(days=21), datetime.date(today.year, 12, 30))
    plan = [
        (resident, group, "Fête des voisins de la rue de la Paix", "lutte-contre-l-isolement", "submit"),
        (
            resident2,
            association,
            "Atelier jardinage au pied des immeubles",
            "transition-energetique-et-ecologique",
            "submit",
        ),
        (resident, group, "Soirée jeux de société intergénérationnelle", "echanges-de-savoirs", "submit"),
        (resident2, association, "Club de lecture des enfants", "lutte-contre-l-illettrisme", "eligible"),
        (resident, group, "Tournoi de foot des familles", "innovation-sociale", "completion"),
        (resident, group, "Repair café du samedi", "circuits-courts", "draft"),
    ]
    created = []
    for user, holder, title, theme_slug, target in plan:
        application, new = file_request(
            user=user,
            fund=fund,
            holder=holder,
            title=title,
            theme=theme(theme_slug),
            day=day,
            place="Salle du Centre social, 76 rue de la Paix",
            amount="400.00",
            expenses=BUDGET_SMALL,
            other_resources=[("70", "", "Participation des familles", "150.00")],
            people=(30, 20, 5),
            today=today,
        )
        if not new:
            continue
        created.append(application)
        if target != "draft":
            _advance(user, staff, application, target, today)
            _worklist(user, staff, application, target)
    on_behalf = _file_on_behalf(fund=fund, staff=staff, day=day, today=today)
    if on_behalf is not None:
        created.append(on_behalf)
    for application in created:
        if application.title == "Fête des voisins de la rue de la Paix":
            # An unread message from the association: the resident's "À faire" block shows it.
            app_services.post_message(
                user=staff,
                application=application,
                body="Bonjour, à quelle heure pensez-vous terminer la fête ? Merci de nous le dire ici.",
            )
    member_2 = CommitteeMember.objects.filter(committee__fund=fund).order_by("full_name").first()
    if member_2 is not None:
        CommitteeMemberLink.objects.get_or_create(
            member=member_2, holder=association, defaults={"reason": "Adhérente de l'association"}
        )
    return created


def _worklist(user, staff, application, target: str) -> None:
    """What the staff's desk and inbox show: a holder's message not read yet, a request the staff follows."""
    if application.title == "Fête des voisins de la rue de la Paix":
        app_services.post_message(
            user=user,
            application=application,
            body="Bonjour, pouvons-nous ajouter une animation musicale au budget ? Merci, Nadia.",
        )
    if target in ("eligible", "completion"):
        app_services.assign_instructor(user=staff, applications=[application], instructor=staff)


def _advance(user, staff, application, target: str, today: datetime.date) -> None:
    app_services.submit_application(user=user, application=application, today=today)
    if target == "eligible":
        staff_step(staff=staff, application=application, transition="start_review")
        staff_step(staff=staff, application=application, transition="declare_eligible")
    elif target == "completion":
        app_services.request_completion(
            user=staff,
            application=application,
            message="Merci de joindre un devis pour la location des tables.",
        )


ON_BEHALF_TITLE = "Potager partagé de la cité des Tilleuls"


def _file_on_behalf(*, fund, staff, day: datetime.date, today: datetime.date):
    """Issue 17: a request the staff filed for a resident who came with the paper form (fictional people), its
    holder not yet invited to take it over. None if it exists already."""
    if Application.objects.filter(fund=fund, title=ON_BEHALF_TITLE).exists():
        return None
    application = app_services.start_draft_on_behalf(
        user=staff, fund=fund, holder_email="jardinieres.tilleuls@example.org", today=today
    )
    holder = app_services.create_holder(
        user=staff,
        data={
            "kind": "group",
            "name": "Les jardinières des Tilleuls",
            "referent_name": "Fatou Exemple",
            "referent_phone": "06 00 00 00 00",
            "co_holders_count": 2,
            "co_holders_first_names": "Rose, Malik",
        },
        entered_by_staff=True,
    )
    fill_draft(
        user=staff,
        application=application,
        holder=holder,
        title=ON_BEHALF_TITLE,
        theme=theme("transition-energetique-et-ecologique"),
        day=day,
        place="Pied de l'immeuble B, cité des Tilleuls",
        amount="300.00",
        expenses=[("60", "Graines, terreau et outils", "350.00")],
        other_resources=[("70", "", "Participation des familles", "50.00")],
        people=(12, 8, 4),
    )
    app_services.record_holder_agreement(
        user=staff,
        application=application,
        agreed_on=today,
        method="paper_form",
        signed_form=SimpleUploadedFile("formulaire-signe.pdf", DEMO_PDF, "application/pdf"),
    )
    app_services.submit_application(user=staff, application=application, today=today)
    return application
