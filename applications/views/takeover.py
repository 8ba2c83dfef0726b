"""The holder follows the invitation link of a request staff filed for them, and takes it over."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import forms, services
from applications.views.common import detail_url
from core.forms import error_summary, run_service


@login_required
def take_over(request, token: str):
    """GET: what the request is and a button; POST: the request moves to the logged-in account."""
    application = services.application_for_token(token)
    form = forms.TakeOverForm(request.POST if request.method == "POST" else None)
    if application is not None and request.method == "POST":
        done, taken = run_service(form, lambda data: services.take_over_application(user=request.user, token=token))
        if done:
            messages.success(
                request,
                _("La demande « %(title)s » est maintenant dans « Mes demandes » : vous la suivez avec votre compte.")
                % {"title": taken.title},
            )
            return redirect(detail_url(taken))
    return render(
        request,
        "applications/take_over.html",
        {"application": application, "form": form, "error_summary": error_summary(form)},
        status=200 if application is not None else 404,
    )
