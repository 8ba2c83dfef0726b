"""Fifty/fifty projects (an idea, meetings with the town, what each side brings, a convention and its
signatures), initiatives carried without a convention, and the register of the town's "bâtisseurs"."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fiftyfifty.workflow import InitiativeStatus, Status
from funds.models import CarrierAssociation, Fund

MONEY = {"max_digits": 10, "decimal_places": 2}
FIFTY_FIFTY = Q(scheme=Fund.Scheme.FIFTY_FIFTY)


class ProjectQuerySet(models.QuerySet):
    def managed_by(self, user):
        """Projects of the funds whose carrier (the town) the user works for."""
        return self.filter(fund__in=Fund.objects.managed_by(user).values("pk"))

    def showcased(self):
        return self.filter(status=Status.DONE, is_public=True)


class Project(models.Model):
    """A fifty/fifty: residents' idea and commitment + the commune's support, framed by a convention."""

    fund = models.ForeignKey(
        Fund,
        verbose_name=_("dispositif"),
        on_delete=models.PROTECT,
        related_name="fifty_projects",
        limit_choices_to=FIFTY_FIFTY,
    )
    title = models.CharField(_("nom du projet"), max_length=200)
    idea = models.TextField(_("votre idée"), max_length=4000)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    carried_by = models.CharField(
        _("porté par"),
        max_length=200,
        help_text=_("Votre nom, celui de votre groupe d'habitants ou de votre association."),
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("habitant qui a proposé l'idée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fifty_projects",
    )
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    status = models.CharField(_("étape"), max_length=20, choices=Status.choices, default=Status.IDEA)
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    residents_involved = models.PositiveIntegerField(
        _("habitants impliqués"), default=0, validators=[MaxValueValidator(100000)]
    )
    outcome = models.TextField(_("ce qui a été réalisé"), max_length=4000, blank=True)
    carried_out_on = models.DateField(_("réalisé le"), null=True, blank=True)
    is_public = models.BooleanField(
        _("présenté au public"),
        default=True,
        help_text=_("Une fois réalisé, le projet est présenté sur la vitrine de la commune."),
    )
    created_at = models.DateTimeField(_("proposé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet fifty/fifty")
        verbose_name_plural = _("projets fifty/fifty")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["fund", "status"], name="fifty_project_fund_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="fifty_project_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_showcased(self) -> bool:
        return self.status == Status.DONE and self.is_public

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            raise ValidationError({"planned_end": _("La fin prévue doit suivre le début prévu.")})
        if self.fund_id and self.fund.scheme != Fund.Scheme.FIFTY_FIFTY:
            raise ValidationError({"fund": _("Ce dispositif n'est pas un fifty/fifty.")})


class Meeting(models.Model):
    """A meeting of the residents and the town, to measure the idea's feasibility or follow the project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date de la rencontre"))
    attendees = models.CharField(_("participants"), max_length=300, blank=True)
    notes = models.TextField(_("compte rendu"), max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project} — {self.held_on:%d/%m/%Y}"


class Commitment(models.Model):
    """What one side brings: the residents (tasks, volunteer time, materials) or the commune (advice,
    technical help, financial help), with its description and its value."""

    class Side(models.TextChoices):
        RESIDENTS = "residents", _("Les habitants")
        COMMUNE = "commune", _("La commune")

    class Kind(models.TextChoices):
        TASKS = "tasks", _("Tâches prises en charge")
        VOLUNTEER_TIME = "volunteer_time", _("Temps bénévole")
        MATERIALS = "materials", _("Matériel et fournitures")
        ADVICE = "advice", _("Conseil")
        TECHNICAL = "technical", _("Appui technique")
        FINANCIAL = "financial", _("Appui financier")

    KINDS_BY_SIDE = {
        Side.RESIDENTS: (Kind.TASKS, Kind.VOLUNTEER_TIME, Kind.MATERIALS),
        Side.COMMUNE: (Kind.ADVICE, Kind.TECHNICAL, Kind.FINANCIAL),
    }

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="commitments")
    side = models.CharField(_("qui s'engage"), max_length=20, choices=Side.choices)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=500)
    value = models.DecimalField(
        _("valeur estimée (€)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("En euros ; 0 si elle n'est pas chiffrée."),
        **MONEY,
    )

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["side", "kind", "pk"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="fifty_commitment_value_positive")]

    def __str__(self) -> str:
        return f"{self.get_side_display()} — {self.get_kind_display()}"

    def clean(self):
        if self.side and self.kind and self.kind not in self.KINDS_BY_SIDE.get(self.side, ()):
            raise ValidationError(
                {
                    "kind": _("Cette nature d'engagement ne correspond pas à %(side)s.")
                    % {"side": self.get_side_display().lower()}
                }
            )


