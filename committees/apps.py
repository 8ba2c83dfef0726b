from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Comités d'attribution")

    def ready(self):
        from accounts.signals import email_confirmed
        from applications.models import Application
        from committees.calendar import SESSION_ICS, build_session_ics
        from committees.documents import session_pack
        from committees.emails import build_decision_letter
        from committees.models import Amendment, CommitteeMember, CommitteeSession, Decision
        from committees.selectors.calendar import upcoming_sessions_by_fund
        from core import public_cache, signals
        from core.generated_documents import register_document
        from core.outbox import register_attachment
        from funds import calendar

        signals.watch_committee_seats(CommitteeMember)
        # Each request's figures (what was decided and paid) follow its decisions, amendments and payments.
        from committees.models import figures

        figures.connect()
        # A seat saved with an address that had no account is linked once that address is confirmed.
        email_confirmed.connect(_link_confirmed_account, dispatch_uid="committees.link_confirmed_account")
        # The showcase shows granted amounts, and the public fields of granted requests: saving a draft (or any
        # request no committee granted) leaves the cached public pages alone.
        public_cache.watch(Decision, Amendment)
        # The open calls show each fund's next sessions and their last filing day (read through funds.calendar).
        public_cache.watch(CommitteeSession)
        calendar.register_provider(upcoming_sessions_by_fund)
        public_cache.watch_if(Application, shown=_granted)
        # The decision letters' PDFs are built by the worker that delivers the e-mail.
        register_attachment("committees.decision_letter", build_decision_letter)
        # Members' convocations carry the session's calendar invitation, also built at delivery.
        register_attachment(SESSION_ICS, build_session_ics)
        # The session pack (agenda and every dossier) can be long: built in the background.
        register_document(
            session_pack.SESSION_PACK,
            build=session_pack.build_session_pack,
            fingerprint=session_pack.session_pack_fingerprint,
            filename=session_pack.session_pack_filename,
        )
        # The staff inbox's selection can be put on a planned session's agenda.
        from applications.inbox import register_selection_action
        from committees.views.selection import selection_action

        register_selection_action(selection_action)
        # The staff request page links to the sessions a request can join, and to the payments.
        from applications import next_steps
        from committees.next_steps import links

        next_steps.register(links)


def _link_confirmed_account(sender, *, user, **kwargs) -> None:
    from committees.services.members import link_confirmed_account

    link_confirmed_account(user=user)


def _granted(application) -> bool:
    from committees.models import Decision

    return Decision.objects.filter(item__application_id=application.pk, outcome=Decision.Outcome.GRANTED).exists()
