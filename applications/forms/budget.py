"""Step 5: the provisional budget (the amount asked, expense lines and resource lines, checked together)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications import rules
from applications.budget import GrantSource, plain_choices
from applications.forms.common import money_field
from applications.models import BudgetLine
from core.forms import add_errors


class BudgetLineForm(forms.ModelForm):
    """One budget line; a line left blank (no label, no amount) is ignored."""

    amount = money_field(_("Montant (€)"))

    class Meta:
        model = BudgetLine
        fields = ["category", "grant_source", "label", "amount"]
        labels = {"category": _("Type de ligne"), "grant_source": _("Financeur"), "label": _("En quelques mots")}

    side = None
    category_choices: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = self.category_choices
        self.fields["category"].label = self.category_label
        self.fields["label"].label = self.label_label
        self.fields["amount"].widget.attrs["data-budget-amount"] = self.side
        self.fields["label"].widget.attrs["placeholder"] = self.label_placeholder
        # Required-ness is checked by rules.check_budget_line, with its own words (a blank line is ignored).
        for name in ("category", "label", "amount"):
            self.fields[name].required = False
        if self.side == BudgetLine.Side.EXPENSE:
            del self.fields["grant_source"]
        else:
            self.fields["grant_source"].choices = [("", _("— Si c'est une subvention —")), *GrantSource.choices]

    def has_changed(self) -> bool:
        """A line counts once something is typed in its label or amount (the category select is always set)."""
        return any(str(self[name].value() or "").strip() for name in ("label", "amount"))

    def clean(self):
        cleaned = super().clean()
        errors = rules.check_budget_line(
            side=self.side,
            category=cleaned.get("category", ""),
            grant_source=cleaned.get("grant_source", ""),
            label=cleaned.get("label", ""),
            amount=cleaned.get("amount"),
        )
        # A field already refused (e.g. a negative amount) keeps its own, more precise message.
        add_errors(self, {field: messages for field, messages in errors.items() if field not in self.errors})
        return cleaned


class ExpenseLineForm(BudgetLineForm):
    side = BudgetLine.Side.EXPENSE
    category_choices = plain_choices(BudgetLine.Side.EXPENSE)
    category_label = _("Type de dépense")
    label_label = _("Ce que vous payez")
    label_placeholder = _("Par exemple : goûter, location de salle")


class ResourceLineForm(BudgetLineForm):
    side = BudgetLine.Side.RESOURCE
    category_choices = plain_choices(BudgetLine.Side.RESOURCE)
    category_label = _("Type de ressource")
    label_label = _("D'où vient l'argent")
    label_placeholder = _("Par exemple : buvette, aide de la mairie")


class BaseBudgetLineFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if self.can_delete and forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("Supprimer cette ligne")

    def total(self):
        """The sum of the amounts as typed (valid ones only), for the totals shown without JavaScript."""
        total = Decimal("0")
        for form in self.forms:
            if form.is_bound:
                amount = getattr(form, "cleaned_data", {}).get("amount") if form.has_changed() else None
                if self.can_delete and self._should_delete_form(form):
                    amount = None
            else:
                amount = form.initial.get("amount")
            total += amount or Decimal("0")
        return total

    def get_form_kwargs(self, index):
        # Every line may be left blank, the saved ones included: clearing a line removes it.
        return {**super().get_form_kwargs(index), "empty_permitted": True, "use_required_attribute": False}

    def lines(self) -> list[dict]:
        return [
            {
                "side": form.side,
                "category": form.cleaned_data["category"],
                "grant_source": form.cleaned_data.get("grant_source", ""),
                "label": form.cleaned_data["label"],
                "amount": form.cleaned_data["amount"],
            }
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not self._should_delete_form(form)
        ]


BUDGET_EXTRA_LINES = 2
ExpenseFormSet = forms.formset_factory(
    ExpenseLineForm, formset=BaseBudgetLineFormSet, extra=BUDGET_EXTRA_LINES, can_delete=True, max_num=50
)
ResourceFormSet = forms.formset_factory(
    ResourceLineForm, formset=BaseBudgetLineFormSet, extra=BUDGET_EXTRA_LINES, can_delete=True, max_num=50
)


class AmountRequestedForm(forms.Form):
    amount_requested = money_field(
        _("Montant demandé au fonds (€)"),
        required=False,
        help_text=_("C'est la subvention que vous demandez : elle compte dans les ressources."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_requested"].widget.attrs["data-budget-amount"] = BudgetLine.Side.RESOURCE

    def value(self) -> Decimal:
        if self.is_bound:
            return getattr(self, "cleaned_data", {}).get("amount_requested") or Decimal("0")
        return self.initial.get("amount_requested") or Decimal("0")


class BudgetForms:
    """The budget step: the amount asked, the expense lines and the resource lines, checked together."""

    def __init__(self, data=None, *, application, user):
        self.application, self.user = application, user
        initial = {side: [] for side in BudgetLine.Side.values}
        for line in application.budget_lines.all():
            initial[line.side].append(
                {
                    "category": line.category,
                    "grant_source": line.grant_source,
                    "label": line.label,
                    "amount": line.amount,
                }
            )
        self.amount = AmountRequestedForm(data, initial={"amount_requested": application.amount_requested})
        self.expenses = ExpenseFormSet(data, prefix="expense", initial=initial[BudgetLine.Side.EXPENSE])
        self.resources = ResourceFormSet(data, prefix="resource", initial=initial[BudgetLine.Side.RESOURCE])
        self.non_field_errors: list[str] = []

    def is_untouched(self) -> bool:
        """Nothing saved before and nothing typed now: leaving the step then saves nothing (and refuses nothing)."""
        saved = self.application.amount_requested is not None or self.expenses.initial or self.resources.initial
        typed = str(self.amount["amount_requested"].value() or "").strip() or any(
            form.has_changed() for form in [*self.expenses.forms, *self.resources.forms]
        )
        return not saved and not typed

    def is_valid(self) -> bool:
        if self.amount.is_valid():
            amount = self.amount.cleaned_data.get("amount_requested")
            self.add_errors(
                rules.check_amount(
                    fund=self.application.fund, user=self.user, amount=amount, application=self.application
                )
            )
        if not all([self.amount.is_valid(), self.expenses.is_valid(), self.resources.is_valid()]):
            return False
        data = self.cleaned_data
        amount, expenses, resources = data["amount_requested"], data["expenses"], data["resources"]
        if expenses or resources or amount is not None:
            self.add_errors(
                rules.check_budget(
                    expenses=[line["amount"] for line in expenses],
                    resources=[line["amount"] for line in resources],
                    amount_requested=amount,
                )
            )
        return not (self.non_field_errors or self.amount.errors)

    def add_errors(self, errors: dict) -> None:
        """Errors about the amount go on its field; the others (totals, balance) above the tables."""
        for field, messages in errors.items():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                if field in self.amount.fields:
                    self.amount.add_error(field, message)
                else:
                    self.non_field_errors.append(str(message))

    def totals(self) -> dict:
        """Totals of the lines as shown (saved, or as typed after a refused post); budget.js updates them live."""
        expenses = self.expenses.total()
        resources = self.resources.total() + self.amount.value()
        return {"expenses": expenses, "resources": resources, "difference": expenses - resources}

    @property
    def cleaned_data(self) -> dict:
        return {
            "amount_requested": self.amount.cleaned_data.get("amount_requested"),
            "expenses": self.expenses.lines(),
            "resources": self.resources.lines(),
        }
