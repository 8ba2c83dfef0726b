"""The effects grid (seed 004): one small form per effect, and the grid that holds them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import optional_text
from reports.models import (
    EFFECT_LEVELS,
    EFFECT_QUESTIONS,
    EFFECTS_WITH_PUBLICS,
    Effect,
    EffectLevel,
    EffectObservation,
    ObservedPublic,
    changes_of,
)


class EffectForm(forms.Form):
    """One effect of the grid: observed or not, between whom, what changed, and a narrative."""

    observed = forms.BooleanField(required=False)
    publics = forms.MultipleChoiceField(
        label=_("Entre quels publics ?"),
        choices=ObservedPublic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    changes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    narrative = optional_text(_("Racontez ce que vous avez observé"), max_length=3000, rows=3)

    def __init__(self, *args, effect: str, observation: EffectObservation | None = None, **kwargs):
        super().__init__(*args, prefix=f"effet-{effect}", **kwargs)
        self.effect = effect
        self.label = Effect(effect).label
        self.level = EFFECT_LEVELS[effect]
        self.fields["observed"].label = _("Nous avons observé cet effet : %(effect)s") % {"effect": self.label}
        self.fields["changes"].label = EFFECT_QUESTIONS[effect]
        self.fields["changes"].choices = changes_of(effect)
        if effect not in EFFECTS_WITH_PUBLICS:
            del self.fields["publics"]
        if observation is not None and not self.is_bound:
            self.initial = {
                "observed": True,
                "publics": observation.publics(),
                "changes": [change.change for change in observation.changes.all()],
                "narrative": observation.narrative,
            }

    def observation(self) -> dict | None:
        """The dict `set_effects` expects, or None when the effect is not ticked."""
        data = self.cleaned_data
        if not data.get("observed"):
            return None
        return {
            "effect": self.effect,
            "publics": data.get("publics") or [],
            "changes": data.get("changes") or [],
            "narrative": data.get("narrative") or "",
        }


class EffectsGrid:
    """The ten effects of the grid as one form per effect, grouped by level for the page."""

    def __init__(self, data=None, *, observations: list[EffectObservation]):
        by_effect = {observation.effect: observation for observation in observations}
        self.forms = [EffectForm(data, effect=effect, observation=by_effect.get(effect)) for effect in Effect.values]

    def levels(self) -> list[tuple[str, list[EffectForm]]]:
        return [(label, [form for form in self.forms if form.level == level]) for level, label in EffectLevel.choices]

    def is_valid(self) -> bool:
        return all(form.is_valid() for form in self.forms)

    def observations(self) -> list[dict]:
        return [observation for form in self.forms if (observation := form.observation()) is not None]

    def add_errors(self, errors: dict) -> None:
        by_effect = {form.effect: form for form in self.forms}
        for key, messages in errors.items():
            form = by_effect.get(key, self.forms[0])
            for message in messages:
                form.add_error(None, message)
