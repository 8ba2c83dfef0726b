"""Writes on a fifty/fifty project: the idea, the meetings, what each side brings, the convention and its
signatures, the outcome. Each function is one transaction: permission, validation, transition through the
workflow table, audit entry, e-mails to the outbox."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import record_audit
from core.uploads import check_uploaded_file, original_name
from fiftyfifty import emails
from fiftyfifty.locks import lock_project
from fiftyfifty.models import Commitment, Convention, Meeting, Project, Signature
from fiftyfifty.permissions import can_manage_project, role_of
from fiftyfifty.workflow import COMMITMENTS_OPEN, IN_PROGRESS, Status, get_transition, may_take
from funds.models import Fund


def consent_text(project: Project, convention: Convention) -> str:
    """What a signatory accepts, kept word for word with the signature."""
    return _(
        "J'ai lu la convention fifty/fifty « %(title)s » n° %(number)s et je m'engage, au nom de la partie que je "
        "représente, à respecter les engagements qu'elle décrit."
    ) % {"title": project.title, "number": convention.number}


def _apply(project: Project, slug: str, *, role: str) -> None:
    """Move the project through one transition of the workflow table (the only place a status changes)."""
    transition = get_transition(slug)
    if transition is None or not may_take(transition, status=project.status, role=role):
        raise ValidationError(
            _("Cette étape n'est pas possible : le projet est « %(status)s ».")
            % {"status": project.get_status_display()}
        )
    project.status = transition.target
    project.full_clean()
    project.save()


def _require_town(actor, project: Project) -> None:
    if not can_manage_project(actor, project):
        raise PermissionDenied(_("Seule la mairie qui porte ce dispositif peut faire cela."))


@transaction.atomic
def propose_idea(*, actor, fund: Fund, data: dict) -> Project:
    """A resident brings an idea to the town's fifty/fifty."""
    if not actor.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour proposer une idée."))
    if fund.scheme != Fund.Scheme.FIFTY_FIFTY or not fund.is_published:
        raise ValidationError(_("Ce dispositif ne reçoit pas d'idées de fifty/fifty."))
    project = Project(fund=fund, proposer=actor, status=Status.IDEA, **data)
    if not project.contact_email:
        project.contact_email = actor.email
    project.full_clean()
    project.save()
    record_audit(actor=actor, action="fifty.propose", target=project, summary=_("Idée proposée : %s") % project.title)
    emails.idea_received(project)
    return project


@transaction.atomic
def record_meeting(*, actor, project: Project, held_on: datetime.date, attendees: str, notes: str) -> Meeting:
    """The town notes a meeting with the residents; the first one opens the feasibility study."""
    project = lock_project(project)
    _require_town(actor, project)
    if project.status not in IN_PROGRESS:
        raise ValidationError(_("Ce projet est terminé : on n'y ajoute plus de rencontre."))
    if held_on > timezone.localdate() + datetime.timedelta(days=366):
        raise ValidationError({"held_on": _("Cette date est à plus d'un an : vérifiez-la.")})
    meeting = Meeting(project=project, held_on=held_on, attendees=attendees, notes=notes, recorded_by=actor)
    meeting.full_clean()
    meeting.save()
    if project.status == Status.IDEA:
        _apply(project, "start_study", role="town")
    record_audit(
        actor=actor,
        action="fifty.meeting",
        target=project,
        summary=_("Rencontre du %s notée") % held_on.strftime("%d/%m/%Y"),
    )
    return meeting


@transaction.atomic
def save_commitments(*, actor, project: Project, rows: list[dict]) -> list[Commitment]:
    """Replace what each side brings (rows: side, kind, description, value); open until the convention is drafted."""
    project = lock_project(project)
    _require_town(actor, project)
    if project.status not in COMMITMENTS_OPEN:
        raise ValidationError(
            _("La convention est déjà rédigée : revenez à l'étude de faisabilité pour changer les engagements.")
        )
    commitments = [Commitment(project=project, **row) for row in rows]
    errors = {}
    for number, commitment in enumerate(commitments, start=1):
        try:
            commitment.full_clean(exclude=["project"])
        except ValidationError as error:
            errors[f"row-{number}"] = error.messages
    if errors:
        raise ValidationError(errors)
    project.commitments.all().delete()
    Commitment.objects.bulk_create(commitments)
    record_audit(
        actor=actor,
        action="fifty.commitments",
        target=project,
        summary=_("Engagements enregistrés : %d") % len(commitments),
    )
    return commitments


