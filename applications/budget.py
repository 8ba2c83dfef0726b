"""Budget lines by CERFA 12156 account category (also used by the CVS annex 3 table)."""

from django.db import models
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
