"""Identifiers of French associations: SIREN, SIRET (Luhn rule) and RNA."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"


def luhn_sum(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total


def make_siret(number: int) -> str:
    """A SIRET whose SIREN and SIRET both pass the Luhn rule, built from a number (demo, load and test data)."""
    body = f"{number:08d}"[-8:]
    siren = next(body + str(d) for d in range(10) if luhn_sum(body + str(d)) % 10 == 0)
    nic = "0001"
    return next(siren + nic + str(d) for d in range(10) if luhn_sum(siren + nic + str(d)) % 10 == 0)


def is_valid_siren(value: str) -> bool:
    return bool(re.fullmatch(r"\d{9}", value)) and luhn_sum(value) % 10 == 0


def is_valid_siret(value: str) -> bool:
    if not re.fullmatch(r"\d{14}", value):
        return False
    siren = value[:9]
    if siren == LA_POSTE_SIREN:
        # La Poste's establishments: the sum of the 14 digits is a multiple of 5
        # (its head office, 35600000000048, also passes the ordinary Luhn rule).
        return sum(int(c) for c in value) % 5 == 0 or luhn_sum(value) % 10 == 0
    return is_valid_siren(siren) and luhn_sum(value) % 10 == 0


def normalize_identifier(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_siren(value: str) -> None:
    if not is_valid_siren(normalize_identifier(value)):
        raise ValidationError(
            _("Le numéro SIREN doit compter 9 chiffres et être valide (vérifiez qu'aucun chiffre n'a été inversé)."),
            code="invalid_siren",
        )


def validate_siret(value: str) -> None:
    normalized = normalize_identifier(value)
    if not re.fullmatch(r"\d{14}", normalized):
        raise ValidationError(
            _("Le numéro SIRET doit compter 14 chiffres (les espaces sont acceptés)."), code="invalid_siret_format"
        )
    if not is_valid_siret(normalized):
        raise ValidationError(
            _(
                "Ce numéro SIRET n'est pas valide : vérifiez-le sur votre avis de situation INSEE "
                "(un chiffre a peut-être été inversé ou oublié)."
            ),
            code="invalid_siret",
        )


def validate_rna(value: str) -> None:
    if not re.fullmatch(r"W[0-9A-Z]{9}", normalize_identifier(value)):
        raise ValidationError(
            _("Le numéro RNA commence par la lettre W suivie de 9 caractères, par exemple W595012345."),
            code="invalid_rna",
        )
