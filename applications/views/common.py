"""Helpers the holder's pages share: their URLs, the request page's context, a call's start page."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from applications import rules, selectors
from applications.models import Application
from funds.models import Fund

STEPS = list(Application.Step)
Step = Application.Step
step_url = selectors.step_url


def detail_url(application: Application) -> str:
    return reverse("applications:application_detail", kwargs={"pk": application.pk})


def detail_context(application: Application) -> dict:
    """selectors.application_detail, with the thread renamed: `messages` is the flash messages' name in templates."""
    context = selectors.application_detail(application=application)
    context["thread"] = context.pop("messages")
    return context


def start_page(
    request,
    fund: Fund,
    *,
    start: Callable[[], Application],
    success: str,
    first_step: Callable[[Application], str],
    template: str,
    extra: Callable[[], dict] | None = None,
):
    """A call's start page: GET says what the call asks for; POST, while the call is open, makes the draft through
    `start()` (the view's one service), says `success` and goes to `first_step(draft)`. Otherwise the page shows
    why not (`errors`, French sentences); `extra()` adds to its context."""
    errors = rules.check_call_open(fund=fund, today=timezone.localdate())
    if request.method == "POST" and not errors:
        try:
            application = start()
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, success)
            return redirect(first_step(application))
    context = {"fund": fund, "errors": [m for messages_ in errors.values() for m in messages_]}
    return render(request, template, {**context, **(extra() if extra else {})})
