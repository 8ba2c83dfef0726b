from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Application, Holder
from applications.workflow import Status as RequestStatus
from funds.models import MONEY, AssociationStaff, Fund


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


class CommitteeSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions a user may read: the fund's association staff, the committee's members, the administrator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # Semi-joins rather than joins and DISTINCT (see FundQuerySet.visible_to).
        return self.filter(
            Q(committee__fund__association__in=AssociationStaff.objects.filter(user=user).values("association"))
            | Q(
                committee__in=CommitteeMember.objects.filter(user=user)
                .active_on(timezone.localdate())  # a member out of mandate reads no session
                .values("committee")
            )
        )


class CommitteeSession(models.Model):
    """A *séance*: one meeting of an attribution committee."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        OPEN = "open", _("Ouverte")
        # With a context: Django's own French catalogue translates a bare "Close" as the verb "Fermer".
        CLOSED = "closed", pgettext_lazy("statut d'une séance", "Close")

    committee = models.ForeignKey(
        Committee, verbose_name=_("comité"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("heure"))
    place = models.CharField(_("lieu"), max_length=255)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    convocations_sent_at = models.DateTimeField(_("convocations envoyées le"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = CommitteeSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance du comité")
        verbose_name_plural = _("séances du comité")
        ordering = ["-date", "-time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned") | Q(opened_at__isnull=False), name="session_open_has_opened_at"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="session_closed_has_closed_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee.name} — {self.date:%d/%m/%Y}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class AgendaItemQuerySet(models.QuerySet):
    def withdrawn(self):
        """Lines whose request its holder withdrew before any decision ("retirée par le porteur").

        Derived from the request's status (a withdrawn request never changes again), not stored: the
        withdrawal is the holder's, in `applications`, which cannot reach the committees.
        """
        return self.filter(decision__isnull=True, application__status=RequestStatus.WITHDRAWN)

    def awaiting_decision(self):
        """Lines the committee still has to decide: no decision yet, and not withdrawn by the holder."""
        return self.filter(decision__isnull=True).exclude(application__status=RequestStatus.WITHDRAWN)


class AgendaItem(models.Model):
    """A request on a session's agenda (*ordre du jour*)."""

    session = models.ForeignKey(
        CommitteeSession, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="items"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("ordre de passage"))
    invited_to_present = models.BooleanField(
        _("porteur invité à présenter son projet"),
        default=True,
        help_text=_("Le porteur reçoit une convocation pour venir présenter son projet."),
    )
    vote_started_at = models.DateTimeField(_("vote ouvert le"), null=True, blank=True)
    added_at = models.DateTimeField(_("inscrite le"), auto_now_add=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="unique_agenda_application"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.application}"


class Attendance(models.Model):
    """Whether a member attends a session (*feuille d'émargement*)."""

    session = models.ForeignKey(
        CommitteeSession, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="attendances"
    )
    present = models.BooleanField(_("présent·e"), default=True)
    arrived_at = models.TimeField(_("arrivé·e à"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("noté le"), auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["session", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="unique_session_attendance")]

    def __str__(self) -> str:
        return f"{self.member} — {_('présent·e') if self.present else _('absent·e')}"


class Recusal(models.Model):
    """A member steps out of the vote on one request (*déport*)."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("point de l'ordre du jour"), on_delete=models.CASCADE, related_name="recusals"
    )
    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="recusals"
    )
    automatic = models.BooleanField(_("automatique"), default=False)
    reason = models.CharField(_("motif"), max_length=300)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("déport")
        verbose_name_plural = _("déports")
        ordering = ["item", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="unique_item_recusal")]

    def __str__(self) -> str:
        return f"{self.member} — {self.reason}"


class Vote(models.Model):
    """One member's vote on one request. One vote per member and request, enforced by the database."""

    class Choice(models.TextChoices):
        FOR = "for", _("Pour")
        AGAINST = "against", _("Contre")
        ABSTAIN = "abstain", _("Abstention")

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("point de l'ordre du jour"), on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("noté par"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="unique_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_choice_display()}"


class VoteCorrection(models.Model):
    """A vote corrected before the decision (a mis-click): what it was, what it became, who corrected it."""

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="corrections")
    before = models.CharField(_("vote initial"), max_length=10, choices=Vote.Choice.choices)
    after = models.CharField(_("vote corrigé"), max_length=10, choices=Vote.Choice.choices)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("corrigé par"), on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction de vote")
        verbose_name_plural = _("corrections de votes")
        ordering = ["corrected_at", "id"]

    def __str__(self) -> str:
        return f"{self.vote.member}: {self.get_before_display()} → {self.get_after_display()}"


class Decision(models.Model):
    """The committee's decision on one agenda item. Never edited once recorded: see `Amendment`."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Accordée")
        DEFERRED = "deferred", _("Ajournée")
        REFUSED = "refused", _("Refusée")

    item = models.OneToOneField(
        AgendaItem, verbose_name=_("point de l'ordre du jour"), on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("décision"), max_length=10, choices=Outcome.choices)
    amount_granted = models.DecimalField(
        _("montant accordé"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    conditions = models.TextField(_("conditions"), blank=True, max_length=3000)
    reason = models.TextField(_("motif"), blank=True, max_length=3000)
    votes_for = models.PositiveSmallIntegerField(_("voix pour"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("voix contre"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    decided_at = models.DateTimeField(_("décidée le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistrée par"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["item__session", "item__position"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_granted__gte=0), name="decision_amount_not_negative"),
            models.CheckConstraint(
                condition=(Q(outcome="granted") & Q(amount_granted__gt=0))
                | (~Q(outcome="granted") & Q(amount_granted=0)),
                name="decision_amount_matches_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.application} — {self.get_outcome_display()}"


class Amendment(models.Model):
    """A correction of a decision after the session closed. The decision itself is never edited."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("décision"), on_delete=models.PROTECT, related_name="amendments"
    )
    changes = models.JSONField(
        _("modifications"), default=dict, help_text=_("Pour chaque champ modifié : valeur avant et après.")
    )
    amount_delta = models.DecimalField(
        _("variation du montant accordé"), default=Decimal("0"), max_digits=12, decimal_places=2
    )
    reason = models.TextField(_("motif de la rectification"), max_length=3000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rectification de décision")
        verbose_name_plural = _("rectifications de décisions")
        ordering = ["decision", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} — {self.created_at:%d/%m/%Y}"


class Payment(models.Model):
    """A *versement*: the advance after the decision, the balance after the bilan."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Acompte")
        BALANCE = "balance", _("Solde")

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Virement")
        CHEQUE = "cheque", _("Chèque")
        CASH = "cash", _("Espèces")
        OTHER = "other", _("Autre")

    application = models.ForeignKey(
        Application, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(_("type de versement"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("montant"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    paid_on = models.DateField(_("versé le"))
    method = models.CharField(_("mode de paiement"), max_length=10, choices=Method.choices)
    reference = models.CharField(
        _("référence"), max_length=100, blank=True, help_text=_("Numéro de chèque, référence du virement...")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistré par"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["application", "kind"], name="unique_payment_kind_per_application"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.application}"
