"""Webhook pages for an association's staff and administrators: endpoints, their deliveries, "Rejouer".

Every object through webhooks.access (404 when refused), one service per POST; a service's
ValidationError becomes form errors (status 400) or an error message.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import run_action, run_service
from webhooks import access, forms, services
from webhooks.permissions import manageable_endpoints

DELIVERIES_PER_PAGE = 50


@login_required
def endpoint_list(request):
    access.require_webhook_user(request.user)
    endpoints = manageable_endpoints(request.user).select_related("association").order_by("association__name", "pk")
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


@login_required
def endpoint_create(request):
    access.require_webhook_user(request.user)
    form = forms.NewEndpointForm(request.POST or None, user=request.user)
    if request.method == "POST":
        done, endpoint = run_service(form, lambda data: services.create_endpoint(user=request.user, **data))
        if done:
            messages.success(request, _("Point de réception enregistré. Notez son secret de signature."))
            return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    status = 400 if form.is_bound else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": None}, status=status)


@login_required
def endpoint_detail(request, pk: int):
    endpoint = access.get_endpoint_for_user(request.user, pk)
    deliveries = endpoint.deliveries.order_by("-created_at")
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_ends=1),
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@login_required
def endpoint_edit(request, pk: int):
    endpoint = access.get_endpoint_for_user(request.user, pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = forms.EndpointForm(request.POST or None, initial=initial)
    save = lambda data: services.update_endpoint(user=request.user, endpoint=endpoint, **data)  # noqa: E731
    if request.method == "POST" and run_service(form, save).done:
        messages.success(request, _("Point de réception modifié."))
        return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    status = 400 if form.is_bound else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint}, status=status)


def _post_action(request, pk: int, service, success: str):
    endpoint = access.get_endpoint_for_user(request.user, pk)
    run_action(request, lambda: service(user=request.user, endpoint=endpoint), success=success)
    return redirect("webhooks:endpoint_detail", pk=endpoint.pk)


@login_required
@require_POST
def endpoint_disable(request, pk: int):
    return _post_action(request, pk, services.disable_endpoint, _("Point de réception désactivé."))


@login_required
@require_POST
def endpoint_enable(request, pk: int):
    return _post_action(request, pk, services.enable_endpoint, _("Point de réception réactivé."))


@login_required
def delivery_detail(request, pk):
    delivery = access.get_delivery_for_user(request.user, pk)
    context = {
        "delivery": delivery,
        "endpoint": delivery.endpoint,
        "attempts": delivery.attempts.all(),
        "payload_json": json.dumps(delivery.payload, indent=2, ensure_ascii=False),
    }
    return render(request, "webhooks/delivery_detail.html", context)


@login_required
@require_POST
def delivery_replay(request, pk):
    delivery = access.get_delivery_for_user(request.user, pk)
    run_action(
        request,
        lambda: services.replay_delivery(user=request.user, delivery=delivery),
        success=_("Livraison relancée : elle est envoyée à nouveau."),
    )
    return redirect("webhooks:delivery_detail", pk=delivery.pk)
