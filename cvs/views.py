"""The CVS call's pages: start, the request in steps, its page (instruction, opinions, programming), the fund."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import forms as request_forms
from applications import services as request_services
from applications.models import Application
from applications.views.common import start_page
from applications.workflow import IN_INSTRUCTION, Status
from core.forms import error_summary, run_service
from cvs import access, forms, permissions, rules, selectors, services
from funds.models import Fund, FundCoFunder


def detail_url(application) -> str:
    return reverse("cvs:detail", args=[application.pk])


def step_url(application, step: str) -> str:
    return reverse("cvs:step", args=[application.pk, step])


@login_required
def start(request, fund_slug: str):
    """GET: what the call asks for; POST: a new CVS draft, then its first step."""
    fund = get_object_or_404(
        Fund.objects.select_related("association"), slug=fund_slug, is_published=True, scheme=Fund.Scheme.CVS
    )
    return start_page(
        request,
        fund,
        start=lambda: services.start_cvs_draft(user=request.user, fund=fund),
        success=_("Votre brouillon est créé. Il est enregistré à chaque étape."),
        first_step=lambda application: step_url(application, "structure"),
        template="cvs/start.html",
    )


def _step_form(request, application, step: str):
    cvs = application.cvs_request
    data = request.POST if request.method == "POST" else None
    if step == "structure":
        holder = application.holder
        initial = {field: getattr(cvs, field) for field in services.STRUCTURE_FIELDS}
        if holder is not None:
            initial.update({field: getattr(holder, field) for field in services.HOLDER_FIELDS})
            initial["republican_commitment"] = holder.republican_commitment_accepted_at is not None
        return forms.StructureForm(data, initial=initial)
    if step == "projet":
        initial = {field: getattr(cvs, field) for field in services.PROJECT_FIELDS}
        initial.update(
            title=application.title,
            description=application.description,
            neighbourhoods=list(cvs.neighbourhoods.all()),
            ambitions=list(cvs.ambitions.all()),
        )
        return forms.ProjectForm(
            data,
            initial=initial,
            fund=application.fund,
            previous_queryset=services.previous_requests_for(request.user, application.fund),
        )
    if step == "engagements":
        return forms.CommitmentsForm(data, initial={f: getattr(cvs, f) for f in services.COMMITMENT_FIELDS})
    return forms.SubmitForm(data)


def _budget_forms(request, application):
    data = request.POST if request.method == "POST" else None
    lines = list(application.budget_lines.all())

    def initial(side):
        return [
            {"category": line.category, "label": line.label, "amount": line.amount}
            for line in lines
            if line.side == side
        ]

    expenses = forms.BudgetLineFormSet(
        data, prefix="charges", initial=initial("expense"), form_kwargs={"side": "expense"}
    )
    resources = forms.BudgetLineFormSet(
        data, prefix="ressources", initial=initial("resource"), form_kwargs={"side": "resource"}
    )
    funders = [
        link.funder
        for link in FundCoFunder.objects.filter(fund_id=application.fund_id)
        .select_related("funder")
        .order_by("funder__name")
    ]
    asks = {ask.funder_id: ask.amount_asked for ask in application.cvs_request.funding_asks.all()}
    ask_form = forms.FundingAskForm(
        data, funders=funders, initial={f"amount_{pk}": amount for pk, amount in asks.items()}
    )
    return expenses, resources, ask_form


def _kept_lines(formset) -> list[dict]:
    return [
        {key: form.cleaned_data[key] for key in ("category", "label", "amount")}
        for form in formset.forms
        if form.cleaned_data.get("amount") is not None and not form.cleaned_data.get("DELETE")
    ]


def _budget_step(request, application, context):
    expenses, resources, ask_form = _budget_forms(request, application)
    if request.method == "POST":
        valid = expenses.is_valid() & resources.is_valid() & ask_form.is_valid()
        if (
            valid
            and run_service(
                ask_form,
                lambda data: services.save_cvs_budget(
                    user=request.user,
                    application=application,
                    expenses=_kept_lines(expenses),
                    resources=_kept_lines(resources),
                    asks=ask_form.asks(),
                ),
            ).done
        ):
            saved = Application.objects.select_related("cvs_request").get(pk=application.pk)
            totals = rules.budget_totals(saved, saved.cvs_request)
            unbalanced = rules.balance_error(
                expenses=totals["expenses"], resources=totals["resources"], asked=totals["asked"]
            )
            if unbalanced:
                messages.warning(
                    request, _("Le budget est enregistré, mais pas encore prêt : %(why)s") % {"why": unbalanced}
                )
                return redirect(step_url(application, "budget"))
            messages.success(request, _("Le budget est enregistré et équilibré."))
            return redirect(step_url(application, "pieces"))
    summary = error_summary(
        *[(form, _("Charge %(n)s") % {"n": i + 1}) for i, form in enumerate(expenses.forms)],
        *[(form, _("Ressource %(n)s") % {"n": i + 1}) for i, form in enumerate(resources.forms)],
        ask_form,
    )
    context.update(expenses=expenses, resources=resources, ask_form=ask_form, errors=summary)
    return render(request, "cvs/step_budget.html", context)


def _attachments_step(request, application, context):
    """The request's documents (RIB, statutes...): the request form's own upload, checks and storage."""
    posted = request.method == "POST"
    form = request_forms.AttachmentForm(
        request.POST if posted else None, request.FILES if posted else None, prefix="piece"
    )
    if posted:
        if request.POST.get("action") != "upload" and not form.has_file():
            return redirect(step_url(application, "recapitulatif"))
        run = run_service(
            form,
            lambda data: request_services.add_attachment(
                user=request.user, application=application, kind=data["kind"], uploaded_file=data["file"]
            ),
        )
        if run.done:
            messages.success(request, _("Document « %(name)s » ajouté.") % {"name": run.result.original_name})
            return redirect(step_url(application, "pieces"))
    context.update(
        form=form,
        errors=error_summary(form),
        attachments=list(application.attachments.all()),
        required=rules.attachment_errors(application, application.cvs_request),
    )
    return render(request, "cvs/step_attachments.html", context)


STEP_SERVICES = {
    "structure": services.save_structure,
    "projet": services.save_project,
    "engagements": services.save_commitments,
}


@login_required
def step(request, pk: int, step: str):
    """One step of the CVS request: saved on each "Enregistrer et continuer"; the last one files it."""
    if step not in selectors.STEP_SLUGS:
        raise Http404
    application = access.get_request_for_user(request.user, pk, may=permissions.is_owner)
    if not permissions.can_edit(request.user, application):
        messages.info(request, _("Cette demande est déposée : vous pouvez la consulter ici."))
        return redirect(detail_url(application))
    index = selectors.STEP_SLUGS.index(step)
    context = {
        **selectors.request_context(application),
        "steps": [
            {"slug": slug, "label": label, "url": step_url(application, slug)} for slug, label in selectors.STEPS
        ],
        "step": step,
        "step_number": index + 1,
        "step_count": len(selectors.STEPS),
        "step_label": selectors.STEPS[index][1],
        "previous_url": step_url(application, selectors.STEP_SLUGS[index - 1]) if index else "",
    }
    if step == "budget":
        return _budget_step(request, application, context)
    if step == "pieces":
        return _attachments_step(request, application, context)
    form = _step_form(request, application, step)
    if step == "recapitulatif":
        context["missing"] = rules.submission_errors(application, application.cvs_request)
        if (
            request.method == "POST"
            and run_service(
                form, lambda data: services.submit_cvs_request(user=request.user, application=application)
            ).done
        ):
            messages.success(
                request,
                _("Votre demande est déposée sous la référence %(ref)s. Un accusé de réception vous est envoyé.")
                % {"ref": application.reference},
            )
            return redirect(detail_url(application))
    elif (
        request.method == "POST"
        and run_service(
            form, lambda data: STEP_SERVICES[step](user=request.user, application=application, data=data)
        ).done
    ):
        messages.success(request, _("Cette étape est enregistrée."))
        return redirect(step_url(application, selectors.STEP_SLUGS[index + 1]))
    context.update(form=form, errors=error_summary(form))
    return render(request, f"cvs/step_{'summary' if step == 'recapitulatif' else 'form'}.html", context)


def _render_detail(request, application, **forms_):
    user = request.user
    funders = permissions.opinion_funders(user, application) if permissions.can_give_opinion(user, application) else []
    can_decide = permissions.can_decide(user, application)
    context = {
        **selectors.request_context(application),
        "is_owner": permissions.is_owner(user, application),
        "can_edit": permissions.can_edit(user, application),
        "can_withdraw": permissions.can_withdraw(user, application),
        "opinion_form": forms_.get("opinion_form") or (forms.OpinionForm(funders=funders) if funders else None),
        "eligibility_form": forms_.get("eligibility_form")
        or (forms.EligibilityForm() if can_decide and application.status in IN_INSTRUCTION else None),
        "programming_form": forms_.get("programming_form")
        or (
            forms.ProgrammingForm(asks=application.cvs_request.funding_asks.all())
            if can_decide and application.status == Status.ELIGIBLE
            else None
        ),
        "payment_form": forms_.get("payment_form")
        or (
            forms.PaymentForm(asks=application.cvs_request.funding_asks.all())
            if can_decide and application.status in services.PAYABLE
            else None
        ),
        "renewal_error": rules.renewal_error(application.cvs_request) if application.status == Status.DRAFT else "",
    }
    context["errors"] = error_summary(
        *(
            form
            for form in (
                forms_.get("opinion_form"),
                forms_.get("eligibility_form"),
                forms_.get("programming_form"),
                forms_.get("payment_form"),
            )
            if form
        )
    )
    return render(request, "cvs/detail.html", context)


@login_required
def detail(request, pk: int):
    application = access.get_request_for_user(request.user, pk)
    return _render_detail(request, application)


def _post_on_detail(request, application, *, form, name: str, service, success: str, anchor: str = ""):
    """The request page's forms share one ending: on success, say so and go back to the page (at `anchor`);
    otherwise show the page again with the form (`name` in its context) and its errors."""
    if run_service(form, service).done:
        messages.success(request, success)
        return redirect(detail_url(application) + anchor)
    return _render_detail(request, application, **{name: form})


@login_required
@require_POST
def opinion(request, pk: int):
    application = access.get_request_for_user(request.user, pk, may=permissions.can_give_opinion)
    return _post_on_detail(
        request,
        application,
        form=forms.OpinionForm(request.POST, funders=permissions.opinion_funders(request.user, application)),
        name="opinion_form",
        service=lambda data: services.give_opinion(
            user=request.user,
            application=application,
            funder_id=data["funder"],
            opinion=data["opinion"],
            comment=data["comment"],
        ),
        success=_("L'avis est enregistré."),
        anchor="#avis",
    )


@login_required
@require_POST
def eligibility(request, pk: int):
    application = access.get_request_for_user(request.user, pk, may=permissions.can_decide)
    form = forms.EligibilityForm(request.POST)

    def decide(data):
        if data["decision"] == form.COMPLETION:
            return services.ask_for_completion(user=request.user, application=application, comment=data["comment"])
        return services.decide_eligibility(
            user=request.user,
            application=application,
            eligible=data["decision"] == form.ELIGIBLE,
            comment=data["comment"],
        )

    return _post_on_detail(
        request,
        application,
        form=form,
        name="eligibility_form",
        service=decide,
        success=_("La recevabilité est enregistrée."),
    )


@login_required
@require_POST
def programming(request, pk: int):
    application = access.get_request_for_user(request.user, pk, may=permissions.can_decide)
    form = forms.ProgrammingForm(request.POST, asks=application.cvs_request.funding_asks.all())
    return _post_on_detail(
        request,
        application,
        form=form,
        name="programming_form",
        service=lambda data: services.record_programming(
            user=request.user,
            application=application,
            decided_on=data["decided_on"],
            attendees=data["attendees"],
            granted=data["granted"],
            amounts=form.amounts(),
            comment=data["comment"],
        ),
        success=_("La décision de programmation est enregistrée et le porteur est prévenu."),
    )


@login_required
@require_POST
def payment(request, pk: int):
    application = access.get_request_for_user(request.user, pk, may=permissions.can_decide)
    return _post_on_detail(
        request,
        application,
        form=forms.PaymentForm(request.POST, asks=application.cvs_request.funding_asks.all()),
        name="payment_form",
        service=lambda data: services.record_funder_payment(
            user=request.user,
            application=application,
            funder_id=data["funder"],
            amount=data["amount"],
            paid_on=data["paid_on"],
        ),
        success=_("Le versement est enregistré."),
    )


@login_required
def fund_page(request, slug: str):
    """The CVS call's follow-up: each funder's envelope, asked, programmed and paid amounts; the requests."""
    fund = access.get_cvs_fund_for_user(request.user, slug)
    return render(request, "cvs/fund.html", selectors.fund_context(fund))
