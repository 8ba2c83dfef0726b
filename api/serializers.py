"""The JSON of each resource: explicit field lists, so a new model column never leaks by itself.

Never in any response: staff private notes, eligibility checks, attachments (bank details included),
messages, e-mail addresses, votes by name. A request's holder identity (kind, name, SIRET, RNA) is given to
every reader; its referent's name and phone, its address and the project's place only to the staff of the
fund's association, the administrator and the request's own author (`personal_data_funds`).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import APPLICATION_PROJECT_FIELDS, Application, Holder
from committees.models import Decision, Payment
from funds.models import CarrierAssociation, Fund, FundCoFunder
from reports.models import EFFECT_LEVELS, PUBLIC_FIELDS, Bilan, EffectObservation

MONEY = {"max_digits": 12, "decimal_places": 2}


class AssociationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CarrierAssociation
        fields = ["slug", "name", "siret", "rna"]


class CoFunderSerializer(serializers.ModelSerializer):
    funder = serializers.CharField(source="funder.name")
    kind = serializers.CharField(source="funder.kind")

    class Meta:
        model = FundCoFunder
        fields = ["funder", "kind", "amount"]


class FundSerializer(serializers.ModelSerializer):
    association = AssociationSerializer()
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    neighbourhoods = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    cofunders = CoFunderSerializer(many=True)

    class Meta:
        model = Fund
        fields = [
            "slug",
            "name",
            "scheme",
            "year",
            "is_published",
            "association",
            "envelope",
            "max_grant",
            "max_grant_second_request",
            "advance_percent",
            "call_opens_on",
            "call_closes_on",
            "themes",
            "neighbourhoods",
            "cofunders",
            "created_at",
        ]


PERSONAL_HOLDER_FIELDS = ("referent_name", "referent_phone", "address", "postcode", "city")


class HolderSerializer(serializers.ModelSerializer):
    referent_name = serializers.CharField(allow_null=True)
    referent_phone = serializers.CharField(allow_null=True)
    address = serializers.CharField(allow_null=True)
    postcode = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True)

    class Meta:
        model = Holder
        fields = ["kind", "name", "siret", "rna", *PERSONAL_HOLDER_FIELDS]


def reads_personal_data(context: dict, application: Application) -> bool:
    """Whether the reader sees the holder's personal data on this request (see the module's docstring)."""
    user = context["request"].user
    funds = context["personal_data_associations"]
    return application.created_by_id == user.pk or funds is None or application.fund.association_id in funds


class RequestSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    neighbourhood = serializers.SlugRelatedField(slug_field="code", read_only=True)
    holder = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "fund",
            "status",
            "status_label",
            "title",
            "theme",
            "neighbourhood",
            *APPLICATION_PROJECT_FIELDS,
            "holder",
            "submitted_at",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(HolderSerializer(allow_null=True))
    def get_holder(self, application: Application):
        if application.holder is None:
            return None
        data = HolderSerializer(application.holder).data
        if not reads_personal_data(self.context, application):
            data.update(dict.fromkeys(PERSONAL_HOLDER_FIELDS))
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_place(self, application: Application):
        return application.place if reads_personal_data(self.context, application) else None


class DecisionSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="item.application_id", read_only=True)
    reference = serializers.CharField(source="item.application.reference", read_only=True)
    fund = serializers.CharField(source="item.application.fund.slug", read_only=True)
    session_date = serializers.DateField(source="item.session.date", read_only=True)
    amount_effective = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = Decision
        fields = [
            "id",
            "request",
            "reference",
            "fund",
            "session_date",
            "outcome",
            "amount_granted",
            "amount_effective",
            "conditions",
            "reason",
            "votes_for",
            "votes_against",
            "abstentions",
            "decided_at",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="application_id", read_only=True)
    reference = serializers.CharField(source="application.reference", read_only=True)
    fund = serializers.CharField(source="application.fund.slug", read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "request", "reference", "fund", "kind", "amount", "paid_on", "method", "recorded_at"]


class EffectSerializer(serializers.ModelSerializer):
    level = serializers.SerializerMethodField()
    publics = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = EffectObservation
        fields = ["effect", "level", "publics", "changes", "narrative"]

    def get_level(self, observation: EffectObservation) -> str:
        return str(EFFECT_LEVELS[observation.effect])

    def get_publics(self, observation: EffectObservation) -> list[str]:
        return [str(public) for public, field in PUBLIC_FIELDS.items() if getattr(observation, field)]

    def get_changes(self, observation: EffectObservation) -> list[str]:
        return sorted(change.change for change in observation.changes.all())


class BilanSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(source="application_id", read_only=True)
    reference = serializers.CharField(source="application.reference", read_only=True)
    fund = serializers.CharField(source="application.fund.slug", read_only=True)
    planned_expenses = serializers.DecimalField(read_only=True, **MONEY)
    actual_expenses = serializers.DecimalField(read_only=True, **MONEY)
    effects = EffectSerializer(many=True, read_only=True)

    class Meta:
        model = Bilan
        fields = [
            "id",
            "request",
            "reference",
            "fund",
            "status",
            "submitted_at",
            "held_from",
            "held_until",
            "mobilised_women",
            "mobilised_men",
            "participant_women",
            "participant_men",
            "planned_expenses",
            "actual_expenses",
            "help_sufficient",
            "wants_to_renew",
            "effects",
            "updated_at",
        ]


class AnnualFiguresSerializer(serializers.Serializer):
    """A fund's figures for its year: the funders' dashboard row (reports.dashboards)."""

    fund = serializers.CharField(source="fund.slug")
    fund_name = serializers.CharField(source="fund.name")
    year = serializers.IntegerField(source="fund.year")
    envelope = serializers.DecimalField(**MONEY)
    granted = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    remaining = serializers.DecimalField(**MONEY)
    requests = serializers.IntegerField(help_text="Demandes déposées.")
    granted_count = serializers.IntegerField(help_text="Demandes accordées.")
    participants_women = serializers.IntegerField()
    participants_men = serializers.IntegerField()
