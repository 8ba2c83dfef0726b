from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.budget import (
    ExpenseCategory,
    GrantSource,
    ResourceCategory,
    plain_expense_label,
    plain_resource_label,
)
from applications.workflow import Status
from funds.models import MONEY, AssociationStaff, CvsAmbition, Fund, FundCoFunder, Neighbourhood, Theme
from funds.validators import validate_rna, validate_siret

MAX_PEOPLE = 100_000
# The holder's fields a resident fills in (the holder form, the holder services).
HOLDER_FIELDS = (
    "kind",
    "name",
    "referent_name",
    "referent_phone",
    "co_holders_count",
    "co_holders_first_names",
    "siret",
    "rna",
    "address",
    "postcode",
    "city",
)
# The fields that belong to one kind of holder only: a group's are blank for an association, and the reverse.
GROUP_ONLY_FIELDS = ("co_holders_count", "co_holders_first_names")
ASSOCIATION_ONLY_FIELDS = ("siret", "rna", "address", "postcode", "city")
# What a request says of its project, once filled in (the read API and the personal-data export show them).
APPLICATION_PROJECT_FIELDS = (
    "objectives",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "expected_public",
    "expected_women",
    "expected_men",
    "residents_mobilised",
    "amount_requested",
    "showcase_consent",
)


class Holder(models.Model):
    """A *porteur de projet*: an informal group of residents or a small local association."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Collectif d'habitant·es")
        ASSOCIATION = "association", _("Association")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="holders"
    )
    kind = models.CharField(_("type de porteur"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("nom du collectif ou de l'association"),
        max_length=200,
        help_text=_("Par exemple « Les voisins de la rue de la Paix » ou le nom de votre association."),
    )
    referent_name = models.CharField(_("nom et prénom de la personne référente"), max_length=200)
    referent_phone = models.CharField(_("téléphone de la personne référente"), max_length=30, blank=True)
    co_holders_count = models.PositiveSmallIntegerField(
        _("nombre de co-porteur·ses"),
        default=0,
        validators=[MaxValueValidator(500)],
        help_text=_("Pour un collectif : combien d'autres habitant·es portent le projet avec vous."),
    )
    co_holders_first_names = models.TextField(
        _("prénoms des co-porteur·ses"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Séparés par des virgules."),
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, validators=[validate_rna])
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    republican_commitment_accepted_at = models.DateTimeField(
        _("contrat d'engagement républicain accepté le"), null=True, blank=True
    )
    entered_by_staff = models.BooleanField(
        _("saisi par l'équipe pour le compte d'un·e habitant·e"),
        default=False,
        help_text=_(
            "Enregistré par l'équipe de l'association pour un porteur sans compte, jusqu'à ce qu'il le reprenne."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("porteur de projet")
        verbose_name_plural = _("porteurs de projet")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Requests a user may read: their own, their association's funds', or (read-only) their co-funded funds'."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.filter(Q(created_by=user) | ~Q(status=Status.DRAFT) | Q(draft_shared_at__isnull=False))
        # Semi-joins rather than joins and DISTINCT (see FundQuerySet.visible_to).
        return self.filter(
            Q(created_by=user)
            | (
                Q(fund__association__in=AssociationStaff.objects.filter(user=user).values("association"))
                & (~Q(status=Status.DRAFT) | Q(draft_shared_at__isnull=False))  # drafts only when shared
            )
            | (
                Q(fund__in=FundCoFunder.objects.filter(funder__staff_links__user=user).values("fund"))
                & ~Q(status=Status.DRAFT)
            )
        )

    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)

    def managed_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.exclude(status=Status.DRAFT)
        # One staff link per association and user (unique_association_staff): the join cannot repeat a request.
        return self.filter(fund__association__staff_links__user=user).exclude(status=Status.DRAFT)

    def for_pages(self):
        """With what the request's pages, its PDF receipt and its permissions read: one query, whichever page."""
        return self.select_related(*PAGE_RELATED)


# What `ApplicationQuerySet.for_pages` loads with each request.
PAGE_RELATED = (
    "fund__association",
    "holder",
    "created_by",
    "theme",
    "ambition__stake",
    "neighbourhood",
    "filed_on_behalf_by",
)


