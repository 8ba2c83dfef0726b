"""Bilan pages.

- The holder fills the bilan section by section (each section saves a draft), then files it.
- The carrier association's staff follow expected, late and received bilans, accept them or send them
  back with a comment, and close the request.
- Co-funders' staff read filed bilans and download their PDF.

Views stay thin: one access helper per object (404 for anyone else), forms for input, services for
every change (a ValidationError from a service becomes form errors, never a 500), selectors for reads.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.workflow import Status
from funds.models import Fund
from funds.permissions import is_any_association_staff
from reports import forms, permissions, selectors, services
from reports.models import Bilan, BilanAttachment, BilanStatus, CvsBilan
from reports.pdf import render_cvs_bilan_pdf, render_pic_bilan_pdf

STAFF_BILANS_PAGE_SIZE = 50  # rows per page of the staff's list of bilans

PIC_SECTIONS = [
    ("action", gettext_lazy("L'action")),
    ("appreciation", gettext_lazy("Votre appréciation")),
    ("depenses", gettext_lazy("Dépenses")),
    ("effets", gettext_lazy("Effets observés")),
    ("pieces", gettext_lazy("Justificatifs et photos")),
    ("envoi", gettext_lazy("Récapitulatif et dépôt")),
]
CVS_SECTIONS = [
    ("identite", gettext_lazy("Fiche d'identité")),
    ("avancement", gettext_lazy("Avancement et objectifs")),
    ("partenaires", gettext_lazy("Coordination et partenaires")),
    ("appreciation", gettext_lazy("Appréciation et SWOT")),
    ("budget", gettext_lazy("Budget")),
    ("envoi", gettext_lazy("Récapitulatif et dépôt")),
]

# The section where each kind of submission error is fixed.
PIC_ERROR_SECTIONS = {
    **dict.fromkeys(forms.PicActionForm.Meta.fields, "action"),
    **dict.fromkeys(forms.PicAppraisalForm.Meta.fields, "appreciation"),
    "expenses": "depenses",
    "attachments": "pieces",
}
CVS_ERROR_SECTIONS = {
    **dict.fromkeys(forms.CvsIdentityForm.Meta.fields, "identite"),
    **dict.fromkeys((*forms.CvsProgressForm.Meta.fields, "objectives"), "avancement"),
    **dict.fromkeys((*forms.CvsCoordinationForm.Meta.fields, "partners"), "partenaires"),
    **dict.fromkeys(forms.CvsAppraisalForm.Meta.fields, "appreciation"),
    "budget": "budget",
}


# --- Access helpers ---------------------------------------------------------------------------------------


def _get_bilan(request, pk: int, *, may=permissions.can_view_bilan) -> tuple[Application, Bilan | CvsBilan | None]:
    """The one access helper for a request's bilan: 404 for whoever `may(user, application, bilan)` refuses."""
    application = get_object_or_404(
        Application.objects.select_related("fund__association", "holder", "created_by", "theme"), pk=pk
    )
    bilan = selectors.bilan_of(application)
    if bilan is not None:
        bilan.application = application
    if not may(request.user, application, bilan):
        raise Http404
    return application, bilan


def _may_own(user, application: Application, bilan) -> bool:
    return permissions.is_holder(user, application)


def _may_review(user, application: Application, bilan) -> bool:
    # The reviewers reach the actions; the services refuse, with the reason, one linked to the holder.
    return permissions.is_reviewer(user, application) and permissions.can_view_bilan(user, application, bilan)


def _get_attachment(
    request, pk: int, attachment_pk: int, *, may=permissions.can_download_bilan_attachment
) -> BilanAttachment:
    """The one access helper for a receipt or photo: it must belong to request `pk`'s bilan, and `may` allow it."""
    attachment = get_object_or_404(
        BilanAttachment.objects.select_related("bilan__application__fund__association"),
        pk=attachment_pk,
        bilan__application_id=pk,
    )
    if not may(request.user, attachment):
        raise Http404
    return attachment


def _may_delete_attachment(user, attachment: BilanAttachment) -> bool:
    return permissions.is_holder(user, attachment.bilan.application)


# --- Helpers ----------------------------------------------------------------------------------------------


def _bilan_url(application: Application) -> str:
    return reverse("reports:bilan", kwargs={"pk": application.pk})


def _section_url(application: Application, section: str) -> str:
    return reverse("reports:bilan_section", kwargs={"pk": application.pk, "section": section})