def signed_copy_path(instance, filename: str) -> str:
    return f"private/fiftyfifty/conventions/{instance.project_id}/{filename}"


class Convention(models.Model):
    """The convention that frames what each side brings: drafted when both agree, then signed by both."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="convention")
    number = models.CharField(_("numéro"), max_length=30, unique=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    drafted_at = models.DateTimeField(_("rédigée le"), auto_now_add=True)
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    signed_copy = models.FileField(_("exemplaire signé"), upload_to=signed_copy_path, blank=True, max_length=255)

    class Meta:
        verbose_name = _("convention fifty/fifty")
        verbose_name_plural = _("conventions fifty/fifty")
        ordering = ["-drafted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="fifty_convention_dates")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def duration_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Signature(models.Model):
    """One party's signature: a recorded consent (name, role, date), given in the portal or on paper."""

    class Party(models.TextChoices):
        RESIDENTS = "residents", _("Pour les habitants")
        COMMUNE = "commune", _("Pour la commune")

    class Method(models.TextChoices):
        PORTAL = "portal", _("Dans le portail")
        PAPER = "paper", _("Sur papier")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(_("partie"), max_length=20, choices=Party.choices)
    name = models.CharField(_("nom et prénom"), max_length=150)
    role = models.CharField(_("qualité"), max_length=150)
    signed_at = models.DateTimeField(_("signée le"))
    method = models.CharField(_("mode"), max_length=10, choices=Method.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent = models.TextField(_("texte accepté"), max_length=1000)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["party"]
        constraints = [models.UniqueConstraint(fields=["convention", "party"], name="fifty_one_signature_per_party")]

    def __str__(self) -> str:
        return f"{self.get_party_display()} : {self.name}"


class InitiativeQuerySet(models.QuerySet):
    def managed_by(self, user):
        return self.filter(fund__in=Fund.objects.managed_by(user).values("pk"))

    def showcased(self):
        return self.filter(status=InitiativeStatus.VALIDATED)


class Initiative(models.Model):
    """An action residents carried without a convention ("j'ai organisé un ramassage de déchets…"), recorded so
    that the town can showcase it once it has validated it."""

    fund = models.ForeignKey(
        Fund,
        verbose_name=_("dispositif"),
        on_delete=models.PROTECT,
        related_name="fifty_initiatives",
        limit_choices_to=FIFTY_FIFTY,
    )
    title = models.CharField(_("nom de l'initiative"), max_length=200)
    description = models.TextField(_("ce qui a été fait"), max_length=4000)
    carried_by = models.CharField(_("porté par"), max_length=200)
    happened_on = models.DateField(_("date"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    residents_involved = models.PositiveIntegerField(
        _("habitants impliqués"), default=0, validators=[MaxValueValidator(100000)]
    )
    status = models.CharField(
        _("état"), max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.DECLARED
    )
    review_comment = models.CharField(_("réponse de la mairie"), max_length=500, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="fifty_initiatives"
    )
    created_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["fund", "status"], name="fifty_initiative_fund_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_showcased(self) -> bool:
        return self.status == InitiativeStatus.VALIDATED

    def clean(self):
        if self.fund_id and self.fund.scheme != Fund.Scheme.FIFTY_FIFTY:
            raise ValidationError({"fund": _("Ce dispositif n'est pas un fifty/fifty.")})


class Builder(models.Model):
    """A "bâtisseur": someone who took part in projects and wants to go further; listed only with consent."""

    association = models.ForeignKey(
        CarrierAssociation, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="fifty_builders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="fifty_builder_links"
    )
    name = models.CharField(_("nom et prénom"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    wishes = models.TextField(_("ce que vous aimeriez faire"), max_length=2000, blank=True)
    contact_consent = models.BooleanField(_("accepte d'être recontacté par la mairie"))
    consent_at = models.DateTimeField(_("accord donné le"))
    projects = models.ManyToManyField(Project, verbose_name=_("projets auxquels il a participé"), blank=True)
    initiatives = models.ManyToManyField(
        Initiative, verbose_name=_("initiatives auxquelles il a participé"), blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bâtisseur")
        verbose_name_plural = _("bâtisseurs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "user"], condition=Q(user__isnull=False), name="fifty_one_builder_per_user"
            ),
            models.CheckConstraint(condition=Q(contact_consent=True), name="fifty_builder_consented"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if not self.email and not self.phone:
            raise ValidationError({"email": _("Indiquez un e-mail ou un téléphone pour être recontacté.")})
