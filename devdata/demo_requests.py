"""Demo requests in every state, made through the real services (rules, workflow, audit).

Historical data (the 2025 funds) is filed with an explicit `today` inside the 2025 call; its
timestamps (filing, decision, timeline) are then moved back to 2025 so reports read true dates.
Idempotent: a request is identified by its fund and title.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from applications import services as app_services
from applications.models import Application, Holder, StatusChange
from applications.workflow import Role
from committees import services as committee_services
from committees.models import AgendaItem, CommitteeMember, CommitteeMemberLink, Decision, Vote
from funds.models import Theme

PARIS = ZoneInfo("Europe/Paris")

# A one-page PDF, enough to stand for a scanned RIB or statutes in the demo.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=PARIS)


def _holder(*, owner, name: str, **fields) -> Holder:
    holder = Holder.objects.filter(owner=owner, name=name).first()
    if holder is None:
        holder = app_services.create_holder(user=owner, data={"name": name, **fields})
    return holder


def _theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug)


def _file(*, user, fund, holder, title, theme, day, place, amount, expenses, other_resources, people, today):
    """A complete draft, through each step of the form. Returns (application, created)."""
    existing = Application.objects.filter(fund=fund, title=title).first()
    if existing is not None:
        return existing, False
    application = app_services.start_draft(user=user, fund=fund, today=today)
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
            "starts_at": _at(day, 14),
            "ends_at": _at(day, 18),
            "place": place,
            "neighbourhood": fund.neighbourhoods.order_by("code").first(),
        },
    )
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
    return application, True


def _staff_step(*, staff, application, transition: str, comment: str = "") -> None:
    app_services.apply_transition(
        user=staff, application=application, transition=transition, role=Role.STAFF, comment=comment
    )
    application.refresh_from_db()


# The holders of these demo projects agreed to show them on the public showcase.
SHOWCASE_CONSENTING = {
    "Lien social, partage et animation de quartier",
    "Ateliers cuisine du monde",
    "Fresque du square",
}

BUDGET_SMALL = [
    ("60", "Goûter, boissons et petit matériel", "380.00"),
    ("61", "Location de tables et barnums", "170.00"),
]


def seed_requests(*, users: dict, funds: dict, committee, today: datetime.date) -> dict:
    resident, resident2, staff = users["resident"], users["resident2"], users["staff"]
    group = _holder(
        owner=resident,
        name="Les voisins de la rue de la Paix",
        kind=Holder.Kind.GROUP,
        referent_name="Nadia Lemaire",
        co_holders_count=3,
        co_holders_first_names="Amel, Jacques, Sonia",
    )
    association = _holder(
        owner=resident2,
        name="Jardins partagés du Nouveau Roubaix",
        kind=Holder.Kind.ASSOCIATION,
        referent_name="Karim Dubois",
        siret="51472369100010",
        rna="W595000003",
        address="12 rue des Jardins",
        postcode="59100",
        city="Roubaix",
        republican_commitment=True,
    )
    created = {"current": [], "history": []}

    # --- The current year's fund: requests from draft to eligible, for staff to instruct. ---
    current = funds.get("hommelet_current")
    if current is not None:
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
        for user, holder, title, theme, target in plan:
            application, new = _file(
                user=user,
                fund=current,
                holder=holder,
                title=title,
                theme=_theme(theme),
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
            created["current"].append(application)
            if target == "draft":
                continue
            app_services.submit_application(user=user, application=application, today=today)
            if target == "eligible":
                _staff_step(staff=staff, application=application, transition="start_review")
                _staff_step(staff=staff, application=application, transition="declare_eligible")
            elif target == "completion":
                app_services.request_completion(
                    user=staff,
                    application=application,
                    message="Merci de joindre un devis pour la location des tables.",
                )
        member_2 = CommitteeMember.objects.filter(committee__fund=current).order_by("full_name").first()
        if member_2 is not None:
            CommitteeMemberLink.objects.get_or_create(
                member=member_2, holder=association, defaults={"reason": "Adhérente de l'association"}
            )

    # --- 2025: a full year of the Hommelet fund, through a closed committee session. ---
    history = funds["hommelet_2025"]
    filing_day = datetime.date(2025, 3, 3)
    granted_plan = [
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
    if not Application.objects.filter(fund=history).exists():
        holders = {
            "group": group,
            "association": association,
            "group2": _holder(
                owner=resident,
                name="Collectif du square Watteau",
                kind=Holder.Kind.GROUP,
                referent_name="Nadia Lemaire",
                co_holders_count=2,
                co_holders_first_names="Léa, Paul",
            ),
            "association2": _holder(
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
            "group3": _holder(
                owner=resident,
                name="Les mamans du quartier",
                kind=Holder.Kind.GROUP,
                referent_name="Nadia Lemaire",
                co_holders_count=4,
                co_holders_first_names="Aïcha, Fatima, Julie, Rosa",
            ),
            "group4": _holder(
                owner=resident2,
                name="Les amis du loto",
                kind=Holder.Kind.GROUP,
                referent_name="Karim Dubois",
                co_holders_count=1,
                co_holders_first_names="Marcel",
            ),
        }
        applications = []
        for title, theme, holder_key, day, asked, _outcome in granted_plan:
            holder = holders[holder_key]
            application, _new = _file(
                user=holder.owner,
                fund=history,
                holder=holder,
                title=title,
                theme=_theme(theme),
                day=day,
                place="Centre social de l'Hommelet",
                amount=asked,
                expenses=[
                    ("60", "Achats alimentaires et fournitures", str(Decimal(asked) + 100)),
                    ("62", "Communication", "50.00"),
                ],
                other_resources=[("70", "", "Participation des habitant·es", "150.00")],
                people=(40, 25, 8),
                today=filing_day,
            )
            app_services.submit_application(
                user=holder.owner,
                application=application,
                today=filing_day,
                showcase_consent=title in SHOWCASE_CONSENTING,
            )
            _staff_step(staff=staff, application=application, transition="start_review")
            _staff_step(staff=staff, application=application, transition="declare_eligible")
            applications.append(application)
        Application.objects.filter(pk__in=[a.pk for a in applications]).update(submitted_at=_at(filing_day, 10))

        session_day = datetime.date(2025, 4, 10)
        session = committee_services.create_session(
            user=staff,
            committee=committee,
            date=session_day,
            time=datetime.time(18, 0),
            place="Centre social de l'Hommelet",
        )
        committee_services.build_agenda(user=staff, session=session)
        committee_services.open_session(user=staff, session=session)
        members = list(committee.members.order_by("full_name"))
        for member in members:
            committee_services.record_attendance(user=staff, session=session, member=member, present=True)
        # The member who belongs to the amicale steps out of its vote (automatic recusal).
        linked = next(m for m in members if m.college == CommitteeMember.College.RESIDENT and m.user_id is None)
        CommitteeMemberLink.objects.get_or_create(
            member=linked, holder=holders["association2"], defaults={"reason": "Membre de l'amicale"}
        )
        items = {item.application_id: item for item in AgendaItem.objects.filter(session=session)}
        for application, (_t, _th, _h, _d, _asked, outcome) in zip(applications, granted_plan, strict=True):
            item = items[application.pk]
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
                    if outcome != _asked
                    else "",
                )
        committee_services.close_session(user=staff, session=session)
        for application in applications:
            application.refresh_from_db()
            if application.status == "granted":
                committee_services.record_payment(
                    user=staff,
                    application=application,
                    kind="advance",
                    paid_on=datetime.date(2025, 4, 22),
                    method="transfer",
                    reference=f"VIR-{application.reference}",
                )
        # Move the history back to 2025: decisions at the session, timeline on the days it happened.
        ids = [a.pk for a in applications]
        Decision.objects.filter(item__session=session).update(decided_at=_at(session_day, 19))
        session.__class__.objects.filter(pk=session.pk).update(
            opened_at=_at(session_day, 18), closed_at=_at(session_day, 20)
        )
        changes = StatusChange.objects.filter(application_id__in=ids)
        changes.filter(transition__in=["submit", "start_review", "declare_eligible"]).update(
            created_at=_at(filing_day, 10)
        )
        changes.filter(transition="put_on_agenda").update(created_at=_at(session_day - datetime.timedelta(days=7), 9))
        changes.filter(transition__in=["grant", "defer", "refuse"]).update(created_at=_at(session_day, 19))
        changes.filter(Q(transition="pay_advance")).update(created_at=_at(datetime.date(2025, 4, 22), 9))
        created["history"] = applications
    from devdata.demo_bilans import seed_bilans

    created["bilans"] = seed_bilans(fund=history, staff=staff)
    return created
