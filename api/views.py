"""The read API, version 1 (docs/api.md). Read-only; every list is scoped by api/selectors.py."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from api import filters, selectors
from api.serializers import (
    AnnualFiguresSerializer,
    BilanSerializer,
    DecisionSerializer,
    FundSerializer,
    PaymentSerializer,
    RequestSerializer,
)
from applications.models import Application
from committees.models import Decision, Payment
from funds.models import Fund, Neighbourhood, Theme
from reports.dashboards import Filters, dashboard_rows
from reports.models import Bilan


class _ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only list whose rows are those `scope(user)` lets the token's owner read (api/selectors.py)."""

    scope: Callable[[Any], QuerySet]

    def get_queryset(self):
        return self.scope(self.request.user)


class FundViewSet(_ScopedViewSet):
    """Funds: published ones, and those the token's owner reads in the back office."""

    queryset = Fund.objects.none()
    serializer_class = FundSerializer
    filterset_class = filters.FundFilter
    lookup_field = "slug"
    scope = staticmethod(selectors.funds_for)


class RequestViewSet(_ScopedViewSet):
    """Requests (demandes) the token's owner may read; never private notes nor attachments."""

    queryset = Application.objects.none()
    serializer_class = RequestSerializer
    filterset_class = filters.RequestFilter
    scope = staticmethod(selectors.request_list_for)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        context["personal_data_associations"] = selectors.personal_data_funds(self.request.user)
        return context


class DecisionViewSet(_ScopedViewSet):
    """Committee decisions, with the effective amount (decision plus amendments)."""

    queryset = Decision.objects.none()
    serializer_class = DecisionSerializer
    filterset_class = filters.DecisionFilter
    scope = staticmethod(selectors.decisions_for)


class PaymentViewSet(_ScopedViewSet):
    """Payments (versements): advances and balances."""

    queryset = Payment.objects.none()
    serializer_class = PaymentSerializer
    filterset_class = filters.PaymentFilter
    scope = staticmethod(selectors.payments_for)


class BilanViewSet(_ScopedViewSet):
    """Bilans of PIC micro-projects: figures (people by women and men, money spent) and observed effects."""

    queryset = Bilan.objects.none()
    serializer_class = BilanSerializer
    filterset_class = filters.BilanFilter
    scope = staticmethod(selectors.bilans_for)


def _positive_int(params, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: [_("Un nombre entier est attendu.")]}) from None


@extend_schema(
    parameters=[
        OpenApiParameter("fund", OpenApiTypes.STR, description="Identifiant (slug) du fonds."),
        OpenApiParameter("year", OpenApiTypes.INT, description="Année du fonds."),
        OpenApiParameter("theme", OpenApiTypes.STR, description="Identifiant (slug) de la thématique."),
        OpenApiParameter("neighbourhood", OpenApiTypes.STR, description="Code du quartier prioritaire (QPV)."),
    ]
)
class AnnualFiguresViewSet(viewsets.GenericViewSet):
    """Annual figures per fund and year (the funders' dashboard): envelope, granted, paid, participation.

    Readable by the staff of the carrier association, the co-funders' staff and the administrator.
    With `theme` or `neighbourhood`, granted, paid and counts cover the requests selected.
    """

    serializer_class = AnnualFiguresSerializer
    filter_backends = []

    def list(self, request):
        params = request.query_params
        theme = neighbourhood = None
        if params.get("theme"):
            theme = Theme.objects.filter(slug=params["theme"]).first() or Theme(pk=0)
        if params.get("neighbourhood"):
            neighbourhood = Neighbourhood.objects.filter(code=params["neighbourhood"]).first() or Neighbourhood(pk=0)
        rows = dashboard_rows(
            user=request.user,
            filters=Filters(year=_positive_int(params, "year"), theme=theme, neighbourhood=neighbourhood),
        )
        if params.get("fund"):
            rows = [row for row in rows if row.fund.slug == params["fund"]]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
