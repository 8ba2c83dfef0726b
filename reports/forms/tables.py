"""The rows of the bilan's table formsets (objectives, partners, budget, expenses): read and prefilled."""


def filled_forms(formset) -> list:
    """The forms of a valid table formset that hold a row: filled in (`is_blank()` false) and not deleted."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]


def rows_initial(rows, fields: tuple[str, ...]) -> list[dict]:
    """A table formset's initial data: each row's `fields`, by name."""
    return [{field: getattr(row, field) for field in fields} for row in rows]
