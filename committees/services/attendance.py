"""Who is present at a session: the quorum counts the voting members present."""

import datetime

from django.db import transaction

from committees.locks import lock_session
from committees.models import Attendance, CommitteeMember, CommitteeSession
from committees.services.rules import check_runs, require_member, require_not_closed
from core.services import record_audit
from core.validation import full_save


def record_attendance(
    *,
    user,
    session: CommitteeSession,
    member: CommitteeMember,
    present: bool = True,
    arrived_at: datetime.time | None = None,
    excused: bool = False,
) -> Attendance:
    """Note a member present (with the time of arrival), absent, or absent and excused (apologies sent)."""
    check_runs(user, session.committee)
    with transaction.atomic():
        session = lock_session(session)
        require_not_closed(session)
        require_member(session, member)
        attendance = Attendance.objects.filter(session=session, member=member).first() or Attendance(
            session=session, member=member
        )
        attendance.present = bool(present)
        attendance.arrived_at = arrived_at if present else None
        attendance.excused = bool(excused) and not present
        full_save(attendance)
        record_audit(
            actor=user,
            action="committees.record_attendance",
            target=session,
            summary=f"{member.full_name}: {'present' if present else 'excused' if attendance.excused else 'absent'}",
            data={
                "member": member.pk,
                "present": bool(present),
                "excused": attendance.excused,
                "arrived_at": arrived_at.isoformat() if arrived_at else None,
            },
        )
    return attendance


def record_attendances(
    *,
    user,
    session: CommitteeSession,
    presence: dict[CommitteeMember, bool],
    arrived_at: datetime.time | None = None,
    excused: set[CommitteeMember] | None = None,
) -> list[Attendance]:
    """The whole attendance form at once, all or nothing: each member whose presence changed, at `arrived_at`.

    A member in `excused` who is not ticked present is noted absent and excused (a tick "excusé·e" beside a
    member ticked present is ignored: they came)."""
    check_runs(user, session.committee)
    excused_ids = {member.pk for member in excused or ()}
    with transaction.atomic():
        recorded = {row.member_id: (row.present, row.excused) for row in Attendance.objects.filter(session=session)}
        changed = []
        for member, present in presence.items():
            apologised = member.pk in excused_ids and not present
            if recorded.get(member.pk) == (present, apologised):
                continue
            changed.append(
                record_attendance(
                    user=user,
                    session=session,
                    member=member,
                    present=present,
                    arrived_at=arrived_at if present else None,
                    excused=apologised,
                )
            )
        return changed
