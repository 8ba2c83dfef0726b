import pytest
from django.core.exceptions import ValidationError

from funds.validators import (
    is_valid_siren,
    is_valid_siret,
    luhn_sum,
    normalize_identifier,
    validate_rna,
    validate_siren,
    validate_siret,
)
from tests import factories as f

VALID_SIREN = "732829320"  # Luhn sum is a multiple of 10
VALID_SIRET = f.make_siret(12_345_678)


def flip_last_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def test_luhn_sum_doubles_every_second_digit_from_the_right():
    assert luhn_sum("79927398713") == 70
    assert luhn_sum("18") == 8 + 2  # from the right: 8 kept, 1 doubled
    assert luhn_sum("59") == 9 + 1  # 5 doubled is 10, minus 9


def test_valid_siren():
    assert is_valid_siren(VALID_SIREN)
    validate_siren(VALID_SIREN)
    validate_siren("732 829 320")


@pytest.mark.parametrize("value", ["732829321", "73282932", "7328293200", "73282932A", ""])
def test_invalid_siren(value):
    assert not is_valid_siren(normalize_identifier(value))
    with pytest.raises(ValidationError) as excinfo:
        validate_siren(value)
    assert excinfo.value.code == "invalid_siren"
    assert "Le numéro SIREN doit compter 9 chiffres" in excinfo.value.messages[0]


def test_valid_siret():
    assert is_valid_siret(VALID_SIRET)
    validate_siret(VALID_SIRET)


def test_siret_with_spaces_dots_or_dashes_is_accepted():
    spaced = f"{VALID_SIRET[:3]} {VALID_SIRET[3:6]} {VALID_SIRET[6:9]} {VALID_SIRET[9:]}"
    validate_siret(spaced)
    validate_siret(f"{VALID_SIRET[:9]}.{VALID_SIRET[9:]}")
    validate_siret(f" {VALID_SIRET[:9]}-{VALID_SIRET[9:]} ")
    assert normalize_identifier(spaced) == VALID_SIRET


def test_siret_with_a_wrong_check_digit_is_refused():
    wrong = flip_last_digit(VALID_SIRET)
    assert not is_valid_siret(wrong)
    with pytest.raises(ValidationError) as excinfo:
        validate_siret(wrong)
    assert excinfo.value.code == "invalid_siret"
    assert "Ce numéro SIRET n'est pas valide" in excinfo.value.messages[0]


def test_siret_whose_own_sum_is_right_but_siren_is_not_is_refused():
    """14 digits whose Luhn sum is a multiple of 10, but whose first 9 digits are not a valid SIREN."""
    siren = "732829321"
    assert not is_valid_siren(siren)
    siret = next(siren + "0001" + str(d) for d in range(10) if luhn_sum(siren + "0001" + str(d)) % 10 == 0)
    assert not is_valid_siret(siret)
    with pytest.raises(ValidationError):
        validate_siret(siret)


@pytest.mark.parametrize("value", ["1234567890123", "123456789012345", "7328293200007A", "", "SIRET"])
def test_siret_of_the_wrong_length_or_not_digits_is_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_siret(value)
    assert excinfo.value.code == "invalid_siret_format"
    assert "Le numéro SIRET doit compter 14 chiffres" in excinfo.value.messages[0]


def test_la_poste_siren_is_valid():
    assert is_valid_siren("356000000")
    validate_siren("356 000 000")


def test_la_poste_siret_with_a_digit_sum_multiple_of_5_is_valid():
    siret = "35600000000047"  # 3 + 5 + 6 + 4 + 7 = 25, although its Luhn sum is not a multiple of 10
    assert luhn_sum(siret) % 10 != 0
    assert is_valid_siret(siret)
    validate_siret("356 000 000 00047")


@pytest.mark.parametrize("siret", ["35600000000049", "35600000000013"])
def test_la_poste_siret_with_a_digit_sum_not_multiple_of_5_is_invalid(siret):
    assert sum(int(c) for c in siret) % 5 != 0
    assert luhn_sum(siret) % 10 != 0
    assert not is_valid_siret(siret)
    with pytest.raises(ValidationError):
        validate_siret(siret)


def test_la_poste_head_office_siret_is_valid():
    assert luhn_sum("35600000000048") % 10 == 0
    assert is_valid_siret("35600000000048")


@pytest.mark.parametrize("value", ["W595012345", "w595012345", "W 595 012 345", "W59A012345"])
def test_valid_rna(value):
    validate_rna(value)


@pytest.mark.parametrize("value", ["595012345", "W59501234", "W5950123456", "X595012345", "W59501234é", ""])
def test_invalid_rna(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_rna(value)
    assert excinfo.value.code == "invalid_rna"
    assert "Le numéro RNA commence par la lettre W suivie de 9 caractères" in excinfo.value.messages[0]


@pytest.mark.django_db
def test_carrier_association_refuses_a_bad_siret_in_french():
    association = f.CarrierAssociationFactory.build(siret=flip_last_digit(VALID_SIRET), rna="W595012345")
    with pytest.raises(ValidationError) as excinfo:
        association.full_clean()
    assert set(excinfo.value.message_dict) == {"siret"}
    assert excinfo.value.message_dict["siret"] == [
        "Ce numéro SIRET n'est pas valide : vérifiez-le sur votre avis de situation INSEE "
        "(un chiffre a peut-être été inversé ou oublié)."
    ]


@pytest.mark.django_db
def test_carrier_association_refuses_a_bad_rna_and_a_short_siret():
    association = f.CarrierAssociationFactory.build(siret="123", rna="W12")
    with pytest.raises(ValidationError) as excinfo:
        association.full_clean()
    assert "Le numéro SIRET doit compter 14 chiffres" in excinfo.value.message_dict["siret"][0]
    assert "Le numéro RNA commence par la lettre W" in excinfo.value.message_dict["rna"][0]


@pytest.mark.django_db
def test_carrier_association_normalises_a_spaced_siret_and_rna():
    spaced = f"{VALID_SIRET[:3]} {VALID_SIRET[3:6]} {VALID_SIRET[6:9]} {VALID_SIRET[9:]}"
    association = f.CarrierAssociationFactory.build(siret=spaced, rna="w595 012 345")
    association.full_clean()
    assert association.siret == VALID_SIRET
    assert association.rna == "W595012345"
