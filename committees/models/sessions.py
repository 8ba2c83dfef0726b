from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Application
from applications.workflow import Status as RequestStatus
from committees.models.committees import Committee, CommitteeMember
from committees.models.figures import RefreshingQuerySet
from funds.models import MONEY, AssociationStaff


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
    excused = models.BooleanField(
        _("excusé·e"), default=False, help_text=_("Absent·e qui a prévenu de son absence avant la séance.")
    )
    arrived_at = models.TimeField(_("arrivé·e à"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("noté le"), auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["session", "member__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="unique_session_attendance"),
            models.CheckConstraint(condition=Q(present=False) | Q(excused=False), name="attendance_excused_if_absent"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.presence_label}"

    @property
    def presence_label(self) -> str:
        if self.present:
            return str(_("présent·e"))
        return str(_("excusé·e") if self.excused else _("absent·e"))


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
    reason = models.CharField(
        _("motif de la correction"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : le membre avait levé la main contre, le vote a été mal noté."),
    )

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

    # Bulk writes refresh the requests' figures (committees.models.figures), as saves do.
    objects = RefreshingQuerySet.as_manager()

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

    # Bulk writes refresh the requests' figures (committees.models.figures), as saves do.
    objects = RefreshingQuerySet.as_manager()

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

    # Bulk writes refresh the requests' figures (committees.models.figures), as saves do.
    objects = RefreshingQuerySet.as_manager()

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
