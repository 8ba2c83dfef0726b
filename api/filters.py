"""Query parameters of the list endpoints: fund, year, status, theme, neighbourhood, modified_since.

`fund` is a fund's slug, `year` the fund's year, `theme` a theme's slug, `neighbourhood` a QPV code,
`modified_since` an ISO 8601 date-time (rows created or changed at or after it).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from api import selectors
from applications.models import Application
from applications.workflow import Status
from committees.models import Decision, Payment
from funds.models import Fund
from reports.models import Bilan, BilanStatus

FUND_HELP = _("Identifiant (slug) du fonds.")
YEAR_HELP = _("Année du fonds.")
THEME_HELP = _("Identifiant (slug) de la thématique.")
NEIGHBOURHOOD_HELP = _("Code du quartier prioritaire (QPV), par exemple QN05980M.")
SINCE_HELP = _("Date et heure ISO 8601 : seulement ce qui a été créé ou modifié depuis.")


def _request_filters(prefix: str) -> dict:
    return {
        "fund": django_filters.CharFilter(field_name=f"{prefix}fund__slug", help_text=FUND_HELP),
        "year": django_filters.NumberFilter(field_name=f"{prefix}fund__year", help_text=YEAR_HELP),
        "theme": django_filters.CharFilter(field_name=f"{prefix}theme__slug", help_text=THEME_HELP),
        "neighbourhood": django_filters.CharFilter(
            field_name=f"{prefix}neighbourhood__code", help_text=NEIGHBOURHOOD_HELP
        ),
    }


def _by_request(prefix: str) -> type[django_filters.FilterSet]:
    """A base filter set with the request filters, reached from the listed model through `prefix`."""
    return type("RequestFilters", (django_filters.FilterSet,), _request_filters(prefix))


class FundFilter(django_filters.FilterSet):
    fund = django_filters.CharFilter(field_name="slug", help_text=FUND_HELP)
    year = django_filters.NumberFilter(field_name="year", help_text=YEAR_HELP)
    theme = django_filters.CharFilter(field_name="themes__slug", distinct=True, help_text=THEME_HELP)
    neighbourhood = django_filters.CharFilter(
        field_name="neighbourhoods__code", distinct=True, help_text=NEIGHBOURHOOD_HELP
    )
    modified_since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", help_text=SINCE_HELP)

    class Meta:
        model = Fund
        fields = ["fund", "year", "theme", "neighbourhood", "modified_since"]


class RequestFilter(_by_request("")):
    status = django_filters.ChoiceFilter(choices=Status.choices, help_text=_("Statut de la demande."))
    modified_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text=SINCE_HELP)

    class Meta:
        model = Application
        fields = ["fund", "year", "status", "theme", "neighbourhood", "modified_since"]


class DecisionFilter(_by_request("item__application__")):
    status = django_filters.ChoiceFilter(
        field_name="outcome", choices=Decision.Outcome.choices, help_text=_("Décision : accordée, ajournée, refusée.")
    )
    modified_since = django_filters.IsoDateTimeFilter(method="filter_modified_since", help_text=SINCE_HELP)

    class Meta:
        model = Decision
        fields = ["fund", "year", "status", "theme", "neighbourhood", "modified_since"]

    def filter_modified_since(self, queryset, name, value):
        return queryset.filter(selectors.modified_since_q(value))


class PaymentFilter(_by_request("application__")):
    status = django_filters.ChoiceFilter(
        field_name="kind", choices=Payment.Kind.choices, help_text=_("Type de versement : acompte ou solde.")
    )
    modified_since = django_filters.IsoDateTimeFilter(field_name="recorded_at", lookup_expr="gte", help_text=SINCE_HELP)

    class Meta:
        model = Payment
        fields = ["fund", "year", "status", "theme", "neighbourhood", "modified_since"]


class BilanFilter(_by_request("application__")):
    status = django_filters.ChoiceFilter(choices=BilanStatus.choices, help_text=_("Statut du bilan."))
    modified_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte", help_text=SINCE_HELP)

    class Meta:
        model = Bilan
        fields = ["fund", "year", "status", "theme", "neighbourhood", "modified_since"]
