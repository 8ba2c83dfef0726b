"""The committees' links on the staff request page (`applications.next_steps`): after « recevable », the planned
sessions of the fund's committees the request can join; after a grant, the fund's payments."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import Application
from applications.workflow import AGENDA_SOURCES, Status
from committees.models import CommitteeSession

# Statuses whose next step is a payment (the advance after the grant, the balance after the bilan).
TO_PAY = (Status.GRANTED, Status.ADVANCE_PAID, Status.BILAN_ACCEPTED)


def links(application: Application) -> list[dict[str, str]]:
    if application.status in AGENDA_SOURCES:
        sessions = CommitteeSession.objects.filter(
            committee__fund_id=application.fund_id, status=CommitteeSession.Status.PLANNED
        ).select_related("committee")
        return [
            {
                "label": _("Séance du %(day)s — %(committee)s")
                % {"day": date_format(session.date, "d/m/Y"), "committee": session.committee.name},
                "url": reverse("committees:session_detail", kwargs={"pk": session.pk}),
                "kind": "session",
            }
            for session in sessions.order_by("date", "time", "pk")[:10]
        ]
    if application.status in TO_PAY:
        return [
            {
                "label": _("Versements du fonds « %(fund)s »") % {"fund": application.fund.name},
                "url": reverse("committees:payments", kwargs={"slug": application.fund.slug}),
                "kind": "payment",
            }
        ]
    return []
