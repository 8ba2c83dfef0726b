from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Holder
from funds.models import Fund


class Committee(models.Model):
    """An attribution committee (*comité d'attribution*) of a fund, with its quorum and decision rules."""

    class QuorumKind(models.TextChoices):
        MAJORITY = "majority", _("Majorité des membres votants")
        FIXED = "fixed", _("Nombre fixe de membres votants")

    class DecisionRule(models.TextChoices):
        SIMPLE_MAJORITY = "simple_majority", _("Majorité simple des suffrages exprimés (l'égalité n'accorde pas)")
        ABSOLUTE_MAJORITY = "absolute_majority", _("Majorité absolue des membres votants présents et non déportés")

    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("nom"), max_length=200)
    quorum_kind = models.CharField(
        _("règle de quorum"),
        max_length=20,
        choices=QuorumKind.choices,
        default=QuorumKind.MAJORITY,
        help_text=_("Seuls les membres votants présents comptent ; les membres de droit ne comptent pas."),
    )
    quorum_fixed = models.PositiveSmallIntegerField(
        _("quorum (nombre de membres votants)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("À remplir si la règle de quorum est un nombre fixe."),
    )

    class TieRule(models.TextChoices):
        REFUSED = "refused", _("L'égalité des voix vaut refus (ou ajournement)")
        DEFERRED = "deferred", _("L'égalité des voix ajourne la demande")
        CASTING_VOTE = "casting_vote", _("La voix du président ou de la présidente du comité est prépondérante")

    decision_rule = models.CharField(
        _("règle de décision"),
        max_length=30,
        choices=DecisionRule.choices,
        default=DecisionRule.SIMPLE_MAJORITY,
        help_text=_("Les abstentions ne sont pas des suffrages exprimés. Une égalité n'accorde pas la subvention."),
    )
    tie_rule = models.CharField(
        _("règle en cas d'égalité des voix"),
        max_length=20,
        choices=TieRule.choices,
        default=TieRule.REFUSED,
        help_text=_(
            "Refus : une égalité n'accorde jamais. Ajournement : une égalité ne peut être qu'ajournée. Voix "
            "prépondérante : le vote du président ou de la présidente tranche (s'il ou elle s'abstient, la "
            "demande est ajournée)."
        ),
    )
    chair = models.ForeignKey(
        "CommitteeMember",
        verbose_name=_("président·e du comité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Un membre votant du comité : sa voix est prépondérante si la règle d'égalité le prévoit."),
    )
    signatory_name = models.CharField(
        _("signataire des courriers : nom et prénom"),
        max_length=200,
        blank=True,
        help_text=_("La personne qui signe les courriers de décision, par exemple « Fatima Exemple »."),
    )
    signatory_role = models.CharField(
        _("signataire des courriers : fonction"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « présidente du comité » ou « directeur de l'association »."),
    )
    secretary_name = models.CharField(
        _("secrétaire de séance : nom et prénom"),
        max_length=200,
        blank=True,
        help_text=_("La personne qui rédige et signe le procès-verbal avec le président ou la présidente."),
    )
    secretary_role = models.CharField(
        _("secrétaire de séance : fonction"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « chargée de mission de l'association »."),
    )
    appeal_text = models.TextField(
        _("voie de recours"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Ce que dit le courrier en cas de refus ou de montant réduit : à qui écrire et dans quel délai pour "
            "demander un nouvel examen. Laissez vide pour le texte habituel (délai de deux mois, adresse de "
            "l'association)."
        ),
    )

    class Meta:
        verbose_name = _("comité d'attribution")
        verbose_name_plural = _("comités d'attribution")
        ordering = ["fund", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_kind="majority") | Q(quorum_fixed__gte=1),
                name="committee_fixed_quorum_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.fund}"

    def clean(self):
        if self.quorum_kind == self.QuorumKind.FIXED and not self.quorum_fixed:
            raise ValidationError(
                {"quorum_fixed": _("Indiquez le nombre de membres votants qui forment le quorum (au moins 1).")}
            )
        if self.chair_id is not None and (self.chair.committee_id != self.pk or not self.chair.has_vote):
            raise ValidationError({"chair": _("Choisissez comme président·e un membre votant de ce comité.")})
        if self.signatory_role.strip() and not self.signatory_name.strip():
            raise ValidationError(
                {"signatory_name": _("Indiquez le nom de la personne qui signe, ou effacez sa fonction.")}
            )
        if self.secretary_role.strip() and not self.secretary_name.strip():
            raise ValidationError(
                {"secretary_name": _("Indiquez le nom du ou de la secrétaire de séance, ou effacez sa fonction.")}
            )
        if self.tie_rule == self.TieRule.CASTING_VOTE and self.chair_id is None:
            raise ValidationError(
                {"chair": _("La voix prépondérante est celle du président ou de la présidente : désignez-le ou la.")}
            )


class CommitteeMemberQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(mandate_start__lte=day), Q(mandate_end__isnull=True) | Q(mandate_end__gte=day))

    def voting(self):
        return self.exclude(college=CommitteeMember.College.EX_OFFICIO)


class CommitteeMember(models.Model):
    """Role: a person sitting on a committee, with a college and a mandate."""

    class College(models.TextChoices):
        RESIDENT = "resident", _("Habitant·e")
        ASSOCIATION = "association", _("Représentant·e d'une association")
        EX_OFFICIO = "ex_officio", _("Membre de droit (sans droit de vote)")

    committee = models.ForeignKey(Committee, verbose_name=_("comité"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_memberships",
    )
    full_name = models.CharField(_("nom et prénom"), max_length=200)
    college = models.CharField(_("collège"), max_length=20, choices=College.choices)
    email = models.EmailField(
        _("adresse e-mail"),
        blank=True,
        help_text=_("Pour les membres sans compte : la convocation est envoyée à cette adresse."),
    )
    organisation = models.CharField(
        _("structure représentée"), max_length=200, blank=True, help_text=_("Association, bailleur, collectivité...")
    )
    postal_address = models.TextField(
        _("adresse postale"),
        blank=True,
        max_length=500,
        help_text=_("Pour envoyer la convocation par courrier à un membre sans adresse e-mail."),
    )
    mandate_start = models.DateField(_("début du mandat"))
    mandate_end = models.DateField(_("fin du mandat"), null=True, blank=True)

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre du comité")
        verbose_name_plural = _("membres du comité")
        ordering = ["committee", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="unique_committee_user"),
            models.CheckConstraint(
                condition=Q(mandate_end__isnull=True) | Q(mandate_end__gte=models.F("mandate_start")),
                name="committee_mandate_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_college_display()})"

    @property
    def has_vote(self) -> bool:
        return self.college != self.College.EX_OFFICIO

    @property
    def contact_email(self) -> str:
        """Where to send this member's convocation: their account's address, else the one on file."""
        if self.user_id and self.user.email:
            return self.user.email
        return self.email

    def mandate_active_on(self, day) -> bool:
        return self.mandate_start <= day and (self.mandate_end is None or self.mandate_end >= day)

    def clean(self):
        if self.mandate_start and self.mandate_end and self.mandate_end < self.mandate_start:
            raise ValidationError({"mandate_end": _("La fin du mandat doit suivre son début.")})


class CommitteeMemberLink(models.Model):
    """A conflict of interest: a member linked to a holder (same association, family...).

    The member steps out of the vote on any request of that holder. The link names either a holder
    record or a holder's name (matched without regard to case), for holders not yet on the portal.
    """

    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("membre"), on_delete=models.CASCADE, related_name="links"
    )
    holder = models.ForeignKey(
        Holder,
        verbose_name=_("porteur de projet"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="committee_member_links",
    )
    holder_name = models.CharField(
        _("nom du porteur ou de l'association"),
        max_length=200,
        blank=True,
        help_text=_("Si le porteur n'a pas encore de fiche sur le portail : son nom exact."),
    )
    reason = models.CharField(
        _("nature du lien"), max_length=300, help_text=_("Par exemple : membre du bureau, famille.")
    )
    created_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien d'intérêt d'un membre")
        verbose_name_plural = _("liens d'intérêt des membres")
        ordering = ["member", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder__isnull=False) | ~Q(holder_name=""), name="member_link_names_a_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ↔ {self.holder or self.holder_name}"

    def clean(self):
        if self.holder_id is None and not (self.holder_name or "").strip():
            raise ValidationError(_("Choisissez un porteur de projet ou saisissez le nom du porteur concerné."))
        self.holder_name = (self.holder_name or "").strip()
