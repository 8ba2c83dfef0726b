"""Committee pages: committees and members, sessions (agenda, convocations, attendance, votes, decisions,
closing, minutes and letters) and the payments of a fund.

Views stay thin: every object comes from `committees.access` (404 for anyone who may not read it, 403 for a
reader who may not run it), forms for input, one service per change. A service's
ValidationError becomes form errors (page shown again, status 400) or an error message; never a 500.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from applications.workflow import Status
from committees import forms, pdf, selectors, services
from committees.access import (
    get_committee_for_user,
    get_decision_for_user,
    get_fund_for_user,
    get_item_for_user,
    get_member_for_user,
    get_session_for_user,
)
from committees.models import AgendaItem, CommitteeSession, Decision, Payment
from core.forms import apply_errors, error_messages, error_summary
from core.tabular import CSV_CONTENT_TYPE, write_csv
from core.templatetags.portal_format import format_money
from funds.models import Fund

PAYMENT_CSV_HEADERS = [
    "reference",
    "title",
    "holder",
    "amount_granted",
    "kind",
    "paid_on",
    "amount",
    "method",
    "payment_reference",
    "recorded_by",
]


# --- Helpers --------------------------------------------------------------------------------------


def _error_messages(request, error: ValidationError) -> None:
    for message in error_messages(error):
        messages.error(request, message)


def _error_summary(form) -> list[dict]:
    return error_summary(form, non_field_anchor=True)


def _session_url(session: CommitteeSession, anchor: str = "") -> str:
    url = reverse("committees:session_detail", kwargs={"pk": session.pk})
    return f"{url}#{anchor}" if anchor else url


def _item_anchor(item: AgendaItem) -> str:
    return f"point-{item.pk}"


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Committees and members -----------------------------------------------------------------------


@login_required
def committee_list(request):
    committees = list(selectors.committees_for_user(user=request.user))
    return render(request, "committees/committee_list.html", {"committees": committees})


@login_required
def committee_detail(request, pk: int):
    access = get_committee_for_user(request.user, pk)
    committee = access.committee
    page = selectors.committee_page(committee=committee)
    context = {
        "committee": committee,
        "fund": committee.fund,
        "page": page,
        "can_run": access.can_run,
        "today": timezone.localdate(),
    }
    return render(request, "committees/committee_detail.html", context)


@login_required
def member_add(request, pk: int):
    committee = get_committee_for_user(request.user, pk, to_run=True).committee
    form = forms.MemberForm(request.POST or None, initial={"mandate_start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.add_member(user=request.user, committee=committee, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(member)s siège désormais au comité.") % {"member": member.full_name})
            return redirect("committees:committee_detail", pk=committee.pk)
    context = {"committee": committee, "form": form, "member": None, "errors": _error_summary(form)}
    return render(request, "committees/member_form.html", context, status=400 if form.errors else 200)


@login_required
def member_edit(request, pk: int):
    member = get_member_for_user(request.user, pk, to_run=True).member
    committee = member.committee
    initial = {
        "full_name": member.full_name,
        "college": member.college,
        "organisation": member.organisation,
        "mandate_start": member.mandate_start,
        "mandate_end": member.mandate_end,
        "email": member.email,
        "account_email": member.user.email if member.user_id else "",
    }
    form = forms.MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.update_member(user=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("La fiche de %(member)s est enregistrée.") % {"member": member.full_name})
            return redirect("committees:committee_detail", pk=committee.pk)
    context = {"committee": committee, "form": form, "member": member, "errors": _error_summary(form)}
    return render(request, "committees/member_form.html", context, status=400 if form.errors else 200)


@login_required
def member_link_add(request, pk: int):
    member = get_member_for_user(request.user, pk, to_run=True).member
    committee = member.committee
    holders = list(selectors.link_holder_choices(committee=committee))
    form = forms.MemberLinkForm(request.POST or None, holders=holders)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member_link(
                user=request.user,
                member=member,
                holder=form.chosen_holder(),
                holder_name=form.cleaned_data["holder_name"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Le lien est enregistré : %(member)s se déportera des votes sur les demandes de ce porteur.")
                % {"member": member.full_name},
            )
            return redirect("committees:committee_detail", pk=committee.pk)
    context = {"committee": committee, "member": member, "form": form, "errors": _error_summary(form)}
    return render(request, "committees/member_link_form.html", context, status=400 if form.errors else 200)


# --- Sessions -------------------------------------------------------------------------------------


@login_required
def session_create(request, pk: int):
    committee = get_committee_for_user(request.user, pk, to_run=True).committee
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(user=request.user, committee=committee, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("La séance est créée. Préparez maintenant son ordre du jour, puis envoyez les convocations.")
            )
            return redirect(_session_url(session))
    context = {"committee": committee, "form": form, "errors": _error_summary(form)}
    return render(request, "committees/session_form.html", context, status=400 if form.errors else 200)


def _quorum_reason(quorum) -> str:
    return _(
        "Le quorum n'est pas atteint : %(present)s membre(s) votant(s) présent(s) sur %(required)s requis. "
        "Aucun vote ni décision n'est possible : notez la présence des membres votants arrivés. "
        "Les membres de droit ne comptent pas dans le quorum."
    ) % {"present": quorum.present_voting, "required": quorum.required}


def _session_context(session: CommitteeSession, bound: dict, *, can_run: bool) -> dict:
    """The session page: `bound` holds a form sent with errors, by prefix, shown instead of a blank one."""
    page = selectors.session_page(session=session, with_candidates=can_run)
    session = page.detail.session
    is_open = session.status == CommitteeSession.Status.OPEN
    quorum = page.detail.quorum

    def pick(form, show: bool):
        """The form sent with errors if it is this one; else a blank form when the page offers it."""
        if form.prefix in bound:
            return bound[form.prefix]
        return form if show else None

    items = []
    for row in page.rows:
        item, decision = row.item, row.detail.decision
        undecided = can_run and decision is None
        items.append(
            {
                "row": row,
                "anchor": _item_anchor(item),
                "recusal_form": pick(
                    forms.RecusalForm(item=item, members=row.recusable),
                    undecided and not session.is_closed and bool(row.recusable),
                ),
                "vote_form": pick(
                    forms.VoteForm(item=item, voters=row.voters, votes_by_member=row.votes_by_member),
                    undecided and is_open and item.vote_started_at is not None and bool(row.voters),
                ),
                "decision_form": pick(
                    forms.DecisionForm(item=item, amount_requested=row.detail.application.amount_requested),
                    undecided and is_open,
                ),
                "amendment_form": pick(forms.AmendmentForm(decision=decision), can_run and session.is_closed)
                if decision is not None
                else None,
            }
        )
    add_item_form = pick(
        forms.AddItemForm(candidates=page.candidates), can_run and not session.is_closed and bool(page.candidates)
    )
    attendance_form = pick(forms.AttendanceForm(members=page.members, attendance=page.attendance), can_run and is_open)
    errors = []
    for form in bound.values():
        errors += _error_summary(form)
    return {
        "session": session,
        "committee": page.detail.committee,
        "fund": page.detail.fund,
        "page": page,
        "detail": page.detail,
        "quorum": quorum,
        "quorum_reason": "" if quorum.met else _quorum_reason(quorum),
        "items": items,
        "can_run": can_run,
        "is_open": is_open,
        "add_item_form": add_item_form,
        "attendance_form": attendance_form,
        "errors": errors,
    }


def _session_page(request, session: CommitteeSession, bound: dict | None = None, *, can_run: bool = True):
    """The session page; a POST view comes here (with its form sent with errors) only for a user who runs it."""
    context = _session_context(session, bound or {}, can_run=can_run)
    return render(request, "committees/session_detail.html", context, status=400 if bound else 200)


@login_required
def session_detail(request, pk: int):
    access = get_session_for_user(request.user, pk)
    return _session_page(request, access.session, can_run=access.can_run)


@login_required
@require_POST
def build_agenda(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    try:
        items = services.build_agenda(user=request.user, session=session)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        if items:
            messages.success(
                request,
                ngettext(
                    "%(count)s demande inscrite à l'ordre du jour.",
                    "%(count)s demandes inscrites à l'ordre du jour.",
                    len(items),
                )
                % {"count": len(items)},
            )
        else:
            messages.info(request, _("Aucune demande recevable déposée à temps n'attend d'être inscrite."))
    return redirect(_session_url(session, "ordre-du-jour"))


@login_required
@require_POST
def add_item(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    candidates = list(selectors.agenda_candidates(session=session))
    form = forms.AddItemForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            item = services.add_agenda_item(
                user=request.user,
                session=session,
                application=form.chosen_application(),
                invited_to_present=form.cleaned_data["invited_to_present"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("La demande %(ref)s est inscrite à l'ordre du jour.") % {"ref": item.application.display_reference},
            )
            return redirect(_session_url(session, "ordre-du-jour"))
    return _session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def remove_item(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    try:
        services.remove_agenda_item(user=request.user, item=item)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request,
            _("La demande %(ref)s est retirée de l'ordre du jour : elle redevient recevable.")
            % {"ref": item.application.display_reference},
        )
    return redirect(_session_url(session, "ordre-du-jour"))


@login_required
@require_POST
def send_convocations(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    try:
        report = services.send_convocations(user=request.user, session=session)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request,
            _("Convocations envoyées : %(members)s membre(s) et %(holders)s porteur(s) invité(s) à présenter.")
            % {"members": len(report.members_convened), "holders": len(report.holders_invited)},
        )
        if report.members_without_email:
            messages.warning(
                request,
                _("Sans adresse e-mail, à convoquer autrement : %(names)s.")
                % {"names": ", ".join(member.full_name for member in report.members_without_email)},
            )
    return redirect(_session_url(session))


@login_required
@require_POST
def open_session(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    try:
        services.open_session(user=request.user, session=session)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("La séance est ouverte : notez les présences pour vérifier le quorum."))
    return redirect(_session_url(session, "presences"))


@login_required
@require_POST
def record_attendance(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    members = list(selectors.committee_members_on(session=session))
    attendance = selectors.attendance_by_member(session=session)
    form = forms.AttendanceForm(request.POST, members=members, attendance=attendance)
    if form.is_valid():
        now = timezone.localtime().time().replace(second=0, microsecond=0)
        try:
            services.record_attendances(user=request.user, session=session, presence=form.presence(), arrived_at=now)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Les présences sont enregistrées."))
            return redirect(_session_url(session, "presences"))
    return _session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def start_vote(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    try:
        recusals = services.start_vote(user=request.user, item=item)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        if recusals:
            messages.info(
                request,
                _("Le vote est ouvert. Se déportent automatiquement : %(names)s.")
                % {"names": ", ".join(f"{r.member.full_name} ({r.reason})" for r in recusals)},
            )
        else:
            messages.success(request, _("Le vote est ouvert : aucun membre n'est lié au porteur."))
    return redirect(_session_url(session, _item_anchor(item)))


@login_required
@require_POST
def declare_recusal(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    members = list(selectors.committee_members_on(session=session))
    form = forms.RecusalForm(request.POST, item=item, members=members)
    if form.is_valid():
        try:
            recusal = services.declare_recusal(
                user=request.user, item=item, member=form.chosen_member(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(member)s se déporte : il ou elle ne vote pas sur la demande %(ref)s.")
                % {"member": recusal.member.full_name, "ref": item.application.display_reference},
            )
            return redirect(_session_url(session, _item_anchor(item)))
    return _session_page(request, session, {form.prefix: form})


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
    elif form.is_valid():
        already = set(votes_by_member)
        try:
            services.record_votes(user=request.user, item=item, choices=form.choices())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            added = sum(1 for member, _choice in form.choices() if member.pk not in already)
            if added:
                messages.success(
                    request,
                    ngettext("%(count)s vote enregistré.", "%(count)s votes enregistrés.", added) % {"count": added},
                )
            else:
                messages.info(request, _("Ces votes étaient déjà enregistrés : rien n'a changé."))
            return redirect(_session_url(session, _item_anchor(item)))
    return _session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def decide(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    form = forms.DecisionForm(request.POST, item=item, amount_requested=item.application.amount_requested)
    if form.is_valid():
        try:
            decision = services.decide(user=request.user, item=item, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            text = _("Décision enregistrée pour la demande %(ref)s : %(outcome)s.") % {
                "ref": item.application.display_reference,
                "outcome": decision.get_outcome_display(),
            }
            if decision.outcome == Decision.Outcome.GRANTED:
                text += " " + _("Montant accordé : %(amount)s.") % {"amount": format_money(decision.amount_granted)}
            messages.success(request, text)
            return redirect(_session_url(session, _item_anchor(item)))
    return _session_page(request, session, {form.prefix: form})


@login_required
def close_session(request, pk: int):
    """GET: what closing means and what is still pending; POST: close the session."""
    session = get_session_for_user(request.user, pk, to_run=True).session
    if request.method == "POST":
        try:
            services.close_session(user=request.user, session=session)
        except ValidationError as error:
            _error_messages(request, error)
            return redirect(_session_url(session))
        messages.success(
            request,
            _(
                "La séance est close. Chaque porteur reçoit son courrier de notification par e-mail ; "
                "le procès-verbal est prêt à télécharger."
            ),
        )
        return redirect(_session_url(session))
    if session.status != CommitteeSession.Status.OPEN:
        messages.error(request, _("Seule une séance ouverte peut être close."))
        return redirect(_session_url(session))
    pending = list(session.items.filter(decision__isnull=True).select_related("application").order_by("position", "pk"))
    return render(request, "committees/session_close.html", {"session": session, "pending": pending})


@login_required
@require_POST
def amend_decision(request, pk: int, item_pk: int):
    access = get_decision_for_user(request.user, pk, item_pk, to_run=True)
    session, item, decision = access.session, access.item, access.decision
    effective = selectors.effective_decision(decision=decision)
    form = forms.AmendmentForm(request.POST, decision=effective)
    if form.is_valid():
        try:
            services.amend_decision(user=request.user, decision=decision, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("La décision sur la demande %(ref)s est rectifiée ; la rectification figure sous la décision.")
                % {"ref": item.application.display_reference},
            )
            return redirect(_session_url(session, _item_anchor(item)))
    return _session_page(request, session, {form.prefix: form})


@login_required
def minutes_pdf(request, pk: int):
    session = get_session_for_user(request.user, pk).session
    if not session.is_closed:
        raise Http404
    filename = f"proces-verbal-{slugify(session.committee.name)}-{session.date:%Y-%m-%d}.pdf"
    return _pdf_response(pdf.render_minutes_pdf(session=session), filename)


@login_required
def letter_pdf(request, pk: int, item_pk: int):
    access = get_decision_for_user(request.user, pk, item_pk, to_run=True)
    session, item, decision = access.session, access.item, access.decision
    if not session.is_closed:
        raise Http404
    reference = item.application.reference or str(item.application.pk)
    return _pdf_response(pdf.render_notification_letter_pdf(decision=decision), f"notification-{reference}.pdf")


# --- Payments -------------------------------------------------------------------------------------


def _payment_initial(request, fund: Fund, statement) -> dict:
    """The form starts from the request chosen in the statement (?demande=): the advance, or what is left."""
    initial = {"paid_on": timezone.localdate(), "method": Payment.Method.TRANSFER}
    try:
        chosen = int(request.GET.get("demande", ""))
    except ValueError:
        return initial
    line = next((line for line in statement.lines if line.pk == chosen), None)
    if line is None:
        return initial
    initial["application"] = line.pk
    if line.status == Status.BILAN_RECEIVED:
        initial.update(kind=Payment.Kind.BALANCE, amount=line.to_pay)
    else:
        initial.update(kind=Payment.Kind.ADVANCE, amount=selectors.advance_amount(fund=fund, granted=line.granted))
    return initial


@login_required
def payments(request, slug: str):
    """The statement of payments of a fund. Co-funders' staff read it; only the association's staff record."""
    access = get_fund_for_user(request.user, slug, to_run=request.method == "POST")
    fund, can_record = access.fund, access.can_run
    statement = selectors.payments_statement(fund=fund)
    form = None
    if request.method == "POST":
        form = forms.PaymentForm(request.POST, lines=statement.lines)
        if form.is_valid():
            application = form.chosen_application()
            application.fund = fund
            data = form.cleaned_data
            try:
                payment = services.record_payment(
                    user=request.user,
                    application=application,
                    kind=data["kind"],
                    paid_on=data["paid_on"],
                    method=data["method"],
                    reference=data["reference"],
                    amount=data["amount"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Versement enregistré : %(kind)s de %(amount)s pour la demande %(ref)s.")
                    % {
                        "kind": payment.get_kind_display().lower(),
                        "amount": format_money(payment.amount),
                        "ref": application.display_reference,
                    },
                )
                return redirect("committees:payments", slug=fund.slug)
    elif can_record:
        form = forms.PaymentForm(lines=statement.lines, initial=_payment_initial(request, fund, statement))
    context = {
        "fund": fund,
        "statement": statement,
        "form": form,
        "can_record": can_record,
        "errors": _error_summary(form) if form is not None and form.is_bound else [],
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "committees/payments.html", context, status=status)


@login_required
def payments_csv(request, slug: str):
    """The statement in CSV: UTF-8 with a byte order mark, `;`, stable English headers (docs/exports.md)."""
    fund = get_fund_for_user(request.user, slug).fund
    rows = selectors.payment_export_rows(statement=selectors.payments_statement(fund=fund))
    stream = io.StringIO()
    write_csv(stream, headers=PAYMENT_CSV_HEADERS, rows=([row[h] for h in PAYMENT_CSV_HEADERS] for row in rows))
    response = HttpResponse(stream.getvalue(), content_type=CSV_CONTENT_TYPE)
    filename = f"versements-{fund.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
