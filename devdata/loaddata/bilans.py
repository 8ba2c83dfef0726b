"""Bilans of granted requests: a PIC-style bilan (effects, expenses, receipts, photos) or a CVS bilan."""

import datetime
import random
from decimal import Decimal

from applications.budget import ExpenseCategory, ResourceCategory
from core.money import cents
from devdata.loaddata.constants import DIFFICULTIES, IDEAS
from devdata.loaddata.context import Run
from reports.models import (
    EFFECTS_WITH_PUBLICS,
    EXCLUSIVE_CHANGES,
    PUBLIC_FIELDS,
    Bilan,
    BilanAttachment,
    BilanExpense,
    BilanStatus,
    BudgetSide,
    CvsBilan,
    CvsBudgetItem,
    CvsBudgetLine,
    CvsObjective,
    CvsPartner,
    Effect,
    EffectChange,
    EffectObservation,
    Perspective,
    ProgressStatus,
    changes_of,
)


def bilan_dates(request: dict, status) -> dict:
    times = request["times"]
    filed = status in (BilanStatus.SUBMITTED, BilanStatus.ACCEPTED, BilanStatus.RETURNED)
    reviewed = status in (BilanStatus.ACCEPTED, BilanStatus.RETURNED)
    review_time = times["bilan_returned"] if status == BilanStatus.RETURNED else times["bilan_reviewed"]
    return {
        "created_at": times["bilan_started"],
        "updated_at": (review_time if reviewed else times["bilan_submitted"]) if filed else times["bilan_started"],
        "submitted_at": times["bilan_submitted"] if filed else None,
        "reviewed_at": review_time if reviewed else None,
    }


# --- PIC, FPH, 50/50 --------------------------------------------------------------------------------------


def pic_bilan(run: Run, rng: random.Random, request: dict, status, staff) -> None:
    filled = status != BilanStatus.DRAFT or rng.random() < 0.5
    dates = bilan_dates(request, status)
    bilan = run.writer.add(_pic_bilan_row(rng, request, status, staff, filled, dates))
    for category, label, amount, position in request.get("expenses", []):
        if category not in ExpenseCategory.values:
            continue
        actual = cents(amount * Decimal(str(rng.uniform(0.85, 1.1)))) if filled else None
        run.writer.add(
            BilanExpense(
                bilan=bilan,
                category=category,
                label=label,
                planned_amount=amount,
                actual_amount=actual,
                position=position,
            )
        )
    if not filled:
        return
    _effects(run, rng, bilan)
    _bilan_files(run, rng, bilan, request["owner"], dates["submitted_at"] or dates["created_at"])


def _pic_bilan_row(rng: random.Random, request: dict, status, staff, filled: bool, dates: dict) -> Bilan:
    app, owner = request["app"], request["owner"]
    women, men = rng.randint(5, 90), rng.randint(3, 70)
    return Bilan(
        application=app,
        status=status,
        return_comment="Merci d'ajouter les justificatifs de dépense." if status == BilanStatus.RETURNED else "",
        created_by=owner,
        reviewed_by=staff[0] if dates["reviewed_at"] else None,
        main_objective=app.objectives,
        held_from=app.starts_at,
        held_until=app.ends_at,
        proceedings="L'action s'est déroulée comme prévu, avec l'aide des bénévoles." if filled else "",
        mobilised_women=rng.randint(1, 10) if filled else None,
        mobilised_men=rng.randint(0, 8) if filled else None,
        participant_women=women if filled else None,
        participant_men=men if filled else None,
        positive_points="Beaucoup de familles sont venues et ont proposé d'aider." if filled else "",
        difficulties=rng.choice(DIFFICULTIES) if filled else "",
        results="De nouveaux habitant·es ont rejoint le collectif." if filled else "",
        helpers="Le centre social" if filled else "",
        help_received="Prêt de la salle et aide pour le budget" if filled else "",
        help_sufficient=rng.random() < 0.85 if filled else None,
        wants_to_renew=rng.random() < 0.8 if filled else None,
        other_ideas=rng.choice(IDEAS) if filled else "",
        **dates,
    )


def _effects(run: Run, rng: random.Random, bilan: Bilan) -> None:
    """One to four effects observed, with their publics and compatible changes."""
    for effect in rng.sample(list(Effect), rng.randint(1, 4)):
        publics = {}
        if effect in EFFECTS_WITH_PUBLICS:
            chosen = rng.sample(list(PUBLIC_FIELDS.values()), rng.randint(1, 3))
            publics = dict.fromkeys(chosen, True)
        observation = run.writer.add(
            EffectObservation(bilan=bilan, effect=effect, narrative="Des voisins se sont revus ensuite.", **publics)
        )
        options = [value for value, _label in changes_of(effect)]
        picked = []
        for value in rng.sample(options, min(len(options), rng.randint(1, 3))):
            if any(value in group and any(p in group for p in picked) for group in EXCLUSIVE_CHANGES):
                continue
            picked.append(value)
        for value in picked:
            run.writer.add(EffectChange(observation=observation, change=value))