def _next_number(fund: Fund) -> str:
    """FF-<year>-<n>: the n-th convention of the town's fifty/fifty funds that year (numbered under the fund's
    lock, so two conventions drafted at once never get the same number)."""
    Fund.objects.select_for_update().filter(pk=fund.pk).exists()
    taken = Convention.objects.filter(
        project__fund__association_id=fund.association_id, project__fund__year=fund.year
    ).count()
    return f"FF-{fund.year}-{taken + 1:03d}"


@transaction.atomic
def draft_convention(*, actor, project: Project, starts_on: datetime.date, ends_on: datetime.date) -> Convention:
    """Both sides agreed: the convention is drafted (kept, with its number, if the study was reopened)."""
    Fund.objects.select_for_update().filter(pk=project.fund_id).exists()  # lock order: fund, then project
    project = lock_project(project)
    _require_town(actor, project)
    sides = set(project.commitments.values_list("side", flat=True))
    missing = []
    if Commitment.Side.RESIDENTS not in sides:
        missing.append(_("ce qu'apportent les habitants"))
    if Commitment.Side.COMMUNE not in sides:
        missing.append(_("ce qu'apporte la commune"))
    if missing:
        raise ValidationError(_("Avant la convention, notez %s.") % _(" et ").join(missing))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("La fin de la convention doit suivre son début.")})
    _apply(project, "agree", role="town")
    convention = Convention.objects.filter(project=project).first()
    if convention is None:
        convention = Convention(project=project, number=_next_number(project.fund))
    convention.starts_on, convention.ends_on = starts_on, ends_on
    convention.full_clean()
    convention.save()
    project.planned_start, project.planned_end = starts_on, ends_on
    project.save(update_fields=["planned_start", "planned_end", "updated_at"])
    record_audit(
        actor=actor,
        action="fifty.convention",
        target=project,
        summary=_("Convention %s rédigée") % convention.number,
    )
    emails.convention_ready(project)
    return convention


@transaction.atomic
def reopen_study(*, actor, project: Project) -> Project:
    project = lock_project(project)
    _require_town(actor, project)
    if Signature.objects.filter(convention__project=project).exists():
        raise ValidationError(_("La convention a déjà une signature : elle ne peut plus être modifiée."))
    _apply(project, "reopen", role="town")
    record_audit(actor=actor, action="fifty.reopen", target=project, summary=_("Engagements à revoir"))
    return project


def _require_agreed(project: Project) -> None:
    if project.status != Status.AGREED:
        raise ValidationError(
            _("La convention n'est pas à signer : le projet est « %s ».") % project.get_status_display()
        )


def _add_signature(project: Project, *, party: str, name: str, role: str, signed_at, method: str, user=None):
    """One party's signature of the project's convention, with the consent text it signed."""
    convention = project.convention
    signature = Signature(
        convention=convention,
        party=party,
        name=name,
        role=role,
        signed_at=signed_at,
        method=method,
        user=user,
        consent=consent_text(project, convention),
    )
    signature.full_clean()
    signature.save()
    return signature


def _complete_if_signed(*, actor, project: Project, role: str, signed_on: datetime.date) -> None:
    convention = project.convention
    if convention.signatures.count() == len(Signature.Party):
        _apply(project, "complete_signatures", role=role)
        convention.signed_on = signed_on
        convention.save(update_fields=["signed_on"])
        record_audit(
            actor=actor,
            action="fifty.signed",
            target=project,
            summary=_("Convention %s signée par les deux parties") % convention.number,
        )


