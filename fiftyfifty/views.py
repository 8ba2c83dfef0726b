"""Views of the fifty/fifty path: the access helper, a form, one service call, render or redirect."""

from django.contrib import messages as notices
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import get_or_404_for
from core.forms import error_summary, run_action, run_service
from core.public_cache import public_page
from fiftyfifty import access, forms, selectors, services
from fiftyfifty.documents import convention as convention_document
from fiftyfifty.models import Commitment, Signature
from fiftyfifty.permissions import is_town
from funds.models import CarrierAssociation
from funds.permissions import is_any_association_staff


def _form_page(request, template: str, form, **context):
    """Render a form page; a bound form with errors answers 400 with its error summary."""
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, "errors": error_summary(form), **context}, status=status)


def _project_form(request, form, service, *, project, success: str, template: str, **context):
    """A form about one project shares one ending: once the service has run, say so and go back to the project's
    page; otherwise (shown, or refused) the form page, with `project` and `context`."""
    if request.method == "POST" and run_service(form, service).done:
        notices.success(request, success)
        return redirect("fiftyfifty:project", pk=project.pk)
    return _form_page(request, template, form, project=project, **context)


# --- Public ------------------------------------------------------------------------------------------------


@public_page
def showcase(request):
    return render(request, "fiftyfifty/showcase.html", selectors.showcase(page=request.GET.get("page", 1)))


@public_page
def highlight(request, year: int):
    if not 2000 <= year <= 2100:
        raise Http404
    return render(request, "fiftyfifty/highlight.html", selectors.highlight(year=year))


# --- Residents ---------------------------------------------------------------------------------------------


@login_required
def propose(request, fund_slug: str):
    fund = access.get_open_fund(fund_slug)
    form = forms.IdeaForm(request.POST or None)
    if request.method == "POST":
        run = run_service(form, lambda data: services.propose_idea(actor=request.user, fund=fund, data=data))
        if run.done:
            notices.success(request, _("Votre idée est envoyée à la mairie : elle vous contactera pour une rencontre."))
            return redirect("fiftyfifty:project", pk=run.result.pk)
    return _form_page(request, "fiftyfifty/propose.html", form, fund=fund)


@login_required
def my_projects(request):
    return render(request, "fiftyfifty/my_projects.html", selectors.my_entries(user=request.user))


@login_required
def project(request, pk: int):
    project = access.get_project_for_user(request.user, pk)
    context = selectors.project_page(project=project, user=request.user)
    return render(request, "fiftyfifty/project.html", context)


