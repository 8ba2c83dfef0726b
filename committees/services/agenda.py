"""The agenda of a session: build it from the fund's eligible requests, add or remove one request."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import conflicts
from applications.models import Application
from applications.services import apply_transition
from applications.workflow import AGENDA_SOURCES, Role, Status
from committees import selectors
from committees.locks import lock_application, lock_item, lock_session
from committees.models import AgendaItem, CommitteeSession, Decision
from committees.services.rules import check_runs, invalid, require_not_closed, require_not_withdrawn
from core.services import record_audit
from core.validation import french_day, full_save
from funds.models import Fund


def append_item(*, user, session: CommitteeSession, application: Application, invited_to_present: bool) -> AgendaItem:
    """Put one request on the agenda (the caller holds the session's lock; the request's is taken here)."""
    locked = lock_application(application.pk)
    conflicts.ensure_not_conflicted(user, locked, action=_("l'inscrire à l'ordre du jour"))
    fund = session.committee.fund
    if locked.fund_id != fund.pk:
        raise invalid(
            _("La demande %(ref)s relève d'un autre fonds : elle ne peut pas passer devant ce comité.")
            % {"ref": locked.display_reference},
            "application",
        )
    if fund.scheme == Fund.Scheme.CVS:
        raise invalid(
            _(
                "La demande %(ref)s relève de l'appel à projets du contrat de ville : elle est décidée par le comité "
                "de programmation, depuis la page de la demande, pas par un comité d'attribution."
            )
            % {"ref": locked.display_reference},
            "application",
        )
    if locked.status not in AGENDA_SOURCES:
        raise invalid(
            _(
                "La demande %(ref)s ne peut pas être inscrite (statut : %(status)s) : seule une demande "
                "recevable ou ajournée peut l'être. Terminez d'abord son instruction."
            )
            % {"ref": locked.display_reference, "status": Status(locked.status).label},
            "application",
        )
    deadline = selectors.filing_deadline(session=session)
    if locked.submitted_at is None or locked.submitted_at >= deadline:
        raise invalid(
            _(
                "La demande %(ref)s n'a pas été déposée au moins %(days)s jours avant la séance (au plus tard le "
                "%(last)s) : inscrivez-la à une séance ultérieure."
            )
            % {
                "ref": locked.display_reference,
                "days": fund.filing_days_before_committee,
                "last": french_day(timezone.localdate(deadline) - datetime.timedelta(days=1)),
            },
            "application",
        )
    if AgendaItem.objects.filter(session=session, application=locked).exists():
        raise invalid(_("La demande %(ref)s est déjà à l'ordre du jour.") % {"ref": locked.display_reference})
    last = session.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(session=session, application=locked, position=last + 1, invited_to_present=invited_to_present)
    full_save(item)
    apply_transition(
        user=user,
        application=locked,
        transition="put_on_agenda",
        role=Role.STAFF,
        comment=_("Séance du %(date)s") % {"date": french_day(session.date)},
    )
    return item


def build_agenda(*, user, session: CommitteeSession, invite_holders: bool = True) -> list[AgendaItem]:
    """Put on the agenda every eligible (or deferred) request of the fund filed on time."""
    check_runs(user, session.committee)
    with transaction.atomic():
        session = lock_session(session)
        if session.status != CommitteeSession.Status.PLANNED:
            raise invalid(
                _("L'ordre du jour se prépare avant l'ouverture de la séance : ajoutez les demandes une à une.")
            )
        items = [
            append_item(user=user, session=session, application=application, invited_to_present=invite_holders)
            for application in selectors.agenda_candidates(session=session)
        ]
        record_audit(
            actor=user,
            action="committees.build_agenda",
            target=session,
            summary=_("%(count)s demande(s) inscrite(s)") % {"count": len(items)},
            data={"applications": [item.application_id for item in items]},
        )
    return items


def add_agenda_item(
    *, user, session: CommitteeSession, application: Application, invited_to_present: bool = True
) -> AgendaItem:
    check_runs(user, session.committee)
    with transaction.atomic():
        session = lock_session(session)
        require_not_closed(session)
        item = append_item(user=user, session=session, application=application, invited_to_present=invited_to_present)
        record_audit(
            actor=user,
            action="committees.add_agenda_item",
            target=session,
            summary=item.application.display_reference,
            data={"application": item.application_id, "position": item.position},
        )
    return item


def add_agenda_items(
    *, user, session: CommitteeSession, applications: list[Application], invited_to_present: bool = True
) -> list[AgendaItem]:
    """Put a selection of requests on the agenda, all or none (the inbox's bulk action).

    One transaction, in the portal's lock order: the session, then each request in id order (taken by
    `append_item`). Every request that cannot go (not eligible, filed too late, another fund, already on
    it, a conflict) is named in one French error, and nothing is saved.
    """
    check_runs(user, session.committee)
    if not applications:
        raise invalid(_("Cochez au moins une demande dans la liste."))
    problems: list[str] = []
    with transaction.atomic():
        session = lock_session(session)
        require_not_closed(session)
        items = []
        for application in sorted({a.pk: a for a in applications}.values(), key=lambda a: a.pk):
            try:
                # A savepoint per request: a refused one is rolled back alone while the others are checked.
                with transaction.atomic():
                    items.append(
                        append_item(
                            user=user, session=session, application=application, invited_to_present=invited_to_present
                        )
                    )
            except ValidationError as error:
                problems.extend(message for messages in error.message_dict.values() for message in messages)
            except PermissionDenied as error:
                problems.append(
                    _("Demande %(ref)s : %(reason)s")
                    % {"ref": application.display_reference, "reason": str(error) or _("action refusée.")}
                )
        if problems:
            intro = _(
                "Aucune demande n'a été inscrite à l'ordre du jour. Retirez de la sélection les demandes "
                "ci-dessous (ou terminez leur instruction), puis recommencez :"
            )
            raise ValidationError({NON_FIELD_ERRORS: [intro, *problems]})
        record_audit(
            actor=user,
            action="committees.add_agenda_items",
            target=session,
            summary=", ".join(item.application.display_reference for item in items)[:200],
            data={"applications": [item.application_id for item in items]},
        )
    return items


def remove_agenda_item(*, user, item: AgendaItem, reason: str = "") -> None:
    """Take a request off the agenda before any vote; it becomes eligible again."""
    check_runs(user, item.session.committee)
    with transaction.atomic():
        session = lock_session(item.session)
        require_not_closed(session)
        item = lock_item(item)
        require_not_withdrawn(item.application)
        if Decision.objects.filter(item=item).exists() or item.votes.exists():
            raise invalid(
                _("Le vote sur la demande %(ref)s a commencé : elle ne peut plus être retirée, le comité doit décider.")
                % {"ref": item.application.display_reference}
            )
        application, position = item.application, item.position
        item.delete()
        session.items.filter(position__gt=position).update(position=F("position") - 1)
        apply_transition(
            user=user, application=application, transition="remove_from_agenda", role=Role.STAFF, comment=reason
        )
        record_audit(
            actor=user,
            action="committees.remove_agenda_item",
            target=session,
            summary=application.display_reference,
            data={"application": application.pk, "reason": reason},
        )