class Application(models.Model):
    """A *demande*: a request for a micro-grant, from first draft to closure."""

    class AgreementMethod(models.TextChoices):
        PAPER_FORM = "paper_form", _("Formulaire papier signé")

    class Step(models.TextChoices):
        HOLDER = "holder", _("Porteur")
        PROJECT = "project", _("Projet")
        WHEN_WHERE = "when_where", _("Dates et lieu")
        PEOPLE = "people", _("Public")
        BUDGET = "budget", _("Budget")
        ATTACHMENTS = "attachments", _("Pièces jointes")
        SUMMARY = "summary", _("Récapitulatif")

    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("déposée par"), on_delete=models.PROTECT, related_name="applications"
    )
    holder = models.ForeignKey(
        Holder, verbose_name=_("porteur"), null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(_("statut"), max_length=30, choices=Status.choices, default=Status.DRAFT, db_index=True)
    number = models.PositiveIntegerField(_("numéro d'ordre"), null=True, blank=True, editable=False)
    reference = models.CharField(_("référence"), max_length=30, blank=True, editable=False, db_index=True)
    last_step = models.CharField(_("dernière étape enregistrée"), max_length=20, choices=Step.choices, blank=True)

    # Project
    title = models.CharField(_("titre du projet"), max_length=200, blank=True)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("thématique"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    ambition = models.ForeignKey(
        CvsAmbition,
        verbose_name=_("ambition du contrat de ville"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    objectives = models.TextField(_("objectifs"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    description = models.TextField(
        _("description du projet"), blank=True, max_length=10000, validators=[MaxLengthValidator(10000)]
    )

    # When and where
    starts_at = models.DateTimeField(_("début"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )

    # People
    expected_public = models.TextField(
        _("public attendu"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    expected_women = models.PositiveIntegerField(
        _("femmes attendues"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    expected_men = models.PositiveIntegerField(
        _("hommes attendus"), null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)]
    )
    residents_mobilised = models.PositiveIntegerField(
        _("habitant·es mobilisé·es pour l'organiser"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_PEOPLE)],
    )

    # Money
    amount_requested = models.DecimalField(
        _("montant demandé au fonds"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        **MONEY,
    )

    # Public showcase (titre, thématique, quartier, résumé only: never a person's data)
    showcase_consent = models.BooleanField(
        _(
            "J'accepte que mon projet (titre, thématique, quartier, résumé) soit présenté publiquement sur le "
            "portail, sans aucune donnée personnelle"
        ),
        default=False,
    )

    # Life
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    draft_shared_at = models.DateTimeField(
        _("brouillon partagé avec l'association le"),
        null=True,
        blank=True,
        help_text=_("Le porteur a partagé son brouillon avec l'équipe pour obtenir de l'aide (révocable)."),
    )
    # Filed by staff on behalf of a holder without an account (`applications.services.on_behalf`): the staff
    # member is `created_by` until the holder takes the request over with their own account.
    filed_on_behalf_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par (pour le compte du porteur)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder_email = models.EmailField(
        _("adresse e-mail du porteur"),
        blank=True,
        help_text=_("Facultatif : pour inviter le porteur à reprendre la demande avec son propre compte."),
    )
    holder_agreed_on = models.DateField(_("accord du porteur donné le"), null=True, blank=True)
    holder_agreement_method = models.CharField(
        _("forme de l'accord du porteur"), max_length=20, choices=AgreementMethod.choices, blank=True
    )
    takeover_invited_at = models.DateTimeField(_("porteur invité à reprendre la demande le"), null=True, blank=True)
    # Signed into the invitation link; a new invitation draws a new one, so an older link stops working.
    takeover_nonce = models.CharField(max_length=32, blank=True, editable=False)
    taken_over_at = models.DateTimeField(_("reprise par le porteur le"), null=True, blank=True)
    late_entry_reason = models.TextField(
        _("motif de la saisie hors appel"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Appel clos ou projet déjà réalisé : pourquoi l'équipe enregistre cette demande."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    # The staff's worklist (the inbox and the desk): who instructs it, when it last moved, what is unread.
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructeur·rice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instructed_applications",
        help_text=_("La personne de l'équipe de l'association porteuse qui suit cette demande."),
    )
    # Latest status change, message or attachment (written by the services that make them).
    last_activity_at = models.DateTimeField(_("dernière activité le"), null=True, blank=True, db_index=True)
    # Messages from the holder that no staff member has opened yet (reset when staff open the thread).
    staff_unread_messages = models.PositiveIntegerField(_("messages du porteur non lus"), default=0, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "number"], condition=Q(number__isnull=False), name="unique_application_number_per_fund"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="application_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["fund", "status"]), models.Index(fields=["created_by", "status"])]

    def __str__(self) -> str:
        return f"{self.reference or _('Brouillon')} — {self.title or _('sans titre')}"

    @property
    def display_reference(self) -> str:
        return self.reference or str(_("Brouillon n° %(id)s") % {"id": self.pk})

    @property
    def last_activity(self):
        """The latest activity; a request filed before the column existed falls back on its filing."""
        return self.last_activity_at or self.submitted_at

    @property
    def is_on_behalf_pending(self) -> bool:
        """Filed by staff for a holder who has not taken it over yet (the staff member is still `created_by`)."""
        return self.filed_on_behalf_by_id is not None and self.taken_over_at is None

    def get_status_display(self) -> str:
        """The status's French label. Django's generic version hashes every lazy label of the 17 choices on
        each call (a thousand rows of a report: a third of a second); this looks up one."""
        try:
            return str(Status(self.status).label)
        except ValueError:
            return self.status


class ReferenceCounter(models.Model):
    """The last reference number given in a fund; locked row while a request is submitted (gap-free)."""

    fund = models.OneToOneField(Fund, on_delete=models.CASCADE, related_name="reference_counter")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de références")
        verbose_name_plural = _("compteurs de références")

    def __str__(self) -> str:
        return f"{self.fund_id}: {self.last_number}"


class BudgetLine(models.Model):
    """One line of the provisional budget. The amount asked from the fund is `Application.amount_requested`."""

    class Side(models.TextChoices):
        EXPENSE = "expense", _("Dépense")
        RESOURCE = "resource", _("Ressource")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    side = models.CharField(_("sens"), max_length=10, choices=Side.choices)
    category = models.CharField(
        _("catégorie"), max_length=10, choices=ExpenseCategory.choices + ResourceCategory.choices
    )
    grant_source = models.CharField(
        _("financeur (subventions)"), max_length=20, choices=GrantSource.choices, blank=True
    )
    label = models.CharField(_("libellé"), max_length=200)
    amount = models.DecimalField(
        _("montant"), validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000000"))], **MONEY
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("ligne de budget")
        verbose_name_plural = _("lignes de budget")
        ordering = ["side", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.label}"

    @property
    def plain_category(self):
        """The category in everyday words, its account beside it: « Achats : matériel, nourriture… (compte 60) »."""
        if self.side == self.Side.EXPENSE:
            return plain_expense_label(self.category)
        return plain_resource_label(self.category)
