"""2025: a full year of the Hommelet fund, through a closed committee session.

Historical data is filed with an explicit `today` inside the 2025 call; its timestamps (filing, decision,
timeline) are then moved back to 2025 so reports read true dates.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from applications import services as app_services
from applications.models import Application, DeferralRevision, Holder, StatusChange
from committees import services as committee_services
from committees.models import AgendaItem, CommitteeMember, CommitteeMemberLink, Decision, Vote
from devdata.demo.common import DEMO_PDF, at
from devdata.demo.filing import demo_group, demo_holder, file_request, staff_step, theme

FILING_DAY = datetime.date(2025, 3, 3)
SESSION_DAY = datetime.date(2025, 4, 10)
ADVANCE_DAY = datetime.date(2025, 4, 22)

# The holders of these demo projects agreed to show them on the public showcase.
SHOWCASE_CONSENTING = {
    "Lien social, partage et animation de quartier",
    "Ateliers cuisine du monde",
    "Fresque du square",
}

GRANTED_PLAN = [
    # title, theme, holder/user, project day, amount asked, amount granted (None: deferred/refused)
    (
        "Lien social, partage et animation de quartier",
        "innovation-sociale",
        "group",
        datetime.date(2025, 5, 24),
        "850.00",
        "850.00",
    ),
    (
        "Ateliers cuisine du monde",
        "echanges-de-savoirs",
        "association",
        datetime.date(2025, 6, 14),
        "700.00",
        "600.00",
    ),
    ("Fresque du square", "creativite-artistique", "group2", datetime.date(2025, 7, 5), "400.00", "400.00"),
    (
        "Balade patrimoine du quartier",
        "valorisation-du-patrimoine",
        "association2",
        datetime.date(2025, 9, 20),
        "300.00",
        "300.00",
    ),
    (
        "Sortie à la mer des familles",
        "lutte-contre-l-isolement",
        "group3",
        datetime.date(2025, 7, 19),
        "380.00",
        "deferred",
    ),
    ("Soirée loto", "lutte-contre-l-isolement", "group4", datetime.date(2025, 6, 28), "350.00", "refused"),
]


def seed_history(*, fund, committee, holders: dict, users: dict) -> list:
    """The 2025 requests, their session, decisions and advances (once: nothing if the fund has requests)."""
    if Application.objects.filter(fund=fund).exists():
        return []
    holders = {**holders, **_more_holders(users)}
    applications = [_file_and_instruct(fund, holders, users["staff"], row) for row in GRANTED_PLAN]
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(submitted_at=at(FILING_DAY, 10))
    session = _hold_session(committee, holders, users["staff"], applications)
    for application in applications:
        application.refresh_from_db()
        if application.status == "granted":
            committee_services.record_payment(
                user=users["staff"],
                application=application,
                kind="advance",
                paid_on=ADVANCE_DAY,
                method="transfer",
                reference=f"VIR-{application.reference}",
            )
    _move_back_to_2025(session, applications)
    _ask_for_the_quote(users["staff"], applications)
    return applications


def _ask_for_the_quote(staff, applications: list) -> None:
    """The deferred request: staff write to its holder, with a model quote attached (a message with a file)."""
    deferred = next(a for a in applications if a.status == "deferred")
    app_services.post_message(
        user=staff,
        application=deferred,
        body=(
            "Bonjour, le comité a ajourné votre demande : il attend le devis du transport. Ajoutez-le depuis la "
            "page de votre demande (« Ajouter un document »), puis renvoyez-la. Un modèle de devis est joint."
        ),
        uploaded_file=SimpleUploadedFile("modele-de-devis.pdf", DEMO_PDF, content_type="application/pdf"),
    )
    DeferralRevision.objects.filter(application=deferred).update(deferred_at=at(SESSION_DAY, 19))


def _more_holders(users: dict) -> dict:
    resident, resident2 = users["resident"], users["resident2"]
    return {
        "group2": demo_group(
            owner=resident, name="Collectif du square Watteau", referent_name="Nadia Lemaire", first_names="Léa, Paul"
        ),
        "association2": demo_holder(
            owner=resident2,
            name="Amicale des locataires de l'Hommelet",
            kind=Holder.Kind.ASSOCIATION,
            referent_name="Karim Dubois",
            rna="W595000004",
            address="3 rue du Fontenoy",
            postcode="59100",
            city="Roubaix",
            republican_commitment=True,
        ),
        "group3": demo_group(
            owner=resident,
            name="Les mamans du quartier",
            referent_name="Nadia Lemaire",
            first_names="Aïcha, Fatima, Julie, Rosa",
        ),
        "group4": demo_group(
            owner=resident2, name="Les amis du loto", referent_name="Karim Dubois", first_names="Marcel"
        ),
    }


def _file_and_instruct(fund, holders: dict, staff, row: tuple) -> Application:
    title, theme_slug, holder_key, day, asked, _outcome = row
    holder = holders[holder_key]
    application, _new = file_request(
        user=holder.owner,
        fund=fund,
        holder=holder,
        title=title,
        theme=theme(theme_slug),
        day=day,
        place="Centre social de l'Hommelet",
        amount=asked,
        expenses=[
            ("60", "Achats alimentaires et fournitures", str(Decimal(asked) + 100)),
            ("62", "Communication", "50.00"),
        ],
        other_resources=[("70", "", "Participation des habitant·es", "150.00")],
        people=(40, 25, 8),
        today=FILING_DAY,
    )
    app_services.submit_application(
        user=holder.owner,
        application=application,
        today=FILING_DAY,
        showcase_consent=title in SHOWCASE_CONSENTING,
    )
    staff_step(staff=staff, application=application, transition="start_review")
    staff_step(staff=staff, application=application, transition="declare_eligible")
    return application


def _hold_session(committee, holders: dict, staff, applications: list):
    session = committee_services.create_session(
        user=staff,
        committee=committee,
        date=SESSION_DAY,
        time=datetime.time(18, 0),
        place="Centre social de l'Hommelet",
    )
    committee_services.build_agenda(user=staff, session=session)
    committee_services.open_session(user=staff, session=session)
    members = list(committee.members.order_by("full_name"))
    for member in members:
        # The elected member (no vote) sent apologies: the minutes list them as excused.
        excused = member.college == CommitteeMember.College.EX_OFFICIO
        committee_services.record_attendance(
            user=staff, session=session, member=member, present=not excused, excused=excused
        )
    # The member who belongs to the amicale steps out of its vote (automatic recusal).
    linked = next(m for m in members if m.college == CommitteeMember.College.RESIDENT and m.user_id is None)
    CommitteeMemberLink.objects.get_or_create(
        member=linked, holder=holders["association2"], defaults={"reason": "Membre de l'amicale"}
    )
    items = {item.application_id: item for item in AgendaItem.objects.filter(session=session)}
    for application, (_t, _th, _h, _d, asked, outcome) in zip(applications, GRANTED_PLAN, strict=True):
        _vote_and_decide(staff, items[application.pk], members, asked, outcome)
    committee_services.close_session(user=staff, session=session)
    return session


def _vote_and_decide(staff, item, members: list, asked: str, outcome: str) -> None:
    choice = Vote.Choice.AGAINST if outcome == "refused" else Vote.Choice.FOR
    committee_services.start_vote(user=staff, item=item)
    recused = set(item.recusals.values_list("member_id", flat=True))
    for member in members:
        if member.has_vote and member.pk not in recused:
            committee_services.record_vote(user=staff, item=item, member=member, choice=choice)
    if outcome == "deferred":
        committee_services.decide(
            user=staff, item=item, outcome=Decision.Outcome.DEFERRED, reason="Devis du transport à fournir."
        )
    elif outcome == "refused":
        committee_services.decide(
            user=staff,
            item=item,
            outcome=Decision.Outcome.REFUSED,
            reason="Les jeux d'argent ne sont pas financés par le fonds.",
        )
    else:
        committee_services.decide(
            user=staff,
            item=item,
            outcome=Decision.Outcome.GRANTED,
            amount=Decimal(outcome),
            conditions="Mentionner le soutien de la Région et de la Ville sur les affiches."
            if outcome != asked
            else "",
        )


def _move_back_to_2025(session, applications: list) -> None:
    """Decisions at the session, timeline on the days it happened."""
    ids = [a.pk for a in applications]
    Decision.objects.filter(item__session=session).update(decided_at=at(SESSION_DAY, 19))
    session.__class__.objects.filter(pk=session.pk).update(opened_at=at(SESSION_DAY, 18), closed_at=at(SESSION_DAY, 20))
    changes = StatusChange.objects.filter(application_id__in=ids)
    changes.filter(transition__in=["submit", "start_review", "declare_eligible"]).update(created_at=at(FILING_DAY, 10))
    changes.filter(transition="put_on_agenda").update(created_at=at(SESSION_DAY - datetime.timedelta(days=7), 9))
    AgendaItem.objects.filter(session=session).update(added_at=at(SESSION_DAY - datetime.timedelta(days=7), 9))
    changes.filter(transition__in=["grant", "defer", "refuse"]).update(created_at=at(SESSION_DAY, 19))
    changes.filter(Q(transition="pay_advance")).update(created_at=at(ADVANCE_DAY, 9))
