"""The effects grid (seed 004): effects, publics, observed changes, and the bilan's observations."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.models.base import CopiedFund, CopiedFundQuerySet
from reports.models.pic import Bilan


class EffectLevel(models.TextChoices):
    INDIVIDUAL = "individual", _("Effets individuels")
    COLLECTIVE = "collective", _("Effets collectifs")
    NEIGHBOURHOOD = "neighbourhood", _("Effets sur le quartier et le territoire")


class Effect(models.TextChoices):
    SOCIAL_TIES = "social_ties", _("Lien social")
    HEALTH = "health", _("Santé")
    CAPACITY_TO_ACT = "capacity_to_act", _("Capacité à agir")
    SOLIDARITY = "solidarity", _("Solidarité")
    NETWORKS = "networks", _("Réseau de personnes")
    INCLUSION = "inclusion", _("Sentiment d'inclusion ou d'exclusion")
    GENDER_EQUALITY = "gender_equality", _("Égalité femmes/hommes")
    CARE_OF_SPACES = "care_of_spaces", _("Entretien des espaces")
    PUBLIC_SERVICES = "public_services", _("Services publics et de proximité")
    PUBLIC_INNOVATION = "public_innovation", _("Innovation publique")


EFFECT_LEVELS: dict[str, str] = {
    Effect.SOCIAL_TIES: EffectLevel.INDIVIDUAL,
    Effect.HEALTH: EffectLevel.INDIVIDUAL,
    Effect.CAPACITY_TO_ACT: EffectLevel.INDIVIDUAL,
    Effect.SOLIDARITY: EffectLevel.COLLECTIVE,
    Effect.NETWORKS: EffectLevel.COLLECTIVE,
    Effect.INCLUSION: EffectLevel.COLLECTIVE,
    Effect.GENDER_EQUALITY: EffectLevel.COLLECTIVE,
    Effect.CARE_OF_SPACES: EffectLevel.NEIGHBOURHOOD,
    Effect.PUBLIC_SERVICES: EffectLevel.NEIGHBOURHOOD,
    Effect.PUBLIC_INNOVATION: EffectLevel.NEIGHBOURHOOD,
}


# The sentence of the grid that the ticked items complete.
EFFECT_QUESTIONS: dict[str, str] = {
    Effect.SOCIAL_TIES: _(
        "Des interactions sociales ont été observées entre différents publics. Ces échanges ont été constatés :"
    ),
    Effect.HEALTH: _(
        "Des changements dans les conditions physiques, sociales et psychiques des bénéficiaires ont été observés. "
        "Certaines personnes ont fait part ou ont paru :"
    ),
    Effect.CAPACITY_TO_ACT: _("De nouveaux projets ou actions imprévus (atelier, évènement, marché...) ont émergé :"),
    Effect.SOLIDARITY: _("Des échanges, dons ou mutualisations ont été observés entre ces publics :"),
    Effect.NETWORKS: _("La création de réseaux de personnes a été observée entre ces publics :"),
    Effect.INCLUSION: _("Il a été observé que :"),
    Effect.GENDER_EQUALITY: _("Répartition entre femmes et hommes observée :"),
    Effect.CARE_OF_SPACES: _("Le projet a permis d'améliorer :"),
    Effect.PUBLIC_SERVICES: _("Le projet a permis :"),
    Effect.PUBLIC_INNOVATION: _("La collaboration avec les partenaires publics et privés a permis :"),
}


class ObservedPublic(models.TextChoices):
    """Between whom an effect was observed. Stored as one BooleanField each on `EffectObservation`."""

    NEIGHBOURS = "neighbours", _("voisin·e·s du quartier")
    VISITORS = "visitors", _("visiteur·euse·s grand public")
    LOCAL_ACTORS = "local_actors", _("acteur·rice·s du quartier")
    IN_DIFFICULTY = "in_difficulty", _("publics en difficulté")


# Model field of each public.
PUBLIC_FIELDS: dict[str, str] = {
    ObservedPublic.NEIGHBOURS: "public_neighbours",
    ObservedPublic.VISITORS: "public_visitors",
    ObservedPublic.LOCAL_ACTORS: "public_local_actors",
    ObservedPublic.IN_DIFFICULTY: "public_in_difficulty",
}


# The grid asks "between whom" only for these effects.
EFFECTS_WITH_PUBLICS = frozenset({Effect.SOCIAL_TIES, Effect.SOLIDARITY, Effect.NETWORKS})


class ObservedChange(models.TextChoices):
    """The items of the grid, each belonging to one effect (the part before the dot)."""

    SOCIAL_TIES_PROJECT_LIFE = "social_ties.project_life", _("dans la vie du projet")
    SOCIAL_TIES_DEDICATED_TIMES = (
        "social_ties.dedicated_times",
        _("lors de temps spécifiques organisés pour favoriser les rencontres entre ces publics"),
    )
    SOCIAL_TIES_PUBLIC_EVENTS = "social_ties.public_events", _("lors d'évènements grand public")
    SOCIAL_TIES_DEDICATED_ACTIVITIES = "social_ties.dedicated_activities", _("lors d'activités avec des publics dédiés")
    HEALTH_BETTER_HEALTH = "health.better_health", _("en meilleure santé physique ou psychique")
    HEALTH_RELATIONS = "health.relations", _("se sentir mieux dans leurs relations avec les autres")
    HEALTH_CONFIDENCE = "health.confidence", _("d'une plus grande confiance en eux")
    CAPACITY_BY_VOLUNTEERS = "capacity_to_act.by_volunteers", _("portés par des bénévoles")
    CAPACITY_BY_REGULARS = (
        "capacity_to_act.by_regulars",
        _("portés par des personnes qui fréquentent régulièrement le lieu ou le projet"),
    )
    SOLIDARITY_SERVICES = "solidarity.services", _("de petits services")
    SOLIDARITY_SKILLS = "solidarity.skills", _("de compétences")
    SOLIDARITY_GOODS = "solidarity.goods", _("de biens")
    NETWORKS_COMMON_NEED = "networks.common_need", _("autour d'un besoin commun")
    NETWORKS_COMMON_WISH = "networks.common_wish", _("autour d'une envie commune")
    INCLUSION_GATHERED = "inclusion.gathered", _("des personnes se sont fédérées autour du lieu ou du projet")
    INCLUSION_BELONGING = "inclusion.belonging", _("un sentiment d'appartenance au quartier est apparu")
    EQUALITY_TEAM_MORE_WOMEN = (
        "gender_equality.team_more_women",
        _("équipe et dirigeant·es : plus de femmes que d'hommes"),
    )
    EQUALITY_TEAM_BALANCED = (
        "gender_equality.team_balanced",
        _("équipe et dirigeant·es : autant de femmes que d'hommes"),
    )
    EQUALITY_TEAM_FEWER_WOMEN = (
        "gender_equality.team_fewer_women",
        _("équipe et dirigeant·es : moins de femmes que d'hommes"),
    )
    EQUALITY_PUBLIC_MORE_WOMEN = "gender_equality.public_more_women", _("publics : plus de femmes que d'hommes")
    EQUALITY_PUBLIC_BALANCED = "gender_equality.public_balanced", _("publics : autant de femmes que d'hommes")
    EQUALITY_PUBLIC_FEWER_WOMEN = "gender_equality.public_fewer_women", _("publics : moins de femmes que d'hommes")
    SPACES_ACCESSIBILITY = "care_of_spaces.accessibility", _("l'accessibilité des espaces à toutes et tous")
    SPACES_RESPECT = "care_of_spaces.respect", _("le respect des espaces par les usagers")
    SPACES_ATTRACTIVENESS = "care_of_spaces.attractiveness", _("l'attractivité des espaces")
    SERVICES_URBAN_MANAGEMENT = (
        "public_services.urban_management",
        _(
            "d'améliorer la gestion urbaine par les services des collectivités ou de leurs partenaires "
            "(ramassage des ordures, propreté, entretien, sécurité...)"
        ),
    )
    SERVICES_LOCAL = (
        "public_services.local_services",
        _("de répondre à des besoins sociaux urgents : services de proximité"),
    )
    SERVICES_MEETING_PLACES = (
        "public_services.meeting_places",
        _(
            "de répondre à des besoins sociaux urgents : espaces de convivialité ou de rencontres "
            "attentifs aux minorités"
        ),
    )
    SERVICES_CULTURE = (
        "public_services.culture",
        _("de répondre à des besoins sociaux urgents : pratique artistique et culturelle"),
    )
    SERVICES_PREMISES = "public_services.premises", _("de répondre à des besoins sociaux urgents : locaux d'activité")
    INNOVATION_IMPROVE = "public_innovation.improve", _("d'améliorer des modes de faire")
    INNOVATION_EXPERIMENT = "public_innovation.experiment", _("d'expérimenter de nouveaux modes de faire")


def changes_of(effect: str) -> list[tuple[str, str]]:
    """The grid items (value, label) of one effect, in the grid's order."""
    prefix = f"{effect}."
    return [(value, label) for value, label in ObservedChange.choices if value.startswith(prefix)]


