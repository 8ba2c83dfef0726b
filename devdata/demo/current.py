"""The current year's fund: requests from draft to eligible, for staff to instruct."""

import datetime

from applications import services as app_services
from committees.models import CommitteeMember, CommitteeMemberLink
from devdata.demo.filing import file_request, staff_step, theme

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
