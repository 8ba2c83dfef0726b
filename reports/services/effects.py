"""The micro-project bilan's effects grid (seed 004)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.services import record_audit
from core.validation import Errors, add_error, full_clean_into, raise_if
from reports.locks import lock_bilan
from reports.models import (
    EFFECTS_WITH_PUBLICS,
    EXCLUSIVE_CHANGES,
    PUBLIC_FIELDS,
    Bilan,
    Effect,
    EffectChange,
    EffectObservation,
    ObservedChange,
    ObservedPublic,
    changes_of,
)
from reports.services.checks import check_editable, check_holder


def check_observation(observation: dict, errors: Errors, seen: set[str]) -> None:
    effect = observation.get("effect")
    if effect not in Effect.values:
        add_error(errors, "effects", _("Choisissez les effets dans la grille."))
        return
    label = Effect(effect).label
    if effect in seen:
        add_error(errors, effect, _("L'effet « %(effect)s » est indiqué deux fois.") % {"effect": label})
    seen.add(effect)
    publics = set(observation.get("publics") or ())
    changes = set(observation.get("changes") or ())
    narrative = (observation.get("narrative") or "").strip()
    if publics - set(ObservedPublic.values):
        add_error(errors, effect, _("Choisissez les publics dans la liste."))
    if publics and effect not in EFFECTS_WITH_PUBLICS:
        add_error(
            errors, effect, _("La grille ne demande pas de publics pour l'effet « %(effect)s ».") % {"effect": label}
        )
    allowed = {value for value, _label in changes_of(effect)}
    if changes - allowed:
        add_error(errors, effect, _("Cochez des éléments de l'effet « %(effect)s » seulement.") % {"effect": label})
    for group in EXCLUSIVE_CHANGES:
        if len(changes & group) > 1:
            add_error(
                errors,
                effect,
                _("« %(effect)s » : cochez une seule de ces réponses : %(choices)s.")
                % {"effect": label, "choices": " / ".join(str(ObservedChange(c).label) for c in sorted(group))},
            )
    if not changes and not narrative:
        add_error(
            errors,
            effect,
            _("« %(effect)s » : cochez ce qui a été observé ou décrivez-le, ou décochez cet effet.")
            % {"effect": label},
        )


def set_effects(*, user, bilan: Bilan, observations: list[dict]) -> list[EffectObservation]:
    """Replace the effects grid: one dict per observed effect {effect, publics, changes, narrative}."""
    check_holder(user, bilan.application)
    errors: Errors = {}
    seen: set[str] = set()
    for observation in observations:
        check_observation(observation, errors, seen)
    raise_if(errors)
    with transaction.atomic():
        locked = lock_bilan(bilan)
        check_editable(locked)
        rows = []
        for observation in observations:
            publics = set(observation.get("publics") or ())
            row = EffectObservation(
                bilan=locked,
                effect=observation["effect"],
                narrative=(observation.get("narrative") or "").strip(),
                **{field: public in publics for public, field in PUBLIC_FIELDS.items()},
            )
            row_errors: Errors = {}
            full_clean_into(row, row_errors, exclude=["bilan"], validate_unique=False)
            if row_errors:
                add_error(errors, row.effect, " ".join(m for ms in row_errors.values() for m in ms))
            rows.append(row)
        raise_if(errors)
        locked.effects.all().delete()
        EffectObservation.objects.bulk_create(rows)
        ids = dict(locked.effects.values_list("effect", "pk"))
        EffectChange.objects.bulk_create(
            EffectChange(
                observation_id=ids[observation["effect"]], bilan_id=locked.pk, fund_id=locked.fund_id, change=change
            )
            for observation in observations
            for change in sorted(set(observation.get("changes") or ()))
        )
        locked.save(update_fields=["updated_at"])
        record_audit(
            actor=user, action="bilan.set_effects", target=locked, data={"effects": [o["effect"] for o in observations]}
        )
    return list(locked.effects.all())
