"""What a CVS request must hold before it is filed (CERFA 12156 and the call's criteria), as French messages."""

from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from applications.models import Application, Attachment, BudgetLine
from core.templatetags.portal_format import format_money
from cvs.models import REPUBLICAN_COMMITMENT_REQUIRED, SIRET_REQUIRED, CvsRequest, StructureKind
from reports.models import CvsBilan
from reports.workflow import COUNTED_BILAN_STATUSES

Errors = dict[str, list[str]]


def budget_totals(application: Application, cvs: CvsRequest) -> dict[str, Decimal]:
    expenses = resources = Decimal("0")
    for line in application.budget_lines.all():
        if line.side == BudgetLine.Side.EXPENSE:
            expenses += line.amount
        else:
            resources += line.amount
    asked = sum((ask.amount_asked for ask in cvs.funding_asks.all()), Decimal("0"))
    return {"expenses": expenses, "resources": resources, "asked": asked, "income": resources + asked}


def balance_error(*, expenses: Decimal, resources: Decimal, asked: Decimal) -> str:
    """The budget's balance (charges = resources, the funding asked being resources), or ""."""
    if expenses == resources + asked:
        return ""
    return _(
        "Le budget n'est pas équilibré : les charges font %(expenses)s et les ressources %(income)s (dont "
        "%(asked)s demandés aux financeurs). Ajustez les montants pour que les deux totaux soient égaux."
    ) % {
        "expenses": format_money(expenses),
        "income": format_money(resources + asked),
        "asked": format_money(asked),
    }


def renewal_error(cvs: CvsRequest) -> str:
    """A renewal is filed only once the previous year's annex 3 bilan is filed (HTML message with its link)."""
    previous = cvs.previous_request
    if previous is None:
        return ""
    filed = CvsBilan.objects.filter(application=previous, status__in=COUNTED_BILAN_STATUSES).exists()
    if filed:
        return ""
    return format_html(
        _(
            "Votre projet a été financé l'an dernier ({reference}) : déposez d'abord son bilan (annexe 3), "
            'puis revenez déposer cette demande. <a href="{url}">Rédiger le bilan de {reference}</a>'
        ),
        reference=previous.reference or previous.pk,
        url=reverse("reports:bilan", args=[previous.pk]),
    )


def attachment_errors(application: Application, cvs: CvsRequest) -> list[str]:
    """The documents the call asks for: the structure's RIB; an association's statutes."""
    kinds = {attachment.kind for attachment in application.attachments.all()}
    messages = []
    if Attachment.Kind.BANK_DETAILS not in kinds:
        messages.append(_("Ajoutez le relevé d'identité bancaire (RIB) de la structure (étape « Pièces jointes »)."))
    if cvs.structure_kind == StructureKind.ASSOCIATION and Attachment.Kind.STATUTES not in kinds:
        messages.append(_("Ajoutez les statuts de l'association (étape « Pièces jointes »)."))
    return messages


def submission_errors(application: Application, cvs: CvsRequest) -> Errors:
    """What remains to fix, by step slug; empty when the request may be filed."""
    errors: Errors = {}

    def add(step, message):
        errors.setdefault(step, []).append(message)

    holder = application.holder
    if holder is None or not cvs.structure_kind:
        add("structure", _("Présentez la structure qui porte le projet (étape « Structure »)."))
    else:
        if cvs.structure_kind in SIRET_REQUIRED and not holder.siret:
            add("structure", _("Une association doit indiquer son numéro SIRET (14 chiffres)."))
        if cvs.structure_kind in REPUBLICAN_COMMITMENT_REQUIRED and holder.republican_commitment_accepted_at is None:
            add("structure", _("Cochez la case du contrat d'engagement républicain (étape « Structure »)."))
    if not (cvs.representative_name and cvs.referent_name and (cvs.referent_email or cvs.referent_phone)):
        add("structure", _("Indiquez le représentant légal et la personne chargée du dossier avec son contact."))
    if not (application.title and cvs.diagnostic and cvs.territorial_anchoring and cvs.target_public):
        add("projet", _("Donnez le titre, le diagnostic, l'ancrage territorial et le public visé (étape « Projet »)."))
    if not cvs.neighbourhoods.exists():
        add("projet", _("Choisissez au moins un quartier prioritaire concerné (étape « Projet »)."))
    if not cvs.ambitions.exists():
        add("projet", _("Choisissez au moins une ambition du contrat de ville (étape « Projet »)."))
    if not (cvs.gender_objectives and cvs.gender_means):
        add("engagements", _("Décrivez vos objectifs d'égalité femmes-hommes et les moyens retenus."))
    if not (cvs.common_law_funding and cvs.partnerships):
        add("engagements", _("Indiquez le droit commun déjà mobilisé et vos partenariats."))
    if not (cvs.evaluation_indicators and cvs.evaluation_follow_up):
        add("engagements", _("Indiquez vos indicateurs d'évaluation et le suivi prévu."))
    totals = budget_totals(application, cvs)
    if not totals["expenses"]:
        add("budget", _("Remplissez le budget prévisionnel : au moins une ligne de charges."))
    if not totals["asked"]:
        add("budget", _("Indiquez le montant demandé à au moins un financeur."))
    message = balance_error(expenses=totals["expenses"], resources=totals["resources"], asked=totals["asked"])
    if message:
        add("budget", message)
    for message in attachment_errors(application, cvs):
        add("pieces", message)
    message = renewal_error(cvs)
    if message:
        add("projet", message)
    return errors
