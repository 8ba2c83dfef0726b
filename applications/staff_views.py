"""The carrier associations' staff back office: the page where staff instruct one request (grid, private notes,
completion, eligibility, instructor, messages) and filing on behalf of a resident. The inbox is in
`staff_inbox_views`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import deferrals, forms, next_steps, permissions, selectors, services
from applications.access import get_application_for_user, get_instructed_for_user
from applications.models import Application, Attachment, EligibilityCriterion
from applications.selectors import step_url
from applications.workflow import AGENDA_SOURCES, IN_INSTRUCTION, Role, Status, transitions_from
from core.forms import error_summary, flash_errors, run_action, run_service
from funds.models import AssociationStaff, Fund
from funds.permissions import is_any_association_staff

# --- One request, as its instructing staff see it ---------------------------------------------------

# The instruction's actions on this page, in the order they are offered: their forms' classes and prefixes, and
# what is said once done. Each runs the service of the same name with the form's fields and the version seen.
ACTIONS = {
    "start_review": (
        forms.StartReviewForm,
        "instruction",
        gettext_lazy("L'instruction est commencée. Vérifiez chaque critère de la grille de recevabilité."),
    ),
    "request_completion": (
        forms.CompletionRequestForm,
        "complement",
        gettext_lazy(
            "Le complément est demandé : le porteur a reçu votre message par e-mail et peut modifier sa demande."
        ),
    ),
    "declare_eligible": (
        forms.DeclareEligibleForm,
        "recevable",
        gettext_lazy("La demande est déclarée recevable : elle peut être inscrite à l'ordre du jour d'un comité."),
    ),
    "declare_ineligible": (
        forms.DeclareIneligibleForm,
        "non-recevable",
        gettext_lazy("La demande est déclarée non recevable : le porteur a reçu le motif par e-mail."),
    ),
}
NOTE_PREFIX = "note"


def _get_criterion(application: Application, criterion_pk: int) -> EligibilityCriterion:
    """A criterion of the request's own fund (404 otherwise)."""
    return get_object_or_404(EligibilityCriterion, pk=criterion_pk, fund_id=application.fund_id)


def _page_url(application: Application, anchor: str = "") -> str:
    url = reverse("staff:application", kwargs={"pk": application.pk})
    return f"{url}#{anchor}" if anchor else url


def _check_form(
    criterion: EligibilityCriterion, check, data=None, *, version: int | None = None
) -> forms.CriterionCheckForm:
    initial = {"met": forms.met_to_choice(check.met), "comment": check.comment} if check is not None else {}
    initial["version"] = version
    return forms.CriterionCheckForm(data, prefix=f"critere-{criterion.pk}", criterion=criterion, initial=initial)


GRID = "grille"
INVITE_PREFIX = "invitation"
MESSAGE_PREFIX = "message"


def _render_page(request, application: Application, *, bound: dict | None = None):
    """The one staff page of a request: timeline, messages, the eligibility grid (one form, pre-filled with what
    the portal already knows), the actions, and where to go next. `bound` holds the posted form that was refused,
    by action slug, "note", "grille", "invitation", "message" or criterion id."""
    bound = bound or {}
    detail = selectors.application_detail(application=application)
    thread = detail.pop("messages")
    instruction = selectors.instruction_detail(application=application)
    grid_editable = application.status in IN_INSTRUCTION
    for row in instruction["checklist"]:
        row["form"] = None
    grid_form = None
    automatic = {}
    if grid_editable and instruction["checklist"]:
        automatic = selectors.automatic_checks(
            application=application,
            lines=[*detail["expenses"], *detail["resources"]],
            attachments=detail["attachments"],
        )
        grid_form = bound.get(GRID) or forms.GridForm(
            rows=instruction["checklist"], automatic=automatic, initial={"version": application.version}
        )
    possible = {transition.slug for transition in transitions_from(application.status, Role.STAFF)}
    actions = {
        slug: bound.get(slug) or form_class(prefix=prefix, initial={"version": application.version})
        for slug, (form_class, prefix, _success) in ACTIONS.items()
        if slug in possible
    }
    note_form = bound.get(NOTE_PREFIX) or forms.StaffNoteForm(prefix=NOTE_PREFIX)
    invite_form = None
    if application.is_on_behalf_pending:
        invite_form = bound.get(INVITE_PREFIX) or forms.InviteHolderForm(
            prefix=INVITE_PREFIX, initial={"version": application.version, "holder_email": application.holder_email}
        )
    can_message = permissions.can_post_message(request.user, application)
    context = {
        **detail,
        **instruction,
        "thread": thread,
        "thread_count": len(thread),
        "deferral": deferrals.deferral_changes(application),
        "may_go_on_agenda": application.status in AGENDA_SOURCES,
        "events": selectors.staff_timeline(
            timeline=detail["timeline"], messages=thread, attachments=detail["attachments"]
        ),
        "actions": actions,
        "grid_editable": grid_editable,
        "grid_form": grid_form,
        "automatic": automatic,
        "note_form": note_form,
        "invite_form": invite_form,
        "message_form": (bound.get(MESSAGE_PREFIX) or forms.MessageForm(prefix=MESSAGE_PREFIX))
        if can_message
        else None,
        "on_behalf_label": services.on_behalf_label(application) if application.filed_on_behalf_by_id else "",
        "next_links": next_steps.links_for(application),
        "error_summary": error_summary(*bound.values()),
        **_instructor_context(request.user, application),
    }
    return render(request, "applications/staff/application.html", context)


