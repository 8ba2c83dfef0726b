"""Writes on initiatives (carried without a convention) and on the register of "bâtisseurs"."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import record_audit
from fiftyfifty import emails
from fiftyfifty.locks import lock_initiative
from fiftyfifty.models import Builder, Initiative, Project
from fiftyfifty.permissions import is_town
from fiftyfifty.workflow import INITIATIVE_TRANSITIONS, InitiativeStatus, get_transition, may_take
from funds.models import CarrierAssociation, Fund
from funds.permissions import is_association_staff


@transaction.atomic
def declare_initiative(*, actor, fund: Fund, data: dict) -> Initiative:
    """A resident declares an initiative (the town validates it before it goes public); an initiative the town
    records itself is validated at once."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour déclarer une initiative."))
    if fund.scheme != Fund.Scheme.FIFTY_FIFTY or not fund.is_published:
        raise ValidationError(_("Ce dispositif ne reçoit pas d'initiatives."))
    if data.get("happened_on") and data["happened_on"] > timezone.localdate():
        raise ValidationError({"happened_on": _("Déclarez une initiative une fois qu'elle a eu lieu.")})
    by_town = is_association_staff(actor, fund.association)
    initiative = Initiative(
        fund=fund,
        declared_by=actor,
        status=InitiativeStatus.VALIDATED if by_town else InitiativeStatus.DECLARED,
        **data,
    )
    initiative.full_clean()
    initiative.save()
    record_audit(
        actor=actor,
        action="fifty.initiative",
        target=initiative,
        summary=(_("Initiative notée et validée par la mairie : %s") if by_town else _("Initiative déclarée : %s"))
        % initiative.title,
    )
    if not by_town:
        emails.initiative_declared(initiative)
    return initiative


@transaction.atomic
def review_initiative(*, actor, initiative: Initiative, decision: str, comment: str = "") -> Initiative:
    """The town validates a declared initiative (it goes on the showcase) or does not keep it (with a reason)."""
    initiative = lock_initiative(initiative)
    if not is_town(actor, initiative):
        raise PermissionDenied(_("Seule la mairie qui porte ce dispositif peut valider une initiative."))
    transition = get_transition(decision, table=INITIATIVE_TRANSITIONS)
    if transition is None or not may_take(transition, status=initiative.status, role="town"):
        raise ValidationError(_("Cette initiative a déjà reçu une réponse."))
    if transition.comment_required and not comment.strip():
        raise ValidationError({"comment": _("Dites au déclarant pourquoi l'initiative n'est pas retenue.")})
    initiative.status = transition.target
    initiative.review_comment = comment
    initiative.full_clean()
    initiative.save()
    record_audit(
        actor=actor,
        action=f"fifty.initiative_{decision}",
        target=initiative,
        summary=f"{transition.label} : {initiative.title}",
    )
    return initiative


@transaction.atomic
def join_builders(*, actor, association: CarrierAssociation, data: dict, projects=(), initiatives=()) -> Builder:
    """A resident joins (or updates their entry in) the town's register of bâtisseurs, with their consent to be
    contacted; they may list the town's projects and initiatives they took part in."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour rejoindre les bâtisseurs."))
    if not data.get("contact_consent"):
        raise ValidationError(
            {"contact_consent": _("Cochez la case : sans votre accord, la mairie ne peut pas vous recontacter.")}
        )
    allowed_projects = Project.objects.filter(fund__association=association, pk__in=[p.pk for p in projects])
    allowed_initiatives = Initiative.objects.filter(fund__association=association, pk__in=[i.pk for i in initiatives])
    if len(allowed_projects) != len(projects) or len(allowed_initiatives) != len(initiatives):
        raise ValidationError(_("Choisissez seulement des projets et des initiatives de cette commune."))
    builder = Builder.objects.select_for_update().filter(association=association, user=actor).first()
    is_new = builder is None
    if is_new:
        builder = Builder(association=association, user=actor)
    for field, value in data.items():
        setattr(builder, field, value)
    builder.consent_at = timezone.now()
    builder.full_clean()
    builder.save()
    builder.projects.set(allowed_projects)
    builder.initiatives.set(allowed_initiatives)
    record_audit(
        actor=actor,
        action="fifty.builder_join" if is_new else "fifty.builder_update",
        target=builder,
        summary=_("Inscription au réseau des bâtisseurs") if is_new else _("Fiche de bâtisseur mise à jour"),
    )
    return builder


@transaction.atomic
def leave_builders(*, actor, association: CarrierAssociation) -> None:
    """A bâtisseur withdraws their consent: their entry is erased at once."""
    builder = Builder.objects.select_for_update().filter(association=association, user=actor).first()
    if builder is None:
        raise ValidationError(_("Vous n'êtes pas inscrit au réseau des bâtisseurs de cette commune."))
    record_audit(
        actor=actor, action="fifty.builder_leave", target=builder, summary=_("Départ du réseau des bâtisseurs")
    )
    builder.delete()
