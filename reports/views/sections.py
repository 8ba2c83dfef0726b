"""One URL for every section of a bilan: the holder's, while the bilan is open."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from reports import access, forms, permissions, services
from reports.models import CvsBilan
from reports.views.cvs_sections import cvs_budget_section, cvs_partners_section, cvs_progress_section
from reports.views.navigation import bilan_url
from reports.views.pic_sections import (
    attachments_section,
    effects_section,
    expenses_section,
    model_section,
    unconfirmed_dates,
)
from reports.views.summary import summary_section
from reports.workflow import OWING_STATUSES


@login_required
def bilan_section(request, pk: int, section: str):
    application, bilan = access.get_bilan_for_user(request.user, pk, may=permissions.can_fill_bilan)
    if bilan is None:
        return redirect(bilan_url(application))
    section_views = CVS_SECTION_VIEWS if isinstance(bilan, CvsBilan) else PIC_SECTION_VIEWS
    if section not in section_views:
        raise Http404
    if not bilan.is_editable or application.status not in OWING_STATUSES:
        messages.info(request, _("Ce bilan est déposé : il ne peut plus être modifié, sauf s'il vous est renvoyé."))
        return redirect(bilan_url(application))
    return section_views[section](request, application, bilan, section)


PIC_SECTION_VIEWS = {
    "action": model_section(forms.PicActionForm, services.save_bilan, "section_action.html", unconfirmed_dates),
    "appreciation": model_section(forms.PicAppraisalForm, services.save_bilan),
    "depenses": expenses_section,
    "effets": effects_section,
    "pieces": attachments_section,
    "envoi": summary_section,
}


CVS_SECTION_VIEWS = {
    "identite": model_section(forms.CvsIdentityForm, services.save_cvs_bilan, "cvs_section_identity.html"),
    "avancement": cvs_progress_section,
    "partenaires": cvs_partners_section,
    "appreciation": model_section(forms.CvsAppraisalForm, services.save_cvs_bilan),
    "budget": cvs_budget_section,
    "envoi": summary_section,
}