def _post_on_page(request, application: Application, *, form, key, service, success: str, anchor: str = ""):
    """The page's forms share one ending: on success, say so and go back to the page (at `anchor`); otherwise
    the page again with the refused form (`bound[key]`) and its errors."""
    if run_service(form, service).done:
        messages.success(request, success)
        return redirect(_page_url(application, anchor))
    return _render_page(request, application, bound={key: form})


def _instructor_context(user, application: Application) -> dict:
    """Who instructs the request, and the form to change it."""
    instructor = application.instructor if application.instructor_id else None
    return {
        "instructor_form": forms.InstructorForm(user=user, initial={"instructeur": application.instructor_id}),
        "instructor_name": (instructor.get_full_name() or instructor.email) if instructor else "",
    }


@login_required
def application_page(request, pk: int):
    application = get_instructed_for_user(request.user, pk)
    return _render_page(request, application)


def _act(request, pk: int, slug: str):
    """Run one instruction action from its form; on refusal, the page again with the form's errors."""
    application = get_instructed_for_user(request.user, pk)
    form_class, prefix, success = ACTIONS[slug]
    form = form_class(request.POST, prefix=prefix)

    def run(data: dict):
        fields = {name: value for name, value in data.items() if name != "version"}
        service = getattr(services, slug)
        return service(user=request.user, application=application, expected_version=form.seen_version(), **fields)

    return _post_on_page(request, application, form=form, key=slug, service=run, success=str(success))


def _instruction_action(slug: str):
    """The view of one instruction action of `ACTIONS` (POST only)."""

    @login_required
    @require_POST
    def view(request, pk: int):
        return _act(request, pk, slug)

    view.__name__ = view.__qualname__ = slug
    return view


start_review = _instruction_action("start_review")
request_completion = _instruction_action("request_completion")
declare_eligible = _instruction_action("declare_eligible")
declare_ineligible = _instruction_action("declare_ineligible")


@login_required
@require_POST
def record_check(request, pk: int, criterion_pk: int):
    application = get_instructed_for_user(request.user, pk)
    criterion = _get_criterion(application, criterion_pk)
    form = _check_form(criterion, None, request.POST)
    return _post_on_page(
        request,
        application,
        form=form,
        key=criterion.pk,
        service=lambda data: services.record_criterion_check(
            user=request.user,
            application=application,
            criterion=criterion,
            met=data["met"],
            comment=data["comment"],
            expected_version=form.seen_version(),
        ),
        success=_("Critère « %(label)s » enregistré.") % {"label": criterion.label},
        anchor=f"critere-{criterion.pk}",
    )


@login_required
@require_POST
def add_note(request, pk: int):
    application = get_instructed_for_user(request.user, pk)
    return _post_on_page(
        request,
        application,
        form=forms.StaffNoteForm(request.POST, prefix=NOTE_PREFIX),
        key=NOTE_PREFIX,
        service=lambda data: services.add_staff_note(user=request.user, application=application, body=data["body"]),
        success=_("Note interne enregistrée. Le porteur ne la voit pas."),
        anchor="notes",
    )


@login_required
@require_POST
def default_criteria(request, pk: int):
    """Give the request's fund the default eligibility grid (when it has none)."""
    application = get_instructed_for_user(request.user, pk)
    services.ensure_default_criteria(fund=application.fund, user=request.user)
    messages.success(
        request,
        _("La grille de recevabilité par défaut est créée pour le fonds « %(fund)s ».") % {"fund": application.fund},
    )
    return redirect(_page_url(application, "grille"))


@login_required
@require_POST
def assign_instructor(request, pk: int):
    """Who instructs this request (the staff page's small form, or its "Me l'attribuer" button)."""
    application = get_instructed_for_user(request.user, pk)
    form = forms.InstructorForm(request.POST, user=request.user)
    if not form.is_valid():
        flash_errors(request, ValidationError(form.errors))
        return redirect(_page_url(application, "instructeur"))
    instructor = form.cleaned_data["instructeur"]
    if instructor is None:
        success = _("Plus personne n'est désigné·e pour instruire cette demande.")
    elif instructor == request.user:
        success = _("Cette demande vous est attribuée : elle apparaît dans « Mes dossiers ».")
    else:
        success = _("Cette demande est attribuée à %(name)s.") % {
            "name": instructor.get_full_name() or instructor.email
        }
    run_action(
        request,
        lambda: services.assign_instructor(user=request.user, applications=[application], instructor=instructor),
        success=success,
    )
    return redirect(_page_url(application, "instructeur"))


