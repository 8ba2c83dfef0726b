"""Actions on one agenda line: the vote (recusals, votes), the decision, its amendment, the letter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from committees import documents, forms, selectors, services
from committees.access import (
    get_decision_for_user,
    get_item_for_user,
)
from committees.models import Decision
from committees.views.common import item_anchor, pdf_response, session_url
from committees.views.session_page import render_session_page
from core.forms import apply_errors, run_action, run_service
from core.templatetags.portal_format import format_money


@login_required
@require_POST
def start_vote(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    done, recusals = run_action(request, lambda: services.start_vote(user=request.user, item=item))
    if done:
        if recusals:
            messages.info(
                request,
                _("Le vote est ouvert. Se déportent automatiquement : %(names)s.")
                % {"names": ", ".join(f"{r.member.full_name} ({r.reason})" for r in recusals)},
            )
        else:
            messages.success(request, _("Le vote est ouvert : aucun membre n'est lié au porteur."))
    return redirect(session_url(session, item_anchor(item)))


@login_required
@require_POST
def declare_recusal(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    members = list(selectors.committee_members_on(session=session))
    form = forms.RecusalForm(request.POST, item=item, members=members)
    done, recusal = run_service(
        form,
        lambda data: services.declare_recusal(
            user=request.user, item=item, member=form.chosen_member(), reason=data["reason"]
        ),
    )
    if done:
        messages.success(
            request,
            _("%(member)s se déporte : il ou elle ne vote pas sur la demande %(ref)s.")
            % {"member": recusal.member.full_name, "ref": item.application.display_reference},
        )
        return redirect(session_url(session, item_anchor(item)))
    return render_session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def record_votes(request, pk: int, item_pk: int):
    """One POST for the whole item: each member's vote, all or nothing (`services.record_votes`).

    A vote already recorded is shown but not sent again, so the same form posted twice counts once.
    """
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    voters = list(selectors.eligible_voters(item=item).order_by("full_name", "pk"))
    votes_by_member = selectors.votes_by_member(item=item)
    form = forms.VoteForm(request.POST, item=item, voters=voters, votes_by_member=votes_by_member)
    if not voters:
        form.add_error(None, _("Aucun membre votant présent et non déporté ne peut voter sur cette demande."))
    else:
        already = set(votes_by_member)
        if run_service(
            form, lambda data: services.record_votes(user=request.user, item=item, choices=form.choices())
        ).done:
            added = sum(1 for member, _choice in form.choices() if member.pk not in already)
            if added:
                messages.success(
                    request,
                    ngettext("%(count)s vote enregistré.", "%(count)s votes enregistrés.", added) % {"count": added},
                )
            else:
                messages.info(
                    request,
                    _(
                        "Ces votes étaient déjà enregistrés : rien n'a changé. Pour corriger un vote mal saisi, "
                        "utilisez « Corriger un vote »."
                    ),
                )
            return redirect(session_url(session, item_anchor(item)))
    return render_session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def correct_vote(request, pk: int, item_pk: int):
    """Correct a member's recorded vote before the decision (kept in the audit log and the minutes)."""
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    votes = selectors.recorded_votes(item=item)
    form = forms.VoteCorrectionForm(request.POST, item=item, votes=votes)
    if form.is_valid():
        try:
            correction = services.correct_vote(
                user=request.user,
                item=item,
                member=form.chosen_member(),
                choice=form.cleaned_data["choice"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Vote de %(member)s corrigé : %(before)s → %(after)s.")
                % {
                    "member": correction.vote.member.full_name,
                    "before": correction.get_before_display().lower(),
                    "after": correction.get_after_display().lower(),
                },
            )
            return redirect(session_url(session, item_anchor(item)))
    return render_session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def decide(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    form = forms.DecisionForm(request.POST, item=item, amount_requested=item.application.amount_requested)
    done, decision = run_service(
        form, lambda data: services.decide(user=request.user, item=item, **form.service_kwargs())
    )
    if done:
        text = _("Décision enregistrée pour la demande %(ref)s : %(outcome)s.") % {
            "ref": item.application.display_reference,
            "outcome": decision.get_outcome_display(),
        }
        if decision.outcome == Decision.Outcome.GRANTED:
            text += " " + _("Montant accordé : %(amount)s.") % {"amount": format_money(decision.amount_granted)}
        messages.success(request, text)
        return redirect(session_url(session, item_anchor(item)))
    return render_session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def amend_decision(request, pk: int, item_pk: int):
    access = get_decision_for_user(request.user, pk, item_pk, to_run=True)
    session, item, decision = access.session, access.item, access.decision
    effective = selectors.effective_decision(decision=decision)
    form = forms.AmendmentForm(request.POST, decision=effective)
    if run_service(
        form, lambda data: services.amend_decision(user=request.user, decision=decision, **form.service_kwargs())
    ).done:
        messages.success(
            request,
            _("La décision sur la demande %(ref)s est rectifiée ; la rectification figure sous la décision.")
            % {"ref": item.application.display_reference},
        )
        return redirect(session_url(session, item_anchor(item)))
    return render_session_page(request, session, {form.prefix: form})


@login_required
def letter_pdf(request, pk: int, item_pk: int):
    access = get_decision_for_user(request.user, pk, item_pk, to_run=True)
    session, item, decision = access.session, access.item, access.decision
    if not session.is_closed:
        raise Http404
    reference = item.application.reference or str(item.application.pk)
    return pdf_response(documents.render_notification_letter_pdf(decision=decision), f"notification-{reference}.pdf")
