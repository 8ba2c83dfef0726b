"""Budget lines by CERFA 12156 account category (also used by the CVS annex 3 table)."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class ExpenseCategory(models.TextChoices):
    PURCHASES = "60", _("60 — Achats")
    EXTERNAL_SERVICES = "61", _("61 — Services extérieurs")
    OTHER_EXTERNAL_SERVICES = "62", _("62 — Autres services extérieurs")
    TAXES = "63", _("63 — Impôts et taxes")
    STAFF = "64", _("64 — Charges de personnel")
    OTHER_CURRENT = "65", _("65 — Autres charges de gestion courante")
    FINANCIAL = "66", _("66 — Charges financières")
    EXCEPTIONAL = "67", _("67 — Charges exceptionnelles")
    DEPRECIATION = "68", _("68 — Dotation aux amortissements")
    INDIRECT = "indirect", _("Charges indirectes affectées à l'action")
    IN_KIND = "86", _("86 — Emplois des contributions volontaires en nature")


class ResourceCategory(models.TextChoices):
    SALES = "70", _("70 — Ventes, prestations de services")
    GRANTS = "74", _("74 — Subventions d'exploitation")
    OTHER_CURRENT = "75", _("75 — Autres produits de gestion courante")
    FINANCIAL = "76", _("76 — Produits financiers")
    REVERSALS = "78", _("78 — Reprises sur amortissements et provisions")
    INDIRECT = "indirect", _("Ressources indirectes affectées à l'action")
    IN_KIND = "87", _("87 — Contributions volontaires en nature")


class GrantSource(models.TextChoices):
    """Who gives a grant (resource line 74)."""

    STATE = "state", _("État")
    REGION = "region", _("Région")
    DEPARTMENT = "department", _("Département")
    COMMUNE = "commune", _("Commune(s)")
    CAF = "caf", _("CAF")
    LANDLORD = "landlord", _("Bailleur(s) social(aux)")
    EUROPE = "europe", _("Fonds européens")
    OTHER = "other", _("Autres aides, dons ou subventions affectées")


# Micro-project funds pay running costs only: depreciation is an investment charge.
NON_ELIGIBLE_EXPENSE_CATEGORIES = frozenset({ExpenseCategory.DEPRECIATION})


# Everyday words first, the accounting code beside them: what the residents' pages, forms and PDFs show.
PLAIN_EXPENSE_WORDS = {
    ExpenseCategory.PURCHASES: _("Achats : matériel, nourriture, boissons, petites fournitures"),
    ExpenseCategory.EXTERNAL_SERVICES: _("Locations et assurance : salle, matériel loué, assurance"),
    ExpenseCategory.OTHER_EXTERNAL_SERVICES: _(
        "Prestations et déplacements : intervenant·e, animation, transport, impressions"
    ),
    ExpenseCategory.TAXES: _("Impôts et taxes"),
    ExpenseCategory.STAFF: _("Salaires et charges du personnel"),
    ExpenseCategory.OTHER_CURRENT: _("Autres dépenses courantes : droits d'auteur (SACEM), cotisations"),
    ExpenseCategory.FINANCIAL: _("Frais financiers : intérêts d'un emprunt"),
    ExpenseCategory.EXCEPTIONAL: _("Dépenses exceptionnelles"),
    ExpenseCategory.DEPRECIATION: _("Amortissements : achats qui durent plusieurs années"),
    ExpenseCategory.INDIRECT: _("Frais de fonctionnement de l'association affectés au projet"),
    ExpenseCategory.IN_KIND: _("Bénévolat et prêts gratuits (salle, matériel), estimés en euros"),
}
PLAIN_RESOURCE_WORDS = {
    ResourceCategory.SALES: _("Recettes du projet : buvette, ventes, participation des habitant·es"),
    ResourceCategory.GRANTS: _("Subventions : mairie, Région, CAF, bailleur…"),
    ResourceCategory.OTHER_CURRENT: _("Dons, cotisations et autres recettes"),
    ResourceCategory.FINANCIAL: _("Intérêts et produits financiers"),
    ResourceCategory.REVERSALS: _("Reprises sur provisions"),
    ResourceCategory.INDIRECT: _("Ressources de l'association affectées au projet"),
    ResourceCategory.IN_KIND: _("Bénévolat et prêts gratuits reçus (salle, matériel), estimés en euros"),
}


def _code_words(category: str, indirect: str):
    if category == "indirect":
        return indirect
    return format_lazy(_("compte {code}"), code=category)


def plain_expense_label(category: str):
    """« Achats : matériel, nourriture, boissons, petites fournitures (compte 60) »; the code alone if unknown."""
    words = PLAIN_EXPENSE_WORDS.get(category)
    if words is None:
        return category
    return format_lazy("{} ({})", words, _code_words(category, _("charges indirectes")))


def plain_resource_label(category: str):
    """« Recettes du projet : buvette, ventes… (compte 70) »; the code alone if unknown."""
    words = PLAIN_RESOURCE_WORDS.get(category)
    if words is None:
        return category
    return format_lazy("{} ({})", words, _code_words(category, _("ressources indirectes")))


def plain_choices(side: str) -> list[tuple[str, object]]:
    """The categories of one side ("expense" or "resource") in everyday words, in the accounts' order."""
    if side == "expense":
        return [(value, plain_expense_label(value)) for value in ExpenseCategory.values]
    return [(value, plain_resource_label(value)) for value in ResourceCategory.values]