@login_required
@require_POST
def record_grid(request, pk: int):
    """The whole eligibility grid, saved in one click."""
    application = get_instructed_for_user(request.user, pk)
    instruction = selectors.instruction_detail(application=application)
    form = forms.GridForm(request.POST, rows=instruction["checklist"])
    return _post_on_page(
        request,
        application,
        form=form,
        key=GRID,
        service=lambda data: services.record_grid(
            user=request.user, application=application, answers=form.answers(), expected_version=form.seen_version()
        ),
        success=_("Grille de recevabilité enregistrée."),
        anchor="grille",
    )


@login_required
@require_POST
def post_staff_message(request, pk: int):
    """A message to the holder, from the staff page (the same thread as the holder's page)."""
    application = get_instructed_for_user(request.user, pk)
    if not permissions.can_post_message(request.user, application):
        raise PermissionDenied
    return _post_on_page(
        request,
        application,
        form=forms.MessageForm(request.POST, prefix=MESSAGE_PREFIX),
        key=MESSAGE_PREFIX,
        service=lambda data: services.post_message(user=request.user, application=application, body=data["body"]),
        success=_("Votre message est envoyé au porteur."),
        anchor="messages",
    )


# --- Filing on behalf of a resident ---------------------------------------------------------------------


def _managed_funds(user):
    """The funds whose association the user works for (the administrator: all), newest year first."""
    if not is_any_association_staff(user):
        raise PermissionDenied
    funds = Fund.objects.select_related("association").order_by("-year", "name")
    if user.is_superuser:
        return funds
    return funds.filter(association__in=AssociationStaff.objects.filter(user=user).values("association"))


@login_required
def start_on_behalf(request):
    """Staff open a request for a holder without an account (or with little digital practice)."""
    funds = _managed_funds(request.user)
    form = forms.StartOnBehalfForm(request.POST if request.method == "POST" else None, funds=funds)
    if request.method == "POST":
        done, application = run_service(
            form,
            lambda data: services.start_draft_on_behalf(
                user=request.user,
                fund=data["fund"],
                holder_email=data["holder_email"],
                late_entry_reason=data["late_entry_reason"],
            ),
        )
        if done:
            messages.success(
                request,
                _(
                    "Le brouillon est créé pour le compte du porteur. Remplissez les étapes avec lui, notez son accord "
                    "(formulaire papier signé), puis déposez la demande."
                ),
            )
            return redirect(step_url(application, Application.Step.HOLDER))
    return render(
        request,
        "applications/staff/start_on_behalf.html",
        {"form": form, "error_summary": error_summary(form)},
    )


@login_required
def holder_agreement(request, pk: int):
    """The holder's agreement to the request filed for them: date, how, the signed paper form."""
    application = get_application_for_user(request.user, pk, may=permissions.files_on_behalf)
    if application.status != Status.DRAFT:
        messages.info(request, _("La demande est déposée : l'accord du porteur est déjà enregistré."))
        return redirect(_page_url(application))
    initial = {
        "version": application.version,
        "agreed_on": application.holder_agreed_on,
        "method": application.holder_agreement_method or Application.AgreementMethod.PAPER_FORM,
        "holder_email": application.holder_email,
    }
    posted = request.method == "POST"
    form = forms.HolderAgreementForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if (
        posted
        and run_service(
            form,
            lambda data: services.record_holder_agreement(
                user=request.user,
                application=application,
                agreed_on=data["agreed_on"],
                method=data["method"],
                holder_email=data["holder_email"],
                signed_form=data["signed_form"],
                expected_version=form.seen_version(),
            ),
        ).done
    ):
        messages.success(
            request, _("L'accord du porteur est enregistré. Vérifiez le récapitulatif, puis déposez la demande.")
        )
        return redirect(step_url(application, Application.Step.SUMMARY))
    signed_forms = [a for a in application.attachments.all() if a.kind == Attachment.Kind.SIGNED_FORM]
    return render(
        request,
        "applications/staff/holder_agreement.html",
        {
            "application": application,
            "form": form,
            "signed_forms": signed_forms,
            "error_summary": error_summary(form),
            "summary_url": step_url(application, Application.Step.SUMMARY),
        },
    )


@login_required
@require_POST
def invite_holder(request, pk: int):
    """E-mail the holder the link to take the request over with their own account."""
    application = get_instructed_for_user(request.user, pk)
    form = forms.InviteHolderForm(request.POST, prefix=INVITE_PREFIX)
    if run_service(
        form,
        lambda data: services.invite_holder_to_take_over(
            user=request.user,
            application=application,
            holder_email=data["holder_email"],
            expected_version=form.seen_version(),
        ),
    ).done:
        messages.success(
            request,
            _("L'invitation est envoyée à %(email)s : le porteur reprendra la demande avec son compte.")
            % {"email": application.holder_email},
        )
        return redirect(_page_url(application, "pour-le-compte"))
    return _render_page(request, application, bound={INVITE_PREFIX: form})
