"""The CVS bilan's budget table (annex 3), one formset row per line."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.budget import ExpenseCategory, ResourceCategory
from core.forms import optional_text
from reports.forms.fields import money_field
from reports.forms.tables import filled_forms
from reports.models import CVS_ITEM_ACCOUNTS, ITEM_REQUIRED_ACCOUNTS, BudgetSide, CvsBudgetItem


def budget_line_choices() -> list:
    """Grouped choices "side|account|item": each account of the annex, then its sub-lines."""
    groups = []
    for side, categories in ((BudgetSide.CHARGE, ExpenseCategory), (BudgetSide.RESOURCE, ResourceCategory)):
        for category in categories:
            options = []
            if (side, category.value) not in ITEM_REQUIRED_ACCOUNTS:
                options.append((f"{side}|{category.value}|", _("%(account)s (autre)") % {"account": category.label}))
            options.extend(
                (f"{side}|{category.value}|{item.value}", item.label)
                for item in CvsBudgetItem
                if CVS_ITEM_ACCOUNTS[item.value] == (side, category.value)
            )
            side_label = BudgetSide(side).label
            groups.append((f"{side_label} — {category.label}", options))
    return groups


class CvsBudgetLineForm(forms.Form):
    line = forms.ChoiceField(label=_("Poste"), required=False)
    commune_name = optional_text(_("Commune"), max_length=150, help_text=_("Pour une subvention d'une commune."))
    label = optional_text(_("Précisions"), max_length=200)
    planned_amount = money_field(_("Montant prévisionnel"))
    realised_amount = money_field(_("Montant réalisé"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("Choisissez…")), *budget_line_choices()]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("line") and data.get("planned_amount") is None and data.get("realised_amount") is None

    def clean(self):
        data = super().clean()
        if not self.is_blank() and not data.get("line"):
            self.add_error("line", _("Choisissez le poste du budget."))
        return data

    def line_data(self) -> dict:
        side, account, item = self.cleaned_data["line"].split("|")
        return {
            "side": side,
            "account": account,
            "item": item,
            "commune_name": self.cleaned_data.get("commune_name") or "",
            "label": self.cleaned_data.get("label") or "",
            "planned_amount": self.cleaned_data.get("planned_amount"),
            "realised_amount": self.cleaned_data.get("realised_amount"),
        }


CvsBudgetFormSet = forms.formset_factory(CvsBudgetLineForm, extra=3, can_delete=True, max_num=100, validate_max=True)


def budget_rows(formset) -> list[dict]:
    return [form.line_data() for form in filled_forms(formset)]


def budget_initial(lines) -> list[dict]:
    return [
        {
            "line": f"{line.side}|{line.account}|{line.item}",
            "commune_name": line.commune_name,
            "label": line.label,
            "planned_amount": line.planned_amount,
            "realised_amount": line.realised_amount,
        }
        for line in lines
    ]