@login_required
def convention_pdf(request, pk: int):
    project = access.get_project_for_user(request.user, pk)
    if not hasattr(project, "convention"):
        raise Http404
    response = HttpResponse(convention_document.render(project=project), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="convention-{project.convention.number}.pdf"'
    return response


@login_required
def signed_copy(request, pk: int):
    project = access.get_project_for_user(request.user, pk)
    convention = getattr(project, "convention", None)
    if convention is None or not convention.signed_copy:
        raise Http404
    return FileResponse(convention.signed_copy.open("rb"), as_attachment=True)


@login_required
def sign(request, pk: int):
    project = access.get_project_for_user(request.user, pk)
    context = selectors.project_page(project=project, user=request.user)
    if not context["may_sign"]:
        notices.error(request, _("Il n'y a rien à signer pour vous sur ce projet."))
        return redirect("fiftyfifty:project", pk=project.pk)
    initial = {"name": request.user.get_full_name()}
    form = forms.SignatureForm(request.POST or None, initial=initial)
    return _project_form(
        request,
        form,
        lambda data: services.sign_in_portal(actor=request.user, project=project, **data),
        success=_("Votre signature est enregistrée."),
        template="fiftyfifty/sign.html",
        **context,  # the project's page context, `project` included
    )


@login_required
def abandon(request, pk: int):
    project = access.get_project_for_user(request.user, pk)
    form = forms.CommentForm(request.POST or None)
    return _project_form(
        request,
        form,
        lambda data: services.abandon(actor=request.user, project=project, comment=data["comment"]),
        project=project,
        success=_("Le projet est arrêté."),
        template="fiftyfifty/abandon.html",
    )


@login_required
def declare_initiative(request, fund_slug: str):
    fund = access.get_open_fund(fund_slug)
    form = forms.InitiativeForm(request.POST or None)
    if request.method == "POST":
        run = run_service(form, lambda data: services.declare_initiative(actor=request.user, fund=fund, data=data))
        if run.done:
            notices.success(
                request,
                _("Votre initiative est enregistrée.")
                if run.result.is_showcased
                else _("Merci ! La mairie va relire votre initiative avant de la présenter au public."),
            )
            return redirect("fiftyfifty:initiative", pk=run.result.pk)
    return _form_page(request, "fiftyfifty/declare_initiative.html", form, fund=fund)


def initiative(request, pk: int):
    """An initiative's page: public once validated; its declarant and the town see it before. The town answers
    here (validate or not)."""
    initiative = access.get_initiative_for_user(request.user, pk)
    town = is_town(request.user, initiative)
    form = forms.ReviewForm(request.POST or None) if town else None
    if request.method == "POST":
        if form is None:
            raise Http404
        run = run_service(
            form,
            lambda data: services.review_initiative(
                actor=request.user, initiative=initiative, decision=data["decision"], comment=data["comment"]
            ),
        )
        if run.done:
            notices.success(request, _("Votre réponse est enregistrée."))
            return redirect("fiftyfifty:initiative", pk=initiative.pk)
    status = 400 if form is not None and form.is_bound and form.errors else 200
    context = {"initiative": initiative, "is_town": town, "form": form, "errors": error_summary(form)}
    return render(request, "fiftyfifty/initiative.html", context, status=status)


def _association(slug: str) -> CarrierAssociation:
    """A town that runs a published fifty/fifty (404 otherwise)."""
    return get_or_404_for(
        None,
        CarrierAssociation.objects.filter(funds__scheme="fifty_fifty", funds__is_published=True).distinct(),
        slug=slug,
    )


@login_required
def join_builders(request, association_slug: str):
    association = _association(association_slug)
    current = association.fifty_builders.filter(user=request.user).first()
    initial = {"name": request.user.get_full_name(), "email": request.user.email}
    form = forms.BuilderForm(request.POST or None, instance=current, initial=initial, association=association)
    if current is not None and not form.is_bound:
        form.initial["projects"] = list(current.projects.values_list("pk", flat=True))
        form.initial["initiatives"] = list(current.initiatives.values_list("pk", flat=True))
    if request.method == "POST":
        fields = ["name", "email", "phone", "wishes", "contact_consent"]
        run = run_service(
            form,
            lambda data: services.join_builders(
                actor=request.user,
                association=association,
                data={field: data[field] for field in fields},
                projects=list(data["projects"]),
                initiatives=list(data["initiatives"]),
            ),
        )
        if run.done:
            notices.success(request, _("Merci ! Vous faites partie du réseau des bâtisseurs."))
            return redirect("fiftyfifty:join_builders", association_slug=association.slug)
    return _form_page(request, "fiftyfifty/join_builders.html", form, association=association, current=current)


@login_required
@require_POST
def leave_builders(request, association_slug: str):
    association = _association(association_slug)
    run_action(
        request,
        lambda: services.leave_builders(actor=request.user, association=association),
        success=_("Vous avez quitté le réseau des bâtisseurs : vos coordonnées sont effacées."),
    )
    return redirect("fiftyfifty:join_builders", association_slug=association.slug)


# --- The town ----------------------------------------------------------------------------------------------


def _town_only(request) -> None:
    if not is_any_association_staff(request.user):
        raise Http404


@login_required
def town_desk(request):
    _town_only(request)
    context = selectors.town_desk(
        user=request.user, status=request.GET.get("etape", ""), page=request.GET.get("page", 1)
    )
    return render(request, "fiftyfifty/town_desk.html", context)


@login_required
def record_meeting(request, pk: int):
    project = access.get_project_for_town(request.user, pk)
    form = forms.MeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _project_form(
        request,
        form,
        lambda data: services.record_meeting(actor=request.user, project=project, **data),
        project=project,
        success=_("La rencontre est notée."),
        template="fiftyfifty/record_meeting.html",
    )


@login_required
def commitments(request, pk: int):
    project = access.get_project_for_town(request.user, pk)
    initial = [
        {"side": c.side, "kind": c.kind, "description": c.description, "value": c.value}
        for c in project.commitments.all()
    ] or [
        {"side": Commitment.Side.RESIDENTS, "kind": Commitment.Kind.TASKS},
        {"side": Commitment.Side.COMMUNE, "kind": Commitment.Kind.ADVICE},
    ]
    formset = forms.CommitmentFormSet(request.POST or None, initial=initial, prefix="engagement")
    if request.method == "POST" and formset.is_valid():
        rows = [
            {key: row[key] for key in ("side", "kind", "description", "value")}
            for row in formset.cleaned_data
            if row and not row.get("DELETE")
        ]
        run = run_action(
            request,
            lambda: services.save_commitments(actor=request.user, project=project, rows=rows),
            success=_("Les engagements sont enregistrés."),
        )
        if run.done:
            return redirect("fiftyfifty:project", pk=project.pk)
    status = 400 if formset.is_bound and not formset.is_valid() else 200
    errors = error_summary(*[(form, _("Engagement %d") % number) for number, form in enumerate(formset, 1)])
    context = {"project": project, "formset": formset, "errors": errors}
    return render(request, "fiftyfifty/commitments.html", context, status=status)


@login_required
def draft_convention(request, pk: int):
    project = access.get_project_for_town(request.user, pk)
    form = forms.ConventionForm(
        request.POST or None, initial={"starts_on": project.planned_start, "ends_on": project.planned_end}
    )
    return _project_form(
        request,
        form,
        lambda data: services.draft_convention(actor=request.user, project=project, **data),
        project=project,
        success=_("La convention est rédigée : chaque partie peut la signer."),
        template="fiftyfifty/draft_convention.html",
    )


@login_required
@require_POST
def reopen(request, pk: int):
    project = access.get_project_for_town(request.user, pk)
    run_action(
        request,
        lambda: services.reopen_study(actor=request.user, project=project),
        success=_("Vous pouvez revoir les engagements ; la convention sera rédigée à nouveau."),
    )
    return redirect("fiftyfifty:project", pk=project.pk)


@login_required
def paper_signature(request, pk: int):
    project = access.get_project_for_town(request.user, pk)
    form = forms.PaperSignatureForm(request.POST or None, request.FILES or None)
    return _project_form(
        request,
        form,
        lambda data: services.record_paper_signatures(
            actor=request.user,
            project=project,
            signed_on=data["signed_on"],
            signed_copy=data["signed_copy"],
            parties={
                Signature.Party.RESIDENTS: (data["residents_name"], data["residents_role"]),
                Signature.Party.COMMUNE: (data["commune_name"], data["commune_role"]),
            },
        ),
        project=project,
        success=_("La signature sur papier est enregistrée et l'exemplaire signé conservé."),
        template="fiftyfifty/paper_signature.html",
    )


@login_required
def carry_out(request, pk: int):
    project = access.get_project_for_town(request.user, pk)
    form = forms.OutcomeForm(request.POST or None, initial={"carried_out_on": timezone.localdate(), "is_public": True})
    return _project_form(
        request,
        form,
        lambda data: services.carry_out(actor=request.user, project=project, **data),
        project=project,
        success=_("Le projet est réalisé : il apparaît sur la vitrine s'il est public."),
        template="fiftyfifty/carry_out.html",
    )


@login_required
def figures(request):
    _town_only(request)
    try:
        year = int(request.GET.get("annee", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    return render(request, "fiftyfifty/figures.html", selectors.figures(user=request.user, year=year))


@login_required
def builders(request):
    _town_only(request)
    return render(
        request,
        "fiftyfifty/builders.html",
        selectors.builders_for_town(user=request.user, page=request.GET.get("page", 1)),
    )
