"""A session's pages and actions: create, agenda, convocations, opening, attendance, closing, minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from committees import documents, forms, selectors, services
from committees.access import (
    get_committee_for_user,
    get_item_for_user,
    get_session_for_user,
)
from committees.models import CommitteeSession
from committees.views.common import form_errors, pdf_response, session_url
from committees.views.session_page import render_session_page
from core.forms import run_action, run_service


@login_required
def session_create(request, pk: int):
    committee = get_committee_for_user(request.user, pk, to_run=True).committee
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST":
        done, session = run_service(
            form, lambda data: services.create_session(user=request.user, committee=committee, **data)
        )
        if done:
            messages.success(
                request, _("La séance est créée. Préparez maintenant son ordre du jour, puis envoyez les convocations.")
            )
            return redirect(session_url(session))
    context = {"committee": committee, "form": form, "errors": form_errors(form)}
    return render(request, "committees/session_form.html", context, status=400 if form.errors else 200)


@login_required
def session_detail(request, pk: int):
    access = get_session_for_user(request.user, pk)
    return render_session_page(request, access.session, can_run=access.can_run)


@login_required
@require_POST
def build_agenda(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    done, items = run_action(request, lambda: services.build_agenda(user=request.user, session=session))
    if done:
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
    return redirect(session_url(session, "ordre-du-jour"))


@login_required
@require_POST
def add_item(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    candidates = list(selectors.agenda_candidates(session=session))
    form = forms.AddItemForm(request.POST, candidates=candidates)
    done, item = run_service(
        form,
        lambda data: services.add_agenda_item(
            user=request.user,
            session=session,
            application=form.chosen_application(),
            invited_to_present=data["invited_to_present"],
        ),
    )
    if done:
        messages.success(
            request,
            _("La demande %(ref)s est inscrite à l'ordre du jour.") % {"ref": item.application.display_reference},
        )
        return redirect(session_url(session, "ordre-du-jour"))
    return render_session_page(request, session, {form.prefix: form})


@login_required
@require_POST
def remove_item(request, pk: int, item_pk: int):
    item = get_item_for_user(request.user, pk, item_pk, to_run=True).item
    session = item.session
    run_action(
        request,
        lambda: services.remove_agenda_item(user=request.user, item=item),
        success=_("La demande %(ref)s est retirée de l'ordre du jour : elle redevient recevable.")
        % {"ref": item.application.display_reference},
    )
    return redirect(session_url(session, "ordre-du-jour"))


@login_required
@require_POST
def send_convocations(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    done, report = run_action(request, lambda: services.send_convocations(user=request.user, session=session))
    if done:
        messages.success(
            request,
            _("Convocations en cours d'envoi : %(members)s et %(holders)s. Leur état d'envoi s'affiche sur cette page.")
            % {
                "members": ngettext("%(count)s membre", "%(count)s membres", len(report.members_convened))
                % {"count": len(report.members_convened)},
                "holders": ngettext(
                    "%(count)s porteur invité à présenter",
                    "%(count)s porteurs invités à présenter",
                    len(report.holders_invited),
                )
                % {"count": len(report.holders_invited)},
            },
        )
        if report.members_without_email:
            messages.warning(
                request,
                _("Sans adresse e-mail, à convoquer autrement : %(names)s.")
                % {"names": ", ".join(member.full_name for member in report.members_without_email)},
            )
    return redirect(session_url(session))


@login_required
@require_POST
def open_session(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    run_action(
        request,
        lambda: services.open_session(user=request.user, session=session),
        success=_("La séance est ouverte : notez les présences pour vérifier le quorum."),
    )
    return redirect(session_url(session, "presences"))


@login_required
@require_POST
def record_attendance(request, pk: int):
    session = get_session_for_user(request.user, pk, to_run=True).session
    members = list(selectors.committee_members_on(session=session))
    attendance = selectors.attendance_by_member(session=session)
    form = forms.AttendanceForm(request.POST, members=members, attendance=attendance)
    now = timezone.localtime().time().replace(second=0, microsecond=0)
    if run_service(
        form,
        lambda data: services.record_attendances(
            user=request.user, session=session, presence=form.presence(), arrived_at=now, excused=form.excused()
        ),
    ).done:
        messages.success(request, _("Les présences sont enregistrées."))
        return redirect(session_url(session, "presences"))
    return render_session_page(request, session, {form.prefix: form})


@login_required
def close_session(request, pk: int):
    """GET: what closing means and what is still pending; POST: close the session."""
    session = get_session_for_user(request.user, pk, to_run=True).session
    if request.method == "POST":
        run_action(
            request,
            lambda: services.close_session(user=request.user, session=session),
            success=_(
                "La séance est close. Chaque porteur reçoit son courrier de notification par e-mail ; "
                "le procès-verbal est prêt à télécharger."
            ),
        )
        return redirect(session_url(session))
    if session.status != CommitteeSession.Status.OPEN:
        messages.error(request, _("Seule une séance ouverte peut être close."))
        return redirect(session_url(session))
    pending = list(session.items.awaiting_decision().select_related("application").order_by("position", "pk"))
    return render(request, "committees/session_close.html", {"session": session, "pending": pending})


@login_required
def minutes_pdf(request, pk: int):
    session = get_session_for_user(request.user, pk).session
    if not session.is_closed:
        raise Http404
    filename = f"proces-verbal-{slugify(session.committee.name)}-{session.date:%Y-%m-%d}.pdf"
    return pdf_response(documents.render_minutes_pdf(session=session), filename)