def _sections(application: Application) -> list[tuple[str, str]]:
    return CVS_SECTIONS if selectors.uses_cvs_bilan(application) else PIC_SECTIONS


def _apply_errors(form, error: ValidationError) -> None:
    forms.add_errors(form, error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages})


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


def _error_summary(*all_forms) -> list[dict]:
    """Every error of the page, for the summary at its top: a link to the field and the message."""
    summary = []
    for form in all_forms:
        if form is None:
            continue
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            anchor = form[name].id_for_label if field is not None else ""
            label = field.label if field is not None else ""
            summary.extend({"anchor": anchor, "label": label, "message": message} for message in errors)
    return summary


def _after_save(request, application: Application, section: str):
    """Where the buttons lead once a section is saved: previous, next, the same section, or the bilan page."""
    slugs = [slug for slug, _label in _sections(application)]
    index = slugs.index(section)
    action = request.POST.get("action", "next")
    if action == "quit":
        messages.success(
            request, _("Votre bilan est enregistré. Reprenez-le quand vous voulez, il n'est pas encore déposé.")
        )
        return redirect(_bilan_url(application))
    if action == "previous" and index > 0:
        return redirect(_section_url(application, slugs[index - 1]))
    if action == "stay":
        messages.success(request, _("Enregistré."))
        return redirect(_section_url(application, section))
    return redirect(_section_url(application, slugs[min(index + 1, len(slugs) - 1)]))


def _render_section(request, application, bilan, section: str, template: str, context: dict, error_summary=None):
    sections = _sections(application)
    slugs = [slug for slug, _label in sections]
    index = slugs.index(section)
    context = {
        "application": application,
        "bilan": bilan,
        "section": section,
        "section_label": dict(sections)[section],
        "section_number": index + 1,
        "section_count": len(sections),
        "sections": [{"slug": s, "label": label, "url": _section_url(application, s)} for s, label in sections],
        "previous_section": slugs[index - 1] if index else None,
        "error_summary": error_summary or [],
        **context,
    }
    return render(request, f"reports/{template}", context)


# --- The bilan page ---------------------------------------------------------------------------------------


def _closable(application: Application, bilan) -> bool:
    if bilan is None or bilan.status != BilanStatus.ACCEPTED:
        return False
    if application.status == Status.BALANCE_PAID:
        return True
    return application.status == Status.BILAN_RECEIVED and selectors.balance_due(application) <= 0


@login_required
def bilan_page(request, pk: int, *, return_form=None, status: int = 200):
    application, bilan = _get_bilan(request, pk)
    user = request.user
    is_holder = permissions.is_holder(user, application)
    is_reviewer = permissions.can_review_bilan(user, application)
    cvs = selectors.uses_cvs_bilan(application)
    detail = {}
    if bilan is not None:
        detail = selectors.cvs_bilan_detail(bilan=bilan) if cvs else selectors.pic_bilan_detail(bilan=bilan)
    to_review = (
        bilan is not None and bilan.status == BilanStatus.SUBMITTED and application.status == Status.BILAN_RECEIVED
    )
    context = {
        **detail,
        "application": application,
        "bilan": bilan,
        "cvs": cvs,
        "is_holder": is_holder,
        "is_reviewer": is_reviewer,
        "due_date": selectors.bilan_due_date(application),
        "can_start": is_holder and bilan is None and application.status in selectors.OWING_STATUSES,
        "can_edit": is_holder
        and bilan is not None
        and bilan.is_editable
        and application.status in selectors.OWING_STATUSES,
        "sections": [
            {"slug": s, "label": label, "url": _section_url(application, s)} for s, label in _sections(application)
        ],
        "can_download": is_holder or is_reviewer,
        "can_review": is_reviewer and to_review,
        "can_close": is_reviewer and _closable(application, bilan),
        "balance_due": selectors.balance_due(application) if is_reviewer and bilan is not None else None,
        "return_form": return_form or forms.ReturnForm(),
    }
    return render(request, "reports/bilan.html", context, status=status)


@login_required
@require_POST
def start_bilan(request, pk: int):
    application, bilan = _get_bilan(request, pk, may=_may_own)
    try:
        if selectors.uses_cvs_bilan(application):
            services.start_cvs_bilan(user=request.user, application=application)
        else:
            services.start_bilan(user=request.user, application=application)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
        return redirect(_bilan_url(application))
    messages.success(
        request, _("Votre bilan est commencé. Il est enregistré à chaque section : remplissez-le à votre rythme.")
    )
    return redirect(_section_url(application, _sections(application)[0][0]))


