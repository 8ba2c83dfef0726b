"""Bilans (final reports) of funded micro-projects, as typed columns the statistics can count.

- `Bilan`: the PIC / FPH / fifty-fifty bilan (seed 000), its spent money (`BilanExpense`), its
  receipts and photos (`BilanAttachment`) and the effects grid (`EffectObservation`, seed 004).
- `CvsBilan`: the annex 3 bilan of the Contrat de ville et des solidarités, with its operational
  objectives, partners and budget table.
- `BilanReminder`: one row per reminder e-mail sent, so none is ever sent twice.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.budget import ExpenseCategory, ResourceCategory
from applications.models import MAX_PEOPLE, Application
from funds.models import MONEY
from reports.workflow import BILAN_EDITABLE, BilanStatus

MAX_AMOUNT = Decimal("10000000")
MIN_OBJECTIVES = 2
MAX_OBJECTIVES = 5
SHORT_DESCRIPTION_MAX_LINES = 10


def _people(label):
    return models.PositiveIntegerField(label, null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)])


def _money(label, **kwargs):
    return models.DecimalField(
        label, validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)], **MONEY, **kwargs
    )


class BaseBilan(models.Model):
    """What both kinds of bilan share: their life (status, who filed and reviewed it, when)."""

    status = models.CharField(
        _("statut du bilan"), max_length=20, choices=BilanStatus.choices, default=BilanStatus.DRAFT, db_index=True
    )
    return_comment = models.TextField(
        _("motif du renvoi"),
        blank=True,
        max_length=5000,
        help_text=_("Ce que le porteur doit corriger ou compléter, quand l'association renvoie le bilan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("commencé par"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("étudié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("étudié le"), null=True, blank=True)
    created_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in BILAN_EDITABLE


# --- The PIC / FPH / fifty-fifty bilan ----------------------------------------------------------------


class Bilan(BaseBilan):
    """The bilan of a micro-project (seed 000): what happened, who took part, what it changed, what it cost."""

    application = models.OneToOneField(
        Application, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="bilan"
    )
    main_objective = models.TextField(
        _("objectif principal du projet au regard de la thématique d'intervention choisie"),
        blank=True,
        max_length=5000,
    )
    held_from = models.DateTimeField(_("réalisé du"), null=True, blank=True)
    held_until = models.DateTimeField(_("réalisé jusqu'au"), null=True, blank=True)
    proceedings = models.TextField(_("déroulement de l'action"), blank=True, max_length=10000)
    mobilised_women = _people(_("habitantes mobilisées pour mettre en œuvre l'action"))
    mobilised_men = _people(_("habitants mobilisés pour mettre en œuvre l'action"))
    participant_women = _people(_("habitantes ayant participé ou assisté à l'action"))
    participant_men = _people(_("habitants ayant participé ou assisté à l'action"))
    positive_points = models.TextField(_("points positifs"), blank=True, max_length=5000)
    difficulties = models.TextField(_("difficultés rencontrées"), blank=True, max_length=5000)
    results = models.TextField(_("résultats obtenus"), blank=True, max_length=5000)
    helpers = models.TextField(_("qui vous a aidé dans l'organisation de votre projet ?"), blank=True, max_length=2000)
    help_received = models.TextField(
        _("quelles aides avez-vous reçues pour monter ce projet ?"), blank=True, max_length=2000
    )
    help_sufficient = models.BooleanField(_("cet accompagnement était-il suffisant ?"), null=True, blank=True)
    help_comment = models.TextField(_("commentaire sur l'accompagnement"), blank=True, max_length=2000)
    wants_to_renew = models.BooleanField(_("souhaitez-vous reconduire votre action ?"), null=True, blank=True)
    other_ideas = models.TextField(_("avez-vous d'autres idées de projet ?"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("bilan de projet")
        verbose_name_plural = _("bilans de projet")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_from__isnull=True)
                | Q(held_until__isnull=True)
                | Q(held_until__gte=models.F("held_from")),
                name="bilan_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Bilan')} — {self.application}"


class BilanExpense(models.Model):
    """One line of what was spent: planned in the request (copied, or 0 for a new line) and actually spent."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="expenses")
    category = models.CharField(_("catégorie"), max_length=10, choices=ExpenseCategory.choices)
    label = models.CharField(_("libellé"), max_length=200)
    planned_amount = _money(_("montant prévu"), default=Decimal("0"))
    actual_amount = _money(_("montant réellement dépensé"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("dépense du bilan")
        verbose_name_plural = _("dépenses du bilan")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_amount__gte=0), name="bilan_expense_planned_not_negative"),
            models.CheckConstraint(
                condition=Q(actual_amount__isnull=True) | Q(actual_amount__gte=0),
                name="bilan_expense_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.label}"


def bilan_attachment_path(instance, filename: str) -> str:
    return f"private/bilans/{instance.bilan.application_id}/{instance.kind}/{filename}"


class BilanAttachment(models.Model):
    """A receipt or a photo of the project. Never served by URL: a view checks who may download it.

    Images are re-encoded on upload, without their metadata (EXIF, GPS position, camera).
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Justificatif de dépense")
        PHOTO = "photo", _("Photo du projet")

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("fichier"), upload_to=bilan_attachment_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("Pour une photo : ce qu'elle montre (lu aux personnes aveugles ou malvoyantes)."),
    )
    public_consent = models.BooleanField(
        _("les personnes visibles acceptent que la photo soit publiée"),
        default=False,
        help_text=_("Cochez seulement si chaque personne reconnaissable sur la photo a donné son accord."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce du bilan")
        verbose_name_plural = _("pièces du bilan")
        ordering = ["kind", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(public_consent=False) | Q(kind="photo"), name="bilan_attachment_consent_only_for_photos"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


# --- The effects grid (seed 004) ----------------------------------------------------------------------


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


class EffectObservation(models.Model):
    """One effect of the grid observed by the holder: between whom, what changed, and what happened."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="effects")
    effect = models.CharField(_("effet"), max_length=30, choices=Effect.choices)
    public_neighbours = models.BooleanField(ObservedPublic.NEIGHBOURS.label, default=False)
    public_visitors = models.BooleanField(ObservedPublic.VISITORS.label, default=False)
    public_local_actors = models.BooleanField(ObservedPublic.LOCAL_ACTORS.label, default=False)
    public_in_difficulty = models.BooleanField(ObservedPublic.IN_DIFFICULTY.label, default=False)
    narrative = models.TextField(_("ce qui a été observé"), blank=True, max_length=3000)

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


class EffectChange(models.Model):
    """One ticked item of an observed effect (e.g. health: "d'une plus grande confiance en eux")."""

    observation = models.ForeignKey(EffectObservation, on_delete=models.CASCADE, related_name="changes")
    change = models.CharField(_("changement observé"), max_length=50, choices=ObservedChange.choices)

    class Meta:
        verbose_name = _("changement observé")
        verbose_name_plural = _("changements observés")
        ordering = ["observation", "id"]
        constraints = [models.UniqueConstraint(fields=["observation", "change"], name="unique_change_per_effect")]

    def __str__(self) -> str:
        return self.get_change_display()


# --- The CVS bilan (annex 3) --------------------------------------------------------------------------


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Non démarré (0 %)")
    STOPPED = "stopped", _("Stoppé (abandon de l'action, action qui n'est plus d'actualité...)")
    IN_PROGRESS = "in_progress", _("En cours (en cours de mise en œuvre, des réalisations observables) depuis le")
    CLOSED = "closed", _("Clôturé (des actions ont été mises en œuvre et plus rien ne sera mené) depuis le")


PROGRESS_WITH_DATE = frozenset({ProgressStatus.IN_PROGRESS, ProgressStatus.CLOSED})


class Perspective(models.TextChoices):
    MAINTAIN = "maintain", _("Maintien")
    EVOLVE = "evolve", _("Évolution")
    STOP = "stop", _("Suppression")
    SPREAD = "spread", _("Essaimage")


class CvsBilan(BaseBilan):
    """The CVS annex 3 bilan: identity sheet, progress, objectives, partners, appraisal, SWOT and budget."""

    application = models.OneToOneField(
        Application, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="cvs_bilan"
    )
    period_start = models.DateField(_("début de la période du bilan"), null=True, blank=True)
    period_end = models.DateField(_("fin de la période du bilan"), null=True, blank=True)

    # Identity sheet
    structure = models.CharField(_("structure porteuse et statut"), max_length=300, blank=True)
    referent_first_name = models.CharField(_("prénom de la personne référente"), max_length=100, blank=True)
    referent_last_name = models.CharField(_("nom de la personne référente"), max_length=100, blank=True)
    referent_function = models.CharField(_("fonction"), max_length=150, blank=True)
    referent_email = models.EmailField(_("e-mail"), blank=True)
    referent_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    action_created_year = models.PositiveSmallIntegerField(
        _("année de création de l'action"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    territory = models.TextField(_("territoire de l'action"), blank=True, max_length=2000)
    target_public = models.TextField(_("public cible"), blank=True, max_length=2000)
    partnerships = models.TextField(_("partenariats mobilisés"), blank=True, max_length=3000)
    dedicated_staff = models.TextField(_("personnel dédié spécifiquement au projet"), blank=True, max_length=2000)
    material_means = models.TextField(_("moyens matériels (locaux, informatiques...)"), blank=True, max_length=2000)
    communication_means = models.TextField(_("moyens de communication utilisés"), blank=True, max_length=2000)
    planned_cost = _money(_("rappel du coût prévisionnel du projet"), null=True, blank=True)
    short_description = models.TextField(
        _("descriptif synthétique du projet"),
        blank=True,
        max_length=1500,
        help_text=_("Enjeux, modalités, en quoi consiste concrètement le projet (10 lignes maximum)."),
    )

    # Progress
    progress_status = models.CharField(
        _("état d'avancement du projet"), max_length=20, choices=ProgressStatus.choices, blank=True
    )
    progress_since = models.DateField(_("depuis le"), null=True, blank=True)

    # Coordination and appraisal
    coordination = models.TextField(
        _("modalités de coordination et de pilotage du projet"), blank=True, max_length=3000
    )
    achievements = models.TextField(_("principales réalisations dans le cadre du projet"), blank=True, max_length=5000)
    successes = models.TextField(
        _("réussites, résultats remarquables, points positifs du projet et innovations"), blank=True, max_length=5000
    )
    difficulties = models.TextField(_("difficultés et points de blocage"), blank=True, max_length=5000)
    positive_impacts = models.TextField(_("impacts ou effets positifs"), blank=True, max_length=3000)
    negative_impacts = models.TextField(_("impacts ou effets négatifs"), blank=True, max_length=3000)
    perspective = models.CharField(_("perspectives"), max_length=10, choices=Perspective.choices, blank=True)
    perspective_comment = models.TextField(_("précisions sur les perspectives"), blank=True, max_length=3000)
    key_figures = models.TextField(
        _("chiffres clés"),
        blank=True,
        max_length=5000,
        help_text=_(
            "Nombre de personnes touchées en QPV, égalité femmes-hommes, tranches d'âge, nombre de séances... "
            "Précisez la date, la source, l'unité et la fréquence de chaque chiffre. Rubrique obligatoire."
        ),
    )

    # SWOT
    swot_strengths = models.TextField(_("forces / atouts"), blank=True, max_length=3000)
    swot_weaknesses = models.TextField(_("faiblesses"), blank=True, max_length=3000)
    swot_opportunities = models.TextField(_("opportunités"), blank=True, max_length=3000)
    swot_threats = models.TextField(_("menaces"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("bilan CVS (annexe 3)")
        verbose_name_plural = _("bilans CVS (annexe 3)")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="cvs_bilan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Bilan CVS')} — {self.application}"


class CvsObjective(models.Model):
    """A quantified operational objective (2 to 5 per bilan)."""

    bilan = models.ForeignKey(CvsBilan, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(_("numéro"))
    objective = models.TextField(_("objectif opérationnel"), max_length=1000)
    indicators = models.TextField(_("indicateurs de suivi"), max_length=1000)
    result = models.TextField(_("résultat"), max_length=2000)
    comments = models.TextField(_("commentaires éventuels"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("objectif opérationnel")
        verbose_name_plural = _("objectifs opérationnels")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["bilan", "position"], name="unique_cvs_objective_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.objective[:60]}"


class CvsPartner(models.Model):
    """Another actor involved in the project: a row of the annex's partners table."""

    bilan = models.ForeignKey(CvsBilan, on_delete=models.CASCADE, related_name="partners")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    actor = models.CharField(_("acteur impliqué dans le projet"), max_length=200)
    is_new_partner = models.BooleanField(_("s'agissait-il d'un nouveau partenaire ?"), default=False)
    role = models.CharField(
        _("rôle dans le projet"),
        max_length=500,
        help_text=_("Par exemple : informe, prescrit, accompagne, coordonne, oriente, pilote, finance..."),
    )
    when_associated = models.CharField(
        _("à quel(s) moment(s) a-t-il été associé ?"),
        max_length=500,
        blank=True,
        help_text=_("Par exemple : sur sollicitation, en continu, lors des comités de suivi ou de pilotage..."),
    )
    satisfied = models.BooleanField(_("le partenariat vous a-t-il semblé satisfaisant ?"), null=True, blank=True)
    room_for_progress = models.TextField(_("marges de progrès"), blank=True, max_length=1000)

    class Meta:
        verbose_name = _("partenaire du projet")
        verbose_name_plural = _("partenaires du projet")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.actor


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
    planned_amount = _money(_("montant prévisionnel"), default=Decimal("0"))
    realised_amount = _money(_("montant réalisé"), default=Decimal("0"))
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


# --- Reminders ----------------------------------------------------------------------------------------


class BilanReminder(models.Model):
    """A reminder e-mail sent about a bilan: at most one of each kind per request."""

    class Kind(models.TextChoices):
        BEFORE_7 = "before_7", _("7 jours avant la date limite")
        AFTER_7 = "after_7", _("7 jours après la date limite")
        AFTER_30 = "after_30", _("30 jours après la date limite")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="bilan_reminders")
    kind = models.CharField(_("relance"), max_length=10, choices=Kind.choices)
    due_date = models.DateField(_("date limite du bilan"))
    recipient = models.EmailField(_("destinataire"))
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("relance de bilan")
        verbose_name_plural = _("relances de bilan")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="unique_bilan_reminder_kind")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_kind_display()}"


# Days from the due date to each reminder, in the order they are sent.
REMINDER_OFFSETS: dict[str, int] = {
    BilanReminder.Kind.BEFORE_7: -7,
    BilanReminder.Kind.AFTER_7: 7,
    BilanReminder.Kind.AFTER_30: 30,
}
