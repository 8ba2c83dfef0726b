"""The session page: agenda lines with the forms the user may still send, attendance, quorum and errors."""

from django.shortcuts import render
from django.utils.translation import ngettext

from committees import forms, selectors
from committees.models import CommitteeSession
from committees.views.common import form_errors, item_anchor


def quorum_reason(quorum) -> str:
    return ngettext(
        "Le quorum n'est pas atteint : %(present)s membre votant présent sur %(required)s requis. "
        "Aucun vote ni décision n'est possible : notez la présence des membres votants arrivés. "
        "Les membres de droit ne comptent pas dans le quorum.",
        "Le quorum n'est pas atteint : %(present)s membres votants présents sur %(required)s requis. "
        "Aucun vote ni décision n'est possible : notez la présence des membres votants arrivés. "
        "Les membres de droit ne comptent pas dans le quorum.",
        quorum.present_voting,
    ) % {"present": quorum.present_voting, "required": quorum.required}


def pick(bound: dict, form, show: bool):
    """The form sent with errors if it is this one; else a blank form when the page offers it, else None."""
    if form.prefix in bound:
        return bound[form.prefix]
    return form if show else None


def agenda_line(row: selectors.ItemRow, session: CommitteeSession, bound: dict, *, can_run: bool) -> dict:
    """One agenda line and the forms it offers: recusal and votes while undecided, amendment once closed."""
    item, decision = row.item, row.detail.decision
    undecided = can_run and decision is None and not row.detail.withdrawn
    is_open = session.status == CommitteeSession.Status.OPEN
    return {
        "row": row,
        "anchor": item_anchor(item),
        "recusal_form": pick(
            bound,
            forms.RecusalForm(item=item, members=row.recusable),
            undecided and not session.is_closed and bool(row.recusable),
        ),
        "vote_form": pick(
            bound,
            forms.VoteForm(item=item, voters=row.voters, votes_by_member=row.votes_by_member),
            undecided and is_open and item.vote_started_at is not None and bool(row.voters),
        ),
        "correction_form": pick(
            bound,
            forms.VoteCorrectionForm(item=item, votes=row.detail.votes),
            undecided and is_open and bool(row.detail.votes),
        ),
        "decision_form": pick(
            bound,
            forms.DecisionForm(item=item, amount_requested=row.detail.application.amount_requested),
            undecided and is_open,
        ),
        "amendment_form": pick(bound, forms.AmendmentForm(decision=decision), can_run and session.is_closed)
        if decision is not None
        else None,
    }


def session_context(session: CommitteeSession, bound: dict, *, can_run: bool) -> dict:
    """The session page: `bound` holds a form sent with errors, by prefix, shown instead of a blank one."""
    page = selectors.session_page(session=session, with_candidates=can_run)
    session = page.detail.session
    is_open = session.status == CommitteeSession.Status.OPEN
    quorum = page.detail.quorum
    add_item_form = pick(
        bound,
        forms.AddItemForm(candidates=page.candidates),
        can_run and not session.is_closed and bool(page.candidates),
    )
    attendance_form = pick(
        bound, forms.AttendanceForm(members=page.members, attendance=page.attendance), can_run and is_open
    )
    return {
        "session": session,
        "committee": page.detail.committee,
        "fund": page.detail.fund,
        "page": page,
        "detail": page.detail,
        "quorum": quorum,
        "quorum_reason": "" if quorum.met else quorum_reason(quorum),
        "items": [agenda_line(row, session, bound, can_run=can_run) for row in page.rows],
        "can_run": can_run,
        "is_open": is_open,
        "add_item_form": add_item_form,
        "attendance_form": attendance_form,
        "errors": [error for form in bound.values() for error in form_errors(form)],
        # Members read the dossiers until the session closes; the staff always.
        "show_dossiers": can_run or not session.is_closed,
        "members": page.members,
        "members_without_email": [member for member in page.members if not member.contact_email],
    }


def render_session_page(request, session: CommitteeSession, bound: dict | None = None, *, can_run: bool = True):
    """The session page; a POST view comes here (with its form sent with errors) only for a user who runs it."""
    context = session_context(session, bound or {}, can_run=can_run)
    return render(request, "committees/session_detail.html", context, status=400 if bound else 200)
