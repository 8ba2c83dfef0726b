"""The CVS bilan (annex 3): identity, progress, objectives, partners, appraisal and SWOT."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from reports.models.base import BaseBilan, money_field


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


# The annex 3 fields the holder fills in, by section (the forms and `save_cvs_bilan` read them from here).
CVS_IDENTITY_FIELDS = (
    "period_start",
    "period_end",
    "structure",
    "referent_first_name",
    "referent_last_name",
    "referent_function",
    "referent_email",
    "referent_phone",
    "action_created_year",
    "territory",
    "target_public",
    "partnerships",
    "dedicated_staff",
    "material_means",
    "communication_means",
    "planned_cost",
    "short_description",
)
CVS_PROGRESS_FIELDS = ("progress_status", "progress_since")
CVS_COORDINATION_FIELDS = ("coordination",)
CVS_APPRAISAL_FIELDS = (
    "achievements",
    "successes",
    "difficulties",
    "positive_impacts",
    "negative_impacts",
    "perspective",
    "perspective_comment",
    "key_figures",
    "swot_strengths",
    "swot_weaknesses",
    "swot_opportunities",
    "swot_threats",
)
CVS_FIELDS = CVS_IDENTITY_FIELDS + CVS_PROGRESS_FIELDS + CVS_COORDINATION_FIELDS + CVS_APPRAISAL_FIELDS


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
    planned_cost = money_field(_("rappel du coût prévisionnel du projet"), null=True, blank=True)
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
