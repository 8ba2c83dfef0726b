"""Committee pages: the list, one committee, its members and their declared links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import forms, selectors, services
from committees.access import (
    get_committee_for_user,
    get_member_for_user,
)
from committees.views.common import form_errors
from core.forms import run_service


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


def _member_form(request, *, committee, member, initial: dict, save, success: str):
    """Seat a member (`member` None) or correct one: the same form, page and redirect."""
    form = forms.MemberForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, saved = run_service(form, save)
        if done:
            messages.success(request, success % {"member": saved.full_name})
            return redirect("committees:committee_detail", pk=committee.pk)
    context = {"committee": committee, "form": form, "member": member, "errors": form_errors(form)}
    return render(request, "committees/member_form.html", context, status=400 if form.errors else 200)


@login_required
def member_add(request, pk: int):
    committee = get_committee_for_user(request.user, pk, to_run=True).committee
    return _member_form(
        request,
        committee=committee,
        member=None,
        initial={"mandate_start": timezone.localdate()},
        save=lambda data: services.add_member(user=request.user, committee=committee, **data),
        success=_("%(member)s siège désormais au comité."),
    )


@login_required
def member_edit(request, pk: int):
    member = get_member_for_user(request.user, pk, to_run=True).member
    initial = {
        "full_name": member.full_name,
        "college": member.college,
        "organisation": member.organisation,
        "mandate_start": member.mandate_start,
        "mandate_end": member.mandate_end,
        "email": member.email,
        "postal_address": member.postal_address,
        "account_email": member.contact_email,  # the same whether or not an account is linked (issue 14, rule 9)
    }
    return _member_form(
        request,
        committee=member.committee,
        member=member,
        initial=initial,
        save=lambda data: services.update_member(user=request.user, member=member, **data),
        success=_("La fiche de %(member)s est enregistrée."),
    )


@login_required
def member_link_add(request, pk: int):
    member = get_member_for_user(request.user, pk, to_run=True).member
    committee = member.committee
    holders = list(selectors.link_holder_choices(committee=committee))
    form = forms.MemberLinkForm(request.POST or None, holders=holders)

    def save(data):
        return services.add_member_link(
            user=request.user,
            member=member,
            holder=form.chosen_holder(),
            holder_name=data["holder_name"],
            reason=data["reason"],
        )

    if request.method == "POST" and run_service(form, save).done:
        messages.success(
            request,
            _("Le lien est enregistré : %(member)s se déportera des votes sur les demandes de ce porteur.")
            % {"member": member.full_name},
        )
        return redirect("committees:committee_detail", pk=committee.pk)
    context = {"committee": committee, "member": member, "form": form, "errors": form_errors(form)}
    return render(request, "committees/member_link_form.html", context, status=400 if form.errors else 200)


@login_required
def committee_settings(request, pk: int):
    """The committee's signatory, chair, secretary and appeal route: what its letters and minutes print."""
    committee = get_committee_for_user(request.user, pk, to_run=True).committee
    members = selectors.chair_choices(committee=committee)
    initial = {
        "signatory_name": committee.signatory_name,
        "signatory_role": committee.signatory_role,
        "chair": committee.chair_id,
        "secretary_name": committee.secretary_name,
        "secretary_role": committee.secretary_role,
        "appeal_text": committee.appeal_text,
    }
    form = forms.CommitteeSettingsForm(request.POST or None, initial=initial, members=members)

    def save(data):
        return services.update_committee_settings(
            user=request.user,
            committee=committee,
            signatory_name=data["signatory_name"],
            signatory_role=data["signatory_role"],
            chair=form.chosen_chair(),
            secretary_name=data["secretary_name"],
            secretary_role=data["secretary_role"],
            appeal_text=data["appeal_text"],
        )

    if request.method == "POST" and run_service(form, save).done:
        messages.success(
            request, _("Les réglages du comité sont enregistrés : les prochains courriers les reprennent.")
        )
        return redirect("committees:committee_detail", pk=committee.pk)
    context = {"committee": committee, "form": form, "errors": form_errors(form)}
    return render(request, "committees/committee_settings.html", context, status=400 if form.errors else 200)
