"""The staff's worklist forms: the inbox's selection (checked rows) and who instructs a request."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.inbox import instructor_choices
from applications.services.worklist import MAX_SELECTION
from core.forms import ListedModelChoiceField

# Bounds of a row id sent by the browser (ids are positive 32-bit integers, as in the URLs).
MAX_ID = 2**31 - 1


class SelectionIdsField(forms.Field):
    """The ids of the checked rows (`<input type="checkbox" name="demandes">`), unique, in the order sent."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids: list[int] = []
        for item in values:
            try:
                number = int(str(item))
            except ValueError:
                raise ValidationError(_("La sélection n'est pas valide : rechargez la liste et recommencez.")) from None
            if not 0 < number <= MAX_ID:
                raise ValidationError(_("La sélection n'est pas valide : rechargez la liste et recommencez."))
            if number not in ids:
                ids.append(number)
        if len(ids) > MAX_SELECTION:
            raise ValidationError(_("Cochez au plus %(max)s demandes à la fois.") % {"max": MAX_SELECTION})
        return ids


class InstructorForm(forms.Form):
    """Who instructs: one of the staff of the user's associations, or nobody."""

    instructeur = ListedModelChoiceField(
        queryset=None,
        required=False,
        label=_("Instructeur·rice"),
        empty_label=_("Personne (retirer l'attribution)"),
        error_messages={"invalid_choice": _("Choisissez une personne de l'équipe dans la liste.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["instructeur"]
        field.queryset = instructor_choices(user=user)
        field.label_from_instance = lambda person: person.get_full_name() or person.email


class SelectionForm(InstructorForm):
    """The inbox's one form: the checked rows, and the instructor for "Attribuer"."""

    use_required_attribute = False

    demandes = SelectionIdsField(
        label=_("Demandes cochées"),
        error_messages={"required": _("Cochez au moins une demande dans la liste, puis choisissez l'action.")},
    )