@login_required
def bilan_section(request, pk: int, section: str):
    application, bilan = _get_bilan(request, pk, may=_may_own)
    if bilan is None:
        return redirect(_bilan_url(application))
    section_views = CVS_SECTION_VIEWS if isinstance(bilan, CvsBilan) else PIC_SECTION_VIEWS
    if section not in section_views:
        raise Http404
    if not bilan.is_editable or application.status not in selectors.OWING_STATUSES:
        messages.info(request, _("Ce bilan est déposé : il ne peut plus être modifié, sauf s'il vous est renvoyé."))
        return redirect(_bilan_url(application))
    return section_views[section](request, application, bilan, section)


def _model_section(form_class, save, template: str = "section_form.html"):
    """A section whose fields are the bilan's own: the form works on a copy, the service saves."""

    def view(request, application, bilan, section: str):
        data = request.POST if request.method == "POST" else None
        form = form_class(data, instance=copy.copy(bilan))
        if data is not None and form.is_valid():
            try:
                save(user=request.user, bilan=bilan, data=form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return _after_save(request, application, section)
        return _render_section(request, application, bilan, section, template, {"form": form}, _error_summary(form))

    return view


def _expenses_section(request, application, bilan: Bilan, section: str):
    data = request.POST if request.method == "POST" else None
    initial = [
        {
            "category": e.category,
            "label": e.label,
            "planned_amount": e.planned_amount,
            "actual_amount": e.actual_amount,
        }
        for e in bilan.expenses.all()
    ]
    formset = forms.ExpenseFormSet(data, initial=initial, prefix="depenses")
    page_errors: list[str] = []
    if data is not None and formset.is_valid():
        try:
            services.save_bilan_expenses(user=request.user, bilan=bilan, lines=forms.expense_lines(formset))
        except ValidationError as error:
            page_errors = _messages_of(error)
        else:
            return _after_save(request, application, section)
    summary = _error_summary(*formset.forms) if data is not None else []
    summary += [{"anchor": "", "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    return _render_section(
        request,
        application,
        bilan,
        section,
        "section_expenses.html",
        {"formset": formset, "money": selectors.bilan_money(bilan=bilan)},
        summary,
    )


def _effects_section(request, application, bilan: Bilan, section: str):
    data = request.POST if request.method == "POST" else None
    grid = forms.EffectsGrid(data, observations=list(bilan.effects.prefetch_related("changes")))
    if data is not None and grid.is_valid():
        try:
            services.set_effects(user=request.user, bilan=bilan, observations=grid.observations())
        except ValidationError as error:
            grid.add_errors(error.message_dict if hasattr(error, "error_dict") else {"effects": error.messages})
        else:
            return _after_save(request, application, section)
    summary = []
    if data is not None:
        for form in grid.forms:
            summary.extend(
                {"anchor": f"effet-{form.effect}", "label": form.label, "message": message}
                for messages_ in form.errors.values()
                for message in messages_
            )
    return _render_section(request, application, bilan, section, "section_effects.html", {"grid": grid}, summary)


def _attachments_section(request, application, bilan: Bilan, section: str):
    posted = request.method == "POST"
    form = forms.BilanAttachmentForm(
        request.POST if posted else None, request.FILES if posted else None, prefix="piece"
    )
    action = request.POST.get("action", "next")
    if posted:
        if action != "upload" and not request.FILES:
            return _after_save(request, application, section)
        if form.is_valid():
            try:
                attachment = services.add_bilan_attachment(
                    user=request.user,
                    bilan=bilan,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                    public_consent=form.cleaned_data["public_consent"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("« %(name)s » est ajouté au bilan.") % {"name": attachment.original_name})
                if action == "upload":
                    return redirect(_section_url(application, section))
                return _after_save(request, application, section)
    attachments = list(bilan.attachments.all())
    return _render_section(
        request,
        application,
        bilan,
        section,
        "section_attachments.html",
        {"form": form, "attachments": attachments},
        _error_summary(form),
    )


def _summary_section(request, application, bilan, section: str):
    cvs = isinstance(bilan, CvsBilan)
    form = forms.SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if cvs:
                services.submit_cvs_bilan(user=request.user, bilan=bilan)
            else:
                services.submit_bilan(user=request.user, bilan=bilan)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Votre bilan est déposé. L'association porteuse va l'étudier ; vous recevrez un e-mail de sa part."),
            )
            return redirect(_bilan_url(application))
    if cvs:
        missing, where = services.cvs_submission_errors(bilan=bilan), CVS_ERROR_SECTIONS
        detail = selectors.cvs_bilan_detail(bilan=bilan)
    else:
        missing, where = services.pic_submission_errors(bilan=bilan), PIC_ERROR_SECTIONS
        detail = selectors.pic_bilan_detail(bilan=bilan)
    labels = dict(_sections(application))
    to_fix: dict[str, dict] = {}
    for key, messages_ in missing.items():
        slug = where.get(key, "envoi")
        entry = to_fix.setdefault(slug, {"label": labels[slug], "url": _section_url(application, slug), "messages": []})
        entry["messages"].extend(messages_)
    order = [slug for slug, _label in _sections(application)]
    return _render_section(
        request,
        application,
        bilan,
        section,
        "section_summary.html",
        {
            **detail,
            "cvs": cvs,
            "can_download": True,
            "form": form,
            "to_fix": [to_fix[slug] for slug in order if slug in to_fix],
        },
        _error_summary(form),
    )


def _cvs_progress_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    form = forms.CvsProgressForm(data, instance=copy.copy(bilan))
    initial = [
        {"objective": o.objective, "indicators": o.indicators, "result": o.result, "comments": o.comments}
        for o in bilan.objectives.all()
    ]
    formset = forms.ObjectiveFormSet(data, initial=initial, prefix="objectifs")
    page_errors: list[str] = []
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.save_cvs_objectives(user=request.user, bilan=bilan, objectives=forms.objective_rows(formset))
            services.save_cvs_bilan(user=request.user, bilan=bilan, data=form.cleaned_data)
        except ValidationError as error:
            page_errors = _messages_of(error)
        else:
            return _after_save(request, application, section)
    summary = _error_summary(form, *formset.forms) if data is not None else []
    summary += [{"anchor": "objectifs", "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    return _render_section(
        request, application, bilan, section, "cvs_section_progress.html", {"form": form, "formset": formset}, summary
    )


def _cvs_partners_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    form = forms.CvsCoordinationForm(data, instance=copy.copy(bilan))
    formset = forms.PartnerFormSet(data, initial=forms.partner_initial(bilan.partners.all()), prefix="partenaires")
    page_errors: list[str] = []
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.save_cvs_partners(user=request.user, bilan=bilan, partners=forms.partner_rows(formset))
            services.save_cvs_bilan(user=request.user, bilan=bilan, data=form.cleaned_data)
        except ValidationError as error:
            page_errors = _messages_of(error)
        else:
            return _after_save(request, application, section)
    summary = _error_summary(form, *formset.forms) if data is not None else []
    summary += [{"anchor": "", "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    return _render_section(
        request, application, bilan, section, "cvs_section_partners.html", {"form": form, "formset": formset}, summary
    )


def _cvs_budget_section(request, application, bilan: CvsBilan, section: str):
    data = request.POST if request.method == "POST" else None
    formset = forms.CvsBudgetFormSet(data, initial=forms.budget_initial(bilan.budget_lines.all()), prefix="budget")
    page_errors: list[str] = []
    if data is not None and formset.is_valid():
        try:
            services.save_cvs_budget(user=request.user, bilan=bilan, lines=forms.budget_rows(formset))
        except ValidationError as error:
            page_errors = _messages_of(error)
        else:
            return _after_save(request, application, section)
    summary = _error_summary(*formset.forms) if data is not None else []
    summary += [{"anchor": "", "label": "", "message": m} for m in [*formset.non_form_errors(), *page_errors]]
    return _render_section(
        request,
        application,
        bilan,
        section,
        "cvs_section_budget.html",
        {"formset": formset, "totals": selectors.cvs_budget_totals(bilan=bilan)},
        summary,
    )


PIC_SECTION_VIEWS = {
    "action": _model_section(forms.PicActionForm, services.save_bilan, "section_action.html"),
    "appreciation": _model_section(forms.PicAppraisalForm, services.save_bilan),
    "depenses": _expenses_section,
    "effets": _effects_section,
    "pieces": _attachments_section,
    "envoi": _summary_section,
}
CVS_SECTION_VIEWS = {
    "identite": _model_section(forms.CvsIdentityForm, services.save_cvs_bilan, "cvs_section_identity.html"),
    "avancement": _cvs_progress_section,
    "partenaires": _cvs_partners_section,
    "appreciation": _model_section(forms.CvsAppraisalForm, services.save_cvs_bilan),
    "budget": _cvs_budget_section,
    "envoi": _summary_section,
}


# --- PDF and documents ------------------------------------------------------------------------------------


@login_required
def bilan_pdf(request, pk: int):
    """The bilan as a PDF: the holder, the association's staff and the co-funders' staff (read-only)."""
    application, bilan = _get_bilan(request, pk)
    if bilan is None:
        raise Http404
    render_pdf = render_cvs_bilan_pdf if isinstance(bilan, CvsBilan) else render_pic_bilan_pdf
    content = render_pdf(bilan=bilan)
    response = HttpResponse(content, content_type="application/pdf")
    reference = application.reference or f"brouillon-{application.pk}"
    response["Content-Disposition"] = f'inline; filename="bilan-{reference}.pdf"'
    return response


@login_required
def download_attachment(request, pk: int, attachment_pk: int):
    attachment = _get_attachment(request, pk, attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def delete_attachment(request, pk: int, attachment_pk: int):
    attachment = _get_attachment(request, pk, attachment_pk, may=_may_delete_attachment)
    application = attachment.bilan.application
    try:
        services.delete_bilan_attachment(user=request.user, attachment=attachment)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(request, _("« %(name)s » est retiré du bilan.") % {"name": attachment.original_name})
    return redirect(_section_url(application, "pieces"))


# --- Review by the association's staff --------------------------------------------------------------------


@login_required
@require_POST
def accept_bilan(request, pk: int):
    application, bilan = _get_bilan(request, pk, may=_may_review)
    try:
        services.accept_bilan(user=request.user, bilan=bilan)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Le bilan est accepté et le porteur prévenu. Versez le solde s'il en reste un, puis clôturez "
                "la demande."
            ),
        )
    return redirect(_bilan_url(application))


@login_required
@require_POST
def return_bilan(request, pk: int):
    application, bilan = _get_bilan(request, pk, may=_may_review)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_bilan(user=request.user, bilan=bilan, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Le bilan est renvoyé au porteur, avec votre commentaire, par e-mail."))
            return redirect(_bilan_url(application))
    return bilan_view_with_errors(request, pk, form)


def bilan_view_with_errors(request, pk: int, form):
    return bilan_page(request, pk, return_form=form, status=400)


@login_required
@require_POST
def close_application(request, pk: int):
    application, bilan = _get_bilan(request, pk, may=_may_review)
    try:
        services.close_after_bilan(user=request.user, application=application)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        messages.success(request, _("La demande est clôturée."))
    return redirect(_bilan_url(application))


# --- Lists ------------------------------------------------------------------------------------------------


@login_required
def staff_bilans(request):
    """Expected, late, received and accepted bilans of the funds the user's association runs."""
    if not is_any_association_staff(request.user):
        raise Http404
    funds = list(Fund.objects.managed_by(request.user).select_related("association"))
    fund = None
    if request.GET.get("fonds"):
        fund = next((f for f in funds if f.slug == request.GET["fonds"]), None)
        if fund is None:
            raise Http404
    state = request.GET.get("etat", "")
    rows = selectors.bilans_for_staff(user=request.user, today=timezone.localdate(), fund=fund)
    counts = dict.fromkeys(selectors.TrackingState.values, 0)
    for row in rows:
        counts[row.state] += 1
    if state in selectors.TrackingState.values:
        rows = [row for row in rows if row.state == state]
    # Late ones first (the selector's order): the first page is the one to act on.
    page = Paginator(rows, STAFF_BILANS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/staff_bilans.html",
        {
            "rows": rows,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "funds": funds,
            "fund": fund,
            "state": state,
            "states": [(value, label, counts[value]) for value, label in selectors.TrackingState.choices],
        },
    )


@login_required
def my_bilans(request):
    """The holder's granted requests and where their bilans stand."""
    rows = selectors.bilans_for_holder(user=request.user, today=timezone.localdate())
    return render(request, "reports/my_bilans.html", {"rows": rows})