# Items of which at most one may be ticked (they contradict each other).
EXCLUSIVE_CHANGES: tuple[frozenset[str], ...] = (
    frozenset(
        {
            ObservedChange.EQUALITY_TEAM_MORE_WOMEN,
            ObservedChange.EQUALITY_TEAM_BALANCED,
            ObservedChange.EQUALITY_TEAM_FEWER_WOMEN,
        }
    ),
    frozenset(
        {
            ObservedChange.EQUALITY_PUBLIC_MORE_WOMEN,
            ObservedChange.EQUALITY_PUBLIC_BALANCED,
            ObservedChange.EQUALITY_PUBLIC_FEWER_WOMEN,
        }
    ),
)


class EffectObservation(CopiedFund, models.Model):
    """One effect of the grid observed by the holder: between whom, what changed, and what happened."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="effects")
    # The bilan's fund (copied, as the bilan's own): a fund's observations are counted through this index
    # rather than by joining every observation of the region to the fund's bilans.
    fund = models.ForeignKey(
        "funds.Fund", verbose_name=_("fonds"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    effect = models.CharField(_("effet"), max_length=30, choices=Effect.choices)
    public_neighbours = models.BooleanField(ObservedPublic.NEIGHBOURS.label, default=False)
    public_visitors = models.BooleanField(ObservedPublic.VISITORS.label, default=False)
    public_local_actors = models.BooleanField(ObservedPublic.LOCAL_ACTORS.label, default=False)
    public_in_difficulty = models.BooleanField(ObservedPublic.IN_DIFFICULTY.label, default=False)
    narrative = models.TextField(_("ce qui a été observé"), blank=True, max_length=3000)

    objects = CopiedFundQuerySet.as_manager()
    fund_parent = "bilan"

    class Meta:
        verbose_name = _("effet observé")
        verbose_name_plural = _("effets observés")
        ordering = ["bilan", "id"]
        constraints = [models.UniqueConstraint(fields=["bilan", "effect"], name="unique_effect_per_bilan")]

    def __str__(self) -> str:
        return self.get_effect_display()

    @property
    def level(self) -> str:
        return EFFECT_LEVELS[self.effect]

    def publics(self) -> list[str]:
        return [value for value, field in PUBLIC_FIELDS.items() if getattr(self, field)]


class EffectChange(CopiedFund, models.Model):
    """One ticked item of an observed effect (e.g. health: "d'une plus grande confiance en eux")."""

    observation = models.ForeignKey(EffectObservation, on_delete=models.CASCADE, related_name="changes")
    # The observation's bilan and fund (copied, as the observation's own): a fund's ticked items are counted
    # through their own fund index, and kept to its filed bilans, without visiting each observation.
    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="+", editable=False)
    fund = models.ForeignKey(
        "funds.Fund", verbose_name=_("fonds"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    change = models.CharField(_("changement observé"), max_length=50, choices=ObservedChange.choices)

    objects = CopiedFundQuerySet.as_manager()
    fund_parent = "observation"

    class Meta:
        verbose_name = _("changement observé")
        verbose_name_plural = _("changements observés")
        ordering = ["observation", "id"]
        constraints = [models.UniqueConstraint(fields=["observation", "change"], name="unique_change_per_effect")]

    def __str__(self) -> str:
        return self.get_change_display()

    def fill_fund(self) -> None:
        """The observation's bilan too (an observation never changes bilan, nor a bilan fund)."""
        if self.fund_id is None or self.bilan_id is None:
            self.fund_id, self.bilan_id = self.observation.fund_id, self.observation.bilan_id
