"""What the CVS bilan needs to be filed, and its filing."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.templatetags.portal_format import format_money
from core.validation import Errors, add_error
from reports import selectors
from reports.models import (
    COMMUNE_ITEMS,
    ITEM_REQUIRED_ACCOUNTS,
    MAX_OBJECTIVES,
    MIN_OBJECTIVES,
    PROGRESS_WITH_DATE,
    SHORT_DESCRIPTION_MAX_LINES,
    CvsBilan,
)
from reports.services.cvs_bilans import count_lines
from reports.services.cvs_tables import too_many_objectives
from reports.services.transitions import submit_checked

CVS_REQUIRED = {
    "period_start": gettext_lazy("Indiquez le début de la période couverte par le bilan."),
    "period_end": gettext_lazy("Indiquez la fin de la période couverte par le bilan."),
    "structure": gettext_lazy("Indiquez la structure porteuse et son statut."),
    "referent_first_name": gettext_lazy("Indiquez le prénom de la personne référente."),
    "referent_last_name": gettext_lazy("Indiquez le nom de la personne référente."),
    "short_description": gettext_lazy("Résumez le projet en 10 lignes au plus dans le descriptif synthétique."),
    "progress_status": gettext_lazy("Indiquez l'état d'avancement du projet."),
    "perspective": gettext_lazy("Indiquez les perspectives : maintien, évolution, suppression ou essaimage."),
    "key_figures": gettext_lazy(
        "Les chiffres clés sont obligatoires : nombre de personnes touchées en QPV, répartition femmes-hommes, "
        "tranches d'âge, nombre de séances... avec la date, la source et l'unité."
    ),
}


def budget_errors(bilan: CvsBilan) -> list[str]:
    messages: list[str] = []
    lines = list(bilan.budget_lines.all())
    if not lines:
        return [_("Remplissez le tableau budgétaire : les charges et les produits, prévus et réalisés.")]
    for number, line in enumerate(lines, start=1):
        if (line.side, line.account) in ITEM_REQUIRED_ACCOUNTS and not line.item:
            messages.append(
                _("Ligne %(number)s : précisez qui donne cette subvention (État, Région, commune, CAF...).")
                % {"number": number}
            )
        if line.item in COMMUNE_ITEMS and not line.commune_name:
            messages.append(
                _("Ligne %(number)s : indiquez le nom de la commune qui donne cette subvention.") % {"number": number}
            )
    totals = selectors.cvs_budget_totals(bilan=bilan)
    for column, charges, resources, charges_kind, resources_kind in (
        (
            _("prévisionnel"),
            totals.planned_charges,
            totals.planned_resources,
            totals.planned_charges_in_kind,
            totals.planned_resources_in_kind,
        ),
        (
            _("réalisé"),
            totals.realised_charges,
            totals.realised_resources,
            totals.realised_charges_in_kind,
            totals.realised_resources_in_kind,
        ),
    ):
        if charges != resources:
            messages.append(
                _(
                    "Le budget %(column)s n'est pas équilibré : total des charges %(charges)s, total des produits "
                    "%(resources)s (écart de %(difference)s). Ajustez les montants pour que les deux totaux "
                    "soient égaux."
                )
                % {
                    "column": column,
                    "charges": format_money(charges),
                    "resources": format_money(resources),
                    "difference": format_money(abs(charges - resources)),
                }
            )
        if charges_kind != resources_kind:
            messages.append(
                _(
                    "Budget %(column)s : les contributions volontaires en nature figurent des deux côtés pour le même "
                    "montant ; emplois (86) %(charges)s, contributions (87) %(resources)s."
                )
                % {"column": column, "charges": format_money(charges_kind), "resources": format_money(resources_kind)}
            )
    return messages


def cvs_submission_errors(*, bilan: CvsBilan) -> Errors:
    """What still prevents the annex 3 bilan from being filed, by field, in French."""
    errors: Errors = {}
    for field, message in CVS_REQUIRED.items():
        if getattr(bilan, field) in (None, ""):
            add_error(errors, field, str(message))
    if not bilan.referent_email and not bilan.referent_phone:
        add_error(errors, "referent_email", _("Indiquez l'e-mail ou le téléphone de la personne référente."))
    if bilan.progress_status in PROGRESS_WITH_DATE and bilan.progress_since is None:
        add_error(
            errors,
            "progress_since",
            _("Indiquez depuis quand le projet est %(status)s.")
            % {"status": _("en cours") if bilan.progress_status == "in_progress" else _("clôturé")},
        )
    lines = count_lines(bilan.short_description)
    if lines > SHORT_DESCRIPTION_MAX_LINES:
        add_error(
            errors,
            "short_description",
            _("Le descriptif synthétique tient en %(max)s lignes au plus ; il en compte %(count)s : raccourcissez-le.")
            % {"max": SHORT_DESCRIPTION_MAX_LINES, "count": lines},
        )
    objectives = bilan.objectives.count()
    if objectives < MIN_OBJECTIVES:
        add_error(
            errors,
            "objectives",
            _(
                "Indiquez au moins %(min)s objectifs opérationnels quantifiés (vous en avez %(count)s) : un verbe "
                "d'action à l'infinitif, une indication chiffrée, de temps et d'unité."
            )
            % {"min": MIN_OBJECTIVES, "count": objectives},
        )
    elif objectives > MAX_OBJECTIVES:
        add_error(errors, "objectives", too_many_objectives(objectives))
    for message in budget_errors(bilan):
        add_error(errors, "budget", message)
    return errors


def submit_cvs_bilan(*, user, bilan: CvsBilan) -> CvsBilan:
    """File the annex 3 bilan: 2 to 5 objectives, key figures, a balanced budget (planned and realised)."""
    return submit_checked(user=user, bilan=bilan, errors_of=cvs_submission_errors)
