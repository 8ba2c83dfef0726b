"""E-mails of the fifty/fifty path (templates in templates/fiftyfifty/emails/), queued through core.emails in the
caller's transaction."""

from django.urls import reverse

from core.emails import absolute_url, send_templated, unique_addresses
from fiftyfifty.models import Initiative, Project

TEMPLATE_DIR = "fiftyfifty/emails"


def project_url(project: Project) -> str:
    return absolute_url(reverse("fiftyfifty:project", kwargs={"pk": project.pk}))


def town_recipients(fund) -> list[str]:
    association = fund.association
    return unique_addresses([association.contact_email, *association.staff.values_list("email", flat=True)])


def proposer_recipients(project: Project) -> list[str]:
    return unique_addresses([project.proposer.email if project.proposer_id else "", project.contact_email])


def send(*, name: str, to: list[str], context: dict, target, cause: str) -> int:
    return send_templated(name=f"{TEMPLATE_DIR}/{name}", to=to, context=context, target=target, cause=cause)


def idea_received(project: Project) -> None:
    context = {"project": project, "association": project.fund.association, "url": project_url(project)}
    send(name="idea_to_town", to=town_recipients(project.fund), context=context, target=project, cause="fifty_idea")


def convention_ready(project: Project) -> None:
    context = {"project": project, "association": project.fund.association, "url": project_url(project)}
    send(
        name="convention_ready",
        to=proposer_recipients(project),
        context=context,
        target=project,
        cause="fifty_convention",
    )


def initiative_declared(initiative: Initiative) -> None:
    context = {
        "initiative": initiative,
        "url": absolute_url(reverse("fiftyfifty:initiative", kwargs={"pk": initiative.pk})),
    }
    send(
        name="initiative_to_town",
        to=town_recipients(initiative.fund),
        context=context,
        target=initiative,
        cause="fifty_initiative",
    )
