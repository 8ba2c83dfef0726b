"""Helpers the holder's pages share: their URLs and the request page's context."""

from django.urls import reverse

from applications import selectors
from applications.models import Application

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
