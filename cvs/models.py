"""The CVS call for projects (seed 002): the CERFA 12156 request, its funding asks, opinions and programming.

A CVS request is an `applications.Application` (reference, holder, status, budget lines, attachments, outbox,
audit, workflow table) with a `CvsRequest` beside it for what the call asks on top of a micro-grant request.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from funds.models import MONEY, CvsAmbition, Funder, Neighbourhood

LONG_TEXT = 5000


def long_text(label, **kwargs):
    return models.TextField(
        label, blank=True, max_length=LONG_TEXT, validators=[MaxLengthValidator(LONG_TEXT)], **kwargs
    )


class StructureKind(models.TextChoices):
    """The structures the call names (seed 002, "Structures éligibles")."""

    ASSOCIATION = "association", _("Association loi 1901")
    LANDLORD = "landlord", _("Bailleur social")
    PUBLIC_BODY = "public_body", _("Établissement public")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    OTHER_NON_PROFIT = "other_non_profit", _("Autre organisme à but non lucratif")


# Structures that must subscribe to the contrat d'engagement républicain (décret 2021-1947).
REPUBLICAN_COMMITMENT_REQUIRED = frozenset({StructureKind.ASSOCIATION, StructureKind.OTHER_NON_PROFIT})
# Structures that must give a SIRET (an association is eligible only "regularly declared with a SIRET").
SIRET_REQUIRED = frozenset({StructureKind.ASSOCIATION})


# The people a CVS request names (anonymised with the request's other personal data, after the retention period).
CVS_PERSONAL_FIELDS = (
    "representative_name",
    "representative_role",
    "referent_name",
    "referent_email",
    "referent_phone",
)


class CvsRequest(models.Model):
    """What the CVS call asks beside the request itself (CERFA 12156 and the call's criteria)."""

    application = models.OneToOneField(
        Application, verbose_name=_("demande"), on_delete=models.CASCADE, related_name="cvs_request"
    )
    structure_kind = models.CharField(_("type de structure"), max_length=20, choices=StructureKind.choices, blank=True)
    representative_name = models.CharField(_("représentant·e légal·e (nom et prénom)"), max_length=200, blank=True)
    representative_role = models.CharField(
        _("fonction du représentant ou de la représentante"), max_length=150, blank=True
    )
    referent_name = models.CharField(_("personne chargée du dossier (nom et prénom)"), max_length=200, blank=True)
    referent_email = models.EmailField(_("e-mail de la personne chargée du dossier"), blank=True)
    referent_phone = models.CharField(_("téléphone de la personne chargée du dossier"), max_length=30, blank=True)

    diagnostic = long_text(_("diagnostic des besoins"))
    territorial_anchoring = long_text(_("ancrage territorial"))
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("quartiers prioritaires concernés"), related_name="cvs_requests", blank=True
    )
    ambitions = models.ManyToManyField(
        CvsAmbition, verbose_name=_("ambitions du contrat de ville"), related_name="cvs_requests", blank=True
    )
    target_public = long_text(_("public visé"))
    gender_objectives = long_text(_("objectifs d'égalité femmes-hommes"))
    gender_means = long_text(_("moyens retenus pour l'égalité femmes-hommes"))
    common_law_funding = long_text(_("financements de droit commun déjà mobilisés"))
    partnerships = long_text(_("partenariats"))
    evaluation_indicators = long_text(_("indicateurs d'évaluation"))
    evaluation_follow_up = long_text(_("modalités de suivi et d'évaluation"))
    multi_year = models.BooleanField(
        _("projet pluriannuel (convention pluriannuelle d'objectifs demandée)"), default=False
    )
    previous_request = models.ForeignKey(
        Application,
        verbose_name=_("demande financée l'an dernier (renouvellement)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cvs_renewals",
    )

    # Instruction (staff of the carrier association)
    eligibility_comment = long_text(_("avis sur la recevabilité"))

    class Meta:
        verbose_name = _("demande CVS")
        verbose_name_plural = _("demandes CVS")

    def __str__(self) -> str:
        return str(self.application)


class FundingAsk(models.Model):
    """The funding asked from one funder (CERFA 12156, account 74), then programmed and paid."""

    request = models.ForeignKey(CvsRequest, on_delete=models.CASCADE, related_name="funding_asks")
    funder = models.ForeignKey(Funder, verbose_name=_("financeur"), on_delete=models.PROTECT, related_name="cvs_asks")
    amount_asked = models.DecimalField(_("montant demandé"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    amount_programmed = models.DecimalField(
        _("montant programmé"), null=True, blank=True, validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    amount_paid = models.DecimalField(
        _("montant versé"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )

    class Meta:
        verbose_name = _("financement demandé")
        verbose_name_plural = _("financements demandés")
        ordering = ["funder__name"]
        constraints = [models.UniqueConstraint(fields=["request", "funder"], name="unique_cvs_ask_per_funder")]

    def __str__(self) -> str:
        return f"{self.funder} : {self.amount_asked}"


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVED = "reserved", _("Réservé")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


class FunderOpinion(models.Model):
    """One funder's opinion on a request, given during instruction (the latest one counts)."""

    request = models.ForeignKey(CvsRequest, on_delete=models.CASCADE, related_name="opinions")
    funder = models.ForeignKey(Funder, verbose_name=_("financeur"), on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField(_("avis"), max_length=20, choices=Opinion.choices)
    comment = long_text(_("commentaire"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(_("donné le"), auto_now=True)

    class Meta:
        verbose_name = _("avis d'un financeur")
        verbose_name_plural = _("avis des financeurs")
        ordering = ["funder__name"]
        constraints = [models.UniqueConstraint(fields=["request", "funder"], name="unique_cvs_opinion_per_funder")]

    def __str__(self) -> str:
        return f"{self.funder} : {self.get_opinion_display()}"


class ProgrammingDecision(models.Model):
    """The programming committee's decision on one request (not a residents' vote): recorded by staff."""

    request = models.OneToOneField(CvsRequest, on_delete=models.CASCADE, related_name="programming")
    decided_on = models.DateField(_("date du comité de programmation"))
    attendees = models.TextField(
        _("participant·es"),
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
        help_text=_("Les structures et personnes présentes, une par ligne."),
    )
    granted = models.BooleanField(_("projet retenu"))
    comment = long_text(_("commentaire"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("décision de programmation")
        verbose_name_plural = _("décisions de programmation")

    def __str__(self) -> str:
        return f"{self.request} — {self.decided_on}"