def _bilan_files(run: Run, rng: random.Random, bilan: Bilan, owner, uploaded: datetime.datetime) -> None:
    """A receipt and up to two photos, all pointing to the shared files."""
    shared = run.shared
    run.writer.add(
        BilanAttachment(
            bilan=bilan,
            kind=BilanAttachment.Kind.RECEIPT,
            file=shared.pdf_name,
            original_name="facture.pdf",
            content_type="application/pdf",
            size=shared.pdf_size,
            uploaded_by=owner,
            uploaded_at=uploaded,
        )
    )
    for n in range(rng.choice((0, 1, 1, 2))):
        run.writer.add(
            BilanAttachment(
                bilan=bilan,
                kind=BilanAttachment.Kind.PHOTO,
                file=shared.png_name,
                original_name=f"photo-{n + 1}.png",
                content_type="image/png",
                size=shared.png_size,
                description="Les habitant·es autour de la table du goûter.",
                public_consent=rng.random() < 0.6,
                uploaded_by=owner,
                uploaded_at=uploaded + datetime.timedelta(minutes=n + 1),
            )
        )


# --- CVS --------------------------------------------------------------------------------------------------


def cvs_bilan(run: Run, rng: random.Random, request: dict, status, staff) -> None:
    filled = status != BilanStatus.DRAFT or rng.random() < 0.5
    dates = bilan_dates(request, status)
    bilan = run.writer.add(_cvs_bilan_row(rng, request, status, staff, filled, dates))
    if filled:
        _cvs_details(run, bilan, request)


def _cvs_bilan_row(rng: random.Random, request: dict, status, staff, filled: bool, dates: dict) -> CvsBilan:
    app, owner = request["app"], request["owner"]
    return CvsBilan(
        application=app,
        status=status,
        return_comment="Merci de compléter le tableau budgétaire." if status == BilanStatus.RETURNED else "",
        created_by=owner,
        reviewed_by=staff[0] if dates["reviewed_at"] else None,
        period_start=app.starts_at.date(),
        period_end=app.ends_at.date(),
        structure=app.holder.name if app.holder else "",
        referent_first_name=owner.first_name,
        referent_last_name=owner.last_name,
        referent_function="Présidente" if filled else "",
        referent_email=owner.email,
        action_created_year=app.fund.year,
        territory="Quartier prioritaire" if filled else "",
        target_public=app.expected_public,
        planned_cost=sum((e[2] for e in request.get("expenses", [])), Decimal("0")),
        short_description=app.objectives,
        progress_status=ProgressStatus.CLOSED if filled else "",
        progress_since=app.ends_at.date() if filled else None,
        achievements="Ateliers réalisés comme prévu." if filled else "",
        difficulties=rng.choice(DIFFICULTIES) if filled else "",
        perspective=rng.choice(list(Perspective.values)) if filled else "",
        perspective_comment="Poursuivre l'an prochain." if filled else "",
        key_figures="42 personnes touchées, dont 25 femmes (feuilles de présence)." if filled else "",
        **dates,
    )


def _cvs_details(run: Run, bilan: CvsBilan, request: dict) -> None:
    """Objectives, a partner, the budget as planned (charges) and the Région's grant (resource)."""
    writer = run.writer
    for position in (1, 2):
        writer.add(
            CvsObjective(
                bilan=bilan,
                position=position,
                objective=f"Objectif opérationnel {position}",
                indicators="Nombre de participant·es",
                result="Atteint",
            )
        )
    writer.add(CvsPartner(bilan=bilan, position=0, actor="Bailleur social", role="Prête la salle", satisfied=True))
    for n, (category, label, amount, _position) in enumerate(request.get("expenses", [])):
        writer.add(
            CvsBudgetLine(
                bilan=bilan,
                side=BudgetSide.CHARGE,
                account=category,
                label=label,
                planned_amount=amount,
                realised_amount=amount,
                position=n,
            )
        )
    writer.add(
        CvsBudgetLine(
            bilan=bilan,
            side=BudgetSide.RESOURCE,
            account=ResourceCategory.GRANTS,
            item=CvsBudgetItem.REGION_SPECIFIC,
            planned_amount=request["granted"],
            realised_amount=request["granted"],
            position=0,
        )
    )
