"""The fifty/fifty convention (PDF): the parties, the project, what each side brings, the dates and the
duration, and the signatures — blank lines to sign on paper, or each party's recorded consent."""

from django.contrib.auth.models import AnonymousUser

from core.pdf import render_pdf
from fiftyfifty.models import Project, Signature
from fiftyfifty.selectors import project_page


def render(*, project: Project) -> bytes:
    context = project_page(project=project, user=AnonymousUser())
    by_party = {signature.party: signature for signature in context["signatures"]}
    context["association"] = project.fund.association
    context["signature_blocks"] = [
        {"label": label, "signature": by_party.get(party)} for party, label in Signature.Party.choices
    ]
    return render_pdf(template="fiftyfifty/pdf/convention.html", context=context)