@transaction.atomic
def sign_in_portal(*, actor, project: Project, name: str, role_title: str, accepted: bool) -> Signature:
    """A party's consent in the portal: the proposer for the residents, a town agent for the commune."""
    project = lock_project(project)
    role = role_of(actor, project)
    if role is None:
        raise PermissionDenied(_("Vous n'êtes pas partie à cette convention."))
    _require_agreed(project)
    if not accepted:
        raise ValidationError({"accepted": _("Cochez la case pour donner votre accord.")})
    party = Signature.Party.COMMUNE if role == "town" else Signature.Party.RESIDENTS
    convention = project.convention
    if convention.signatures.filter(party=party).exists():
        raise ValidationError(_("Cette partie a déjà signé la convention."))
    now = timezone.now()
    signature = _add_signature(
        project, party=party, name=name, role=role_title, signed_at=now, method=Signature.Method.PORTAL, user=actor
    )
    record_audit(
        actor=actor,
        action="fifty.sign",
        target=project,
        summary=_("%(party)s : signée par %(name)s (%(role)s)")
        % {"party": signature.get_party_display(), "name": name, "role": role_title},
    )
    _complete_if_signed(actor=actor, project=project, role=role, signed_on=timezone.localdate())
    return signature


@transaction.atomic
def record_paper_signatures(
    *, actor, project: Project, signed_on: datetime.date, signed_copy, parties: dict[str, tuple[str, str]]
) -> Convention:
    """The town records a convention signed on paper: who signed for each party not yet signed (name, role),
    the date, and the scanned signed copy, which is kept."""
    project = lock_project(project)
    _require_town(actor, project)
    _require_agreed(project)
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("La date de signature ne peut pas être dans le futur.")})
    convention = project.convention
    if signed_on < convention.drafted_at.date():
        raise ValidationError({"signed_on": _("La convention a été rédigée après cette date : vérifiez-la.")})
    try:
        check_uploaded_file(uploaded_file=signed_copy)
    except ValidationError as error:
        raise ValidationError({"signed_copy": error.message_dict["file"]}) from None
    already = set(convention.signatures.values_list("party", flat=True))
    signed_at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12, 0)))
    for party, (name, role_title) in parties.items():
        if party in already:
            continue
        if not name or not role_title:
            raise ValidationError({f"{party}_name": _("Indiquez le nom et la qualité de la personne qui a signé.")})
        _add_signature(
            project, party=party, name=name, role=role_title, signed_at=signed_at, method=Signature.Method.PAPER
        )
    convention.signed_copy.save(f"convention-{convention.number}-{original_name(signed_copy)}", signed_copy, save=False)
    stored = convention.signed_copy
    try:  # the file is written first: should the rest fail, it is removed again (the rows roll back)
        convention.save(update_fields=["signed_copy"])
        record_audit(
            actor=actor,
            action="fifty.paper_signature",
            target=project,
            summary=_("Convention %s signée sur papier ; exemplaire signé conservé") % convention.number,
        )
        _complete_if_signed(actor=actor, project=project, role="town", signed_on=signed_on)
    except Exception:
        stored.storage.delete(stored.name)
        raise
    return convention


@transaction.atomic
def carry_out(
    *, actor, project: Project, carried_out_on: datetime.date, outcome: str, residents_involved: int, is_public: bool
) -> Project:
    project = lock_project(project)
    _require_town(actor, project)
    if carried_out_on > timezone.localdate():
        raise ValidationError({"carried_out_on": _("Le projet ne peut pas être réalisé à une date future.")})
    project.carried_out_on, project.outcome = carried_out_on, outcome
    project.residents_involved, project.is_public = residents_involved, is_public
    _apply(project, "carry_out", role="town")
    record_audit(actor=actor, action="fifty.done", target=project, summary=_("Projet réalisé"))
    return project


@transaction.atomic
def abandon(*, actor, project: Project, comment: str) -> Project:
    project = lock_project(project)
    role = role_of(actor, project)
    if role is None:
        raise PermissionDenied(_("Vous n'êtes pas partie à ce projet."))
    if not comment.strip():
        raise ValidationError({"comment": _("Dites en quelques mots pourquoi le projet s'arrête.")})
    _apply(project, "abandon", role=role)
    record_audit(actor=actor, action="fifty.abandon", target=project, summary=comment[:300])
    return project


__all__ = [
    "abandon",
    "carry_out",
    "draft_convention",
    "propose_idea",
    "record_meeting",
    "record_paper_signatures",
    "reopen_study",
    "save_commitments",
    "sign_in_portal",
]
