import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from funds.validators import normalize_identifier, validate_rna, validate_siret

MONEY = {"max_digits": 12, "decimal_places": 2}


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    department_code = models.CharField(_("code du département"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """A priority neighbourhood (QPV), as listed in the national ANCT file."""

    code = models.CharField(_("code QPV"), max_length=12, unique=True)
    name = models.CharField(_("nom"), max_length=255)
    communes = models.ManyToManyField(Commune, verbose_name=_("communes"), related_name="neighbourhoods")
    region_code = models.CharField(_("code de la région"), max_length=3, blank=True)
    region_name = models.CharField(_("région"), max_length=100, blank=True)
    department_code = models.CharField(_("code du département"), max_length=3, blank=True)
    department_name = models.CharField(_("département"), max_length=100, blank=True)
    epci_siren = models.CharField(_("SIREN de l'EPCI"), max_length=9, blank=True)
    epci_name = models.CharField(_("EPCI"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Theme(models.Model):
    """A theme a micro-project picks (the 10 PIC themes, or a fund's own list)."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=150, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CvsStake(models.Model):
    """An *enjeu* of the Contrat de ville et des solidarités (annex 2 of the MEL call)."""

    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    title = models.CharField(_("intitulé"), max_length=300)

    class Meta:
        verbose_name = _("enjeu du contrat de ville")
        verbose_name_plural = _("enjeux du contrat de ville")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{_('Enjeu')} {self.number} : {self.title}"


class CvsAmbition(models.Model):
    stake = models.ForeignKey(CvsStake, verbose_name=_("enjeu"), on_delete=models.CASCADE, related_name="ambitions")
    position = models.PositiveSmallIntegerField(_("ordre"))
    domain = models.CharField(_("domaine"), max_length=150, blank=True)
    text = models.TextField(_("ambition"))

    class Meta:
        verbose_name = _("ambition du contrat de ville")
        verbose_name_plural = _("ambitions du contrat de ville")
        ordering = ["stake__number", "position"]
        constraints = [models.UniqueConstraint(fields=["stake", "position"], name="unique_ambition_position")]

    def __str__(self) -> str:
        return f"{self.stake.number}.{self.position} {self.text[:80]}"


class Funder(models.Model):
    """A co-funder of funds: the Région, a City, the State, the CAF, a social landlord..."""

    class Kind(models.TextChoices):
        REGION = "region", _("Région")
        DEPARTMENT = "department", _("Département")
        CITY = "city", _("Commune")
        EPCI = "epci", _("Intercommunalité")
        STATE = "state", _("État")
        CAF = "caf", _("CAF")
        LANDLORD = "landlord", _("Bailleur social")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("cofinanceur")
        verbose_name_plural = _("cofinanceurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CarrierAssociation(models.Model):
    """An *association porteuse*: runs funds, instructs requests, holds committees."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    siret = models.CharField(
        _("SIRET"), max_length=14, unique=True, validators=[validate_siret], help_text=_("14 chiffres.")
    )
    rna = models.CharField(
        _("numéro RNA"), max_length=10, blank=True, validators=[validate_rna], help_text=_("W suivi de 9 caractères.")
    )
    address = models.CharField(_("adresse"), max_length=255)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("ville"), max_length=100)
    contact_name = models.CharField(_("personne à contacter"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail de contact"))
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    website = models.URLField(_("site internet"), blank=True)
    opening_hours = models.TextField(
        _("horaires d'accueil"),
        blank=True,
        max_length=1000,
        validators=[MaxLengthValidator(1000)],
        help_text=_("Affichés sur la page « Besoin d'aide ? » de chaque fonds. Ex. : lundi au vendredi, 9 h – 12 h."),
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("quartiers desservis"), related_name="associations", blank=True
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("équipe salariée ou bénévole"),
        through="AssociationStaff",
        related_name="carrier_associations",
        blank=True,
    )

    class Meta:
        verbose_name = _("association porteuse")
        verbose_name_plural = _("associations porteuses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        # Accept "784 512 360 00016": remove spaces and dots before the length checks.
        self.siret = normalize_identifier(self.siret)
        self.rna = normalize_identifier(self.rna)
        super().clean_fields(exclude=exclude)


class AssociationStaff(models.Model):
    """Role: a user works for a carrier association (instructs, runs committees, pays)."""

    association = models.ForeignKey(CarrierAssociation, on_delete=models.CASCADE, related_name="staff_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="association_links")
    since = models.DateField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre de l'équipe d'une association porteuse")
        verbose_name_plural = _("équipes des associations porteuses")
        constraints = [models.UniqueConstraint(fields=["association", "user"], name="unique_association_staff")]

    def __str__(self) -> str:
        return f"{self.user} — {self.association}"


class FunderStaff(models.Model):
    """Role: a user works for a funder (Région, City...) and reads the funds it co-funds."""

    funder = models.ForeignKey(Funder, on_delete=models.CASCADE, related_name="staff_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="funder_links")

    class Meta:
        verbose_name = _("agent d'un cofinanceur")
        verbose_name_plural = _("agents des cofinanceurs")
        constraints = [models.UniqueConstraint(fields=["funder", "user"], name="unique_funder_staff")]

    def __str__(self) -> str:
        return f"{self.user} — {self.funder}"


class FundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Funds a user may read in the back office: their association's, or those their funder co-funds."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # Semi-joins rather than joins and DISTINCT: each fund once, and the queryset stays sortable,
        # countable and usable as a subquery at any size.
        return self.filter(
            Q(association__in=AssociationStaff.objects.filter(user=user).values("association"))
            | Q(pk__in=FundCoFunder.objects.filter(funder__staff_links__user=user).values("fund"))
        )

    def managed_by(self, user):
        """Funds a user may act on: staff of the carrier association, or the site administrator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # One staff link per association and user (unique_association_staff): the join cannot repeat a fund.
        return self.filter(association__staff_links__user=user)

    def open_for_applications(self, on_date):
        return self.filter(call_opens_on__lte=on_date, call_closes_on__gte=on_date, is_published=True)


def internal_rules_path(instance, filename: str) -> str:
    return f"private/funds/{instance.slug}/rules/{filename}"


class Fund(models.Model):
    """One scheme, one year, one envelope, run by a carrier association."""

    class Scheme(models.TextChoices):
        PIC = "pic", _("PIC — Projet d'initiative citoyenne")
        FPH = "fph", _("FPH — Fonds de participation des habitants")
        FIFTY_FIFTY = "fifty_fifty", _("Fifty/fifty")
        CVS = "cvs", _("Contrat de ville et des solidarités")

    association = models.ForeignKey(
        CarrierAssociation, verbose_name=_("association porteuse"), on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    scheme = models.CharField(_("dispositif"), max_length=20, choices=Scheme.choices, default=Scheme.PIC)
    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    description = models.TextField(_("présentation"), blank=True)
    is_published = models.BooleanField(
        _("publié"), default=True, help_text=_("Un fonds non publié n'apparaît pas aux habitants.")
    )
    envelope = models.DecimalField(
        _("enveloppe"), validators=[MinValueValidator(Decimal("0"))], help_text=_("En euros."), **MONEY
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("thématiques proposées"), related_name="funds", blank=True)
    ambitions = models.ManyToManyField(
        CvsAmbition, verbose_name=_("ambitions du contrat de ville"), related_name="funds", blank=True
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("quartiers couverts"), related_name="funds", blank=True
    )
    call_opens_on = models.DateField(_("ouverture de l'appel"))
    call_closes_on = models.DateField(_("clôture de l'appel"))
    max_grant = models.DecimalField(
        _("plafond par demande"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Montant maximal accordé pour une demande, en euros."),
        **MONEY,
    )
    max_grant_second_request = models.DecimalField(
        _("plafond pour une deuxième demande la même année"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Facultatif : plafond plus bas pour la deuxième demande d'un même porteur la même année."),
        **MONEY,
    )
    filing_days_before_committee = models.PositiveSmallIntegerField(
        _("délai de dépôt avant le comité (jours)"),
        default=15,
        help_text=_("Une demande doit être déposée au moins ce nombre de jours avant la séance du comité."),
    )
    advance_percent = models.DecimalField(
        _("part versée en acompte (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Part du montant accordé versée après la décision, le solde l'étant après le bilan."),
    )
    bilan_due_days = models.PositiveSmallIntegerField(
        _("délai de remise du bilan (jours après la fin du projet)"), default=30
    )
    block_requests_if_bilan_overdue = models.BooleanField(
        _("bloquer les nouvelles demandes d'un porteur dont un bilan est en retard"),
        default=False,
        help_text=_("Un porteur dont un bilan est en retard ne peut pas déposer de nouvelle demande dans ce fonds."),
    )
    internal_rules = models.FileField(
        _("règlement intérieur"), upload_to=internal_rules_path, blank=True, max_length=255
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("fonds")
        verbose_name_plural = _("fonds")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(call_closes_on__gte=models.F("call_opens_on")), name="fund_call_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(envelope__gte=0), name="fund_envelope_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("portal:fund_detail", args=[self.slug])

    @property
    def first_payment_day(self) -> datetime.date:
        """The earliest date a payment of this fund can bear: its year's first day (or its call's opening)."""
        first = datetime.date(self.year, 1, 1)
        return min(first, self.call_opens_on) if self.call_opens_on else first

    @property
    def reference_prefix(self) -> str:
        return {"fifty_fifty": "FF"}.get(self.scheme, self.scheme.upper())

    def clean(self):
        errors = {}
        if self.call_opens_on and self.call_closes_on and self.call_closes_on < self.call_opens_on:
            errors["call_closes_on"] = _("La clôture de l'appel doit suivre son ouverture.")
        if (
            self.max_grant_second_request is not None
            and self.max_grant is not None
            and self.max_grant_second_request > self.max_grant
        ):
            errors["max_grant_second_request"] = _(
                "Le plafond d'une deuxième demande ne peut pas dépasser le plafond par demande."
            )
        if self.max_grant is not None and self.envelope is not None and self.max_grant > self.envelope:
            errors["max_grant"] = _("Le plafond par demande ne peut pas dépasser l'enveloppe du fonds.")
        if errors:
            raise ValidationError(errors)


class FundCoFunder(models.Model):
    """A co-funder's contribution to a fund's envelope (e.g. Région 70 %, Ville 30 %)."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="cofunders")
    funder = models.ForeignKey(
        Funder, verbose_name=_("cofinanceur"), on_delete=models.PROTECT, related_name="fund_links"
    )
    amount = models.DecimalField(_("montant apporté"), validators=[MinValueValidator(Decimal("0"))], **MONEY)

    class Meta:
        verbose_name = _("cofinancement")
        verbose_name_plural = _("cofinancements")
        ordering = ["-amount", "funder__name"]
        constraints = [models.UniqueConstraint(fields=["fund", "funder"], name="unique_fund_funder")]

    def __str__(self) -> str:
        return f"{self.funder} → {self.fund}"

    @property
    def share_percent(self) -> Decimal:
        if not self.fund.envelope:
            return Decimal("0")
        return (self.amount * 100 / self.fund.envelope).quantize(Decimal("0.01"))
