"""The CVS bilan's budget table (annex 3): sides, accounts, funder lines."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.budget import ExpenseCategory, ResourceCategory
from reports.models.base import money_field
from reports.models.cvs import CvsBilan


class BudgetSide(models.TextChoices):
    CHARGE = "charge", _("Charges")
    RESOURCE = "resource", _("Produits")


class CvsBudgetItem(models.TextChoices):
    """The annex's sub-lines, each belonging to one account (see `CVS_ITEM_ACCOUNTS`)."""

    # 60 Achats
    SERVICES = "60.services", _("Prestations de services")
    SUPPLIES = "60.supplies", _("Achats matières et fournitures")
    OTHER_SUPPLIES = "60.other_supplies", _("Autres fournitures")
    # 61 Services extérieurs
    RENT = "61.rent", _("Locations")
    MAINTENANCE = "61.maintenance", _("Entretien et réparation")
    INSURANCE = "61.insurance", _("Assurance")
    DOCUMENTATION = "61.documentation", _("Documentation")
    # 62 Autres services extérieurs
    FEES = "62.fees", _("Rémunérations intermédiaires et honoraires")
    ADVERTISING = "62.advertising", _("Publicité, publication")
    TRAVEL = "62.travel", _("Déplacements, missions")
    BANK = "62.bank", _("Services bancaires, autres")
    # 63 Impôts et taxes
    PAYROLL_TAXES = "63.payroll_taxes", _("Impôts et taxes sur rémunération")
    OTHER_TAXES = "63.other_taxes", _("Autres impôts et taxes")
    # 64 Charges de personnel
    WAGES = "64.wages", _("Rémunération des personnels")
    SOCIAL_CHARGES = "64.social_charges", _("Charges sociales")
    OTHER_STAFF = "64.other_staff", _("Autres charges de personnel")
    # Charges indirectes
    FIXED_COSTS = "charge_indirect.fixed", _("Charges fixes de fonctionnement")
    FINANCIAL_COSTS = "charge_indirect.financial", _("Frais financiers")
    OTHER_INDIRECT = "charge_indirect.other", _("Autres")
    # 86 Emplois des contributions volontaires en nature
    RELIEF_IN_KIND = "86.relief", _("Secours en nature")
    FREE_PROVISION = "86.free_provision", _("Mise à disposition gratuite de biens et prestations")
    VOLUNTEER_STAFF = "86.volunteer_staff", _("Personnel bénévole")
    # 74 Subventions d'exploitation, by funder
    STATE_SPECIFIC = "74.state_specific", _("État : crédits spécifiques politique de la ville")
    STATE_COMMON = "74.state_common", _("État : droit commun")
    REGION_SPECIFIC = "74.region_specific", _("Région : crédits spécifiques politique de la ville")
    REGION_COMMON = "74.region_common", _("Région : droit commun")
    DEPARTMENT = "74.department", _("Département")
    COMMUNE_SPECIFIC = "74.commune_specific", _("Commune : crédits spécifiques politique de la ville")
    COMMUNE_COMMON = "74.commune_common", _("Commune : droit commun")
    CAF = "74.caf", _("CAF")
    LANDLORD = "74.landlord", _("Bailleur(s) social(aux)")
    SOCIAL_BODIES = "74.social_bodies", _("Organismes sociaux")
    EUROPE = "74.europe", _("Fonds européens")
    AIDED_JOBS = "74.aided_jobs", _("Emplois aidés (CNASEA)")
    OTHER_GRANTS = "74.other", _("Autres aides, dons ou subventions affectées")
    # 87 Contributions volontaires en nature
    VOLUNTEERING = "87.volunteering", _("Bénévolat")
    SERVICES_IN_KIND = "87.services", _("Prestations en nature")
    DONATIONS_IN_KIND = "87.donations", _("Dons en nature")


# (side, account) of each sub-line. Accounts are the CERFA categories of `applications.budget`.
CVS_ITEM_ACCOUNTS: dict[str, tuple[str, str]] = {
    item.value: (
        BudgetSide.RESOURCE if item.value.split(".")[0] in {"74", "87"} else BudgetSide.CHARGE,
        "indirect" if item.value.startswith("charge_indirect") else item.value.split(".")[0],
    )
    for item in CvsBudgetItem
}


# Resource lines that must name the commune (the annex's "Ville de ...").
COMMUNE_ITEMS = frozenset({CvsBudgetItem.COMMUNE_SPECIFIC, CvsBudgetItem.COMMUNE_COMMON})


# Accounts whose lines must say which sub-line they are (74: which funder gives the grant).
ITEM_REQUIRED_ACCOUNTS = frozenset({(BudgetSide.RESOURCE, ResourceCategory.GRANTS.value)})


# Accounts counted apart from the totals of charges and products (contributions in kind).
IN_KIND_ACCOUNTS = frozenset(
    {(BudgetSide.CHARGE, ExpenseCategory.IN_KIND.value), (BudgetSide.RESOURCE, ResourceCategory.IN_KIND.value)}
)


class CvsBudgetLine(models.Model):
    """A line of the annex 3 budget table: planned (provisional budget) and realised amounts."""

    bilan = models.ForeignKey(CvsBilan, on_delete=models.CASCADE, related_name="budget_lines")
    side = models.CharField(_("sens"), max_length=10, choices=BudgetSide.choices)
    account = models.CharField(_("compte"), max_length=10, choices=ExpenseCategory.choices + ResourceCategory.choices)
    item = models.CharField(_("poste"), max_length=30, choices=CvsBudgetItem.choices, blank=True)
    commune_name = models.CharField(
        _("commune"), max_length=150, blank=True, help_text=_("Pour une subvention d'une commune : laquelle.")
    )
    label = models.CharField(
        _("précisions"),
        max_length=200,
        blank=True,
        help_text=_("Service, dispositif sollicité, nature de la dépense..."),
    )
    planned_amount = money_field(_("montant prévisionnel"), default=Decimal("0"))
    realised_amount = money_field(_("montant réalisé"), default=Decimal("0"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("ligne du budget CVS")
        verbose_name_plural = _("lignes du budget CVS")
        ordering = ["side", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_amount__gte=0), name="cvs_line_planned_not_negative"),
            models.CheckConstraint(condition=Q(realised_amount__gte=0), name="cvs_line_realised_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_item_display() or self.label}"
