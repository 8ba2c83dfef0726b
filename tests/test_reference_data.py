import io

import pytest
from django.core.management import call_command

from funds import reference
from funds.models import Commune, CvsAmbition, CvsStake, Neighbourhood, Theme
from funds.services import load_reference_data

TOTAL_AMBITIONS = 31  # annex 2 of the MEL call: 5 + 6 + 3 + 5 + 6 + 6


def test_reference_constants_match_the_source_documents():
    assert [theme.position for theme in reference.PIC_THEMES] == list(range(1, 11))
    assert len({theme.slug for theme in reference.PIC_THEMES}) == 10
    names = [theme.name for theme in reference.PIC_THEMES]
    assert "Lutte contre l'isolement" in names
    assert "Échanges de savoirs" in names
    assert "Transition énergétique et écologique" in names
    assert [stake.number for stake in reference.CVS_STAKES] == [1, 2, 3, 4, 5, 6]
    assert [len(stake.ambitions) for stake in reference.CVS_STAKES] == [5, 6, 3, 5, 6, 6]
    for stake in reference.CVS_STAKES:
        for ambition in stake.ambitions:
            assert "⇒" not in ambition.text and "**" not in ambition.text
            assert not ambition.text.endswith((";", ":"))
            assert ambition.domain == "" or ambition.domain.startswith("En matière d")


@pytest.mark.django_db
def test_load_reference_data_twice_creates_everything_once():
    first = load_reference_data()
    assert first["themes"] == {"created": 10, "updated": 0, "unchanged": 0}
    assert first["stakes"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert first["ambitions"] == {"created": TOTAL_AMBITIONS, "updated": 0, "unchanged": 0}
    assert first["neighbourhoods"] == {"created": 26, "updated": 0, "unchanged": 0}

    second = load_reference_data()
    assert second["themes"] == {"created": 0, "updated": 0, "unchanged": 10}
    assert second["stakes"] == {"created": 0, "updated": 0, "unchanged": 6}
    assert second["ambitions"] == {"created": 0, "updated": 0, "unchanged": TOTAL_AMBITIONS}
    assert second["neighbourhoods"] == {"created": 0, "updated": 0, "unchanged": 26}

    assert Theme.objects.count() == 10
    assert CvsStake.objects.count() == 6
    assert CvsAmbition.objects.count() == TOTAL_AMBITIONS
    assert Neighbourhood.objects.count() == 26
    assert Commune.objects.count() == 19


@pytest.mark.django_db
def test_themes_are_in_the_brochure_order():
    load_reference_data()
    assert list(Theme.objects.values_list("position", "name")) == [
        (1, "Circuits courts"),
        (2, "Lutte contre l'isolement"),
        (3, "Lutte contre l'illettrisme"),
        (4, "Échanges de savoirs"),
        (5, "Valorisation du patrimoine"),
        (6, "Créativité artistique"),
        (7, "Insertion par l'économique"),
        (8, "Innovation sociale"),
        (9, "Démocratie numérique"),
        (10, "Transition énergétique et écologique"),
    ]


@pytest.mark.django_db
def test_stakes_and_ambitions_keep_titles_domains_and_order():
    load_reference_data()
    stake = CvsStake.objects.get(number=2)
    assert stake.title == "Amplifier la politique d'accès à l'emploi"
    assert CvsStake.objects.get(number=4).title.startswith("Œuvrer pour le vivre ensemble : gestion urbaine")

    ambitions = list(CvsAmbition.objects.filter(stake__number=4))
    assert [a.position for a in ambitions] == [1, 2, 3, 4, 5]
    assert [a.domain for a in ambitions] == [
        "En matière d'habitat",
        "En matière de cadre de vie",
        "En matière de cadre de vie",
        "En matière de cadre de vie",
        "En matière de sécurité et de prévention de la délinquance",
    ]
    assert ambitions[0].text.startswith("L'ambition est d'améliorer la situation de l'habitat dans les QPV")

    first = CvsAmbition.objects.get(stake__number=1, position=1)
    assert first.domain == ""
    assert first.text == (
        "Mieux repérer les élèves en difficulté et les accompagner dans leur réussite scolaire, "
        "corolaire à leur réussite professionnelle"
    )
    last = CvsAmbition.objects.get(stake__number=6, position=6)
    assert last.domain == "En matière de lutte contre les discriminations"
    assert last.text.startswith("D'autres champs que l'emploi pourront être explorés")


@pytest.mark.django_db
def test_qpv_are_loaded_with_all_their_communes():
    load_reference_data()
    south = Neighbourhood.objects.get(code="QN05972M")
    assert south.name == "Secteur Sud"
    assert sorted(south.communes.values_list("name", flat=True)) == ["Faches-Thumesnil", "Lezennes", "Lille", "Loos"]
    assert (south.region_code, south.region_name) == ("32", "Hauts-de-France")
    assert (south.department_code, south.department_name) == ("59", "Nord")
    assert (south.epci_siren, south.epci_name) == ("200093201", "Métropole Européenne de Lille")

    assert set(Neighbourhood.objects.get(code="QN05980M").communes.values_list("insee_code", flat=True)) == {
        "59163",
        "59512",
        "59599",
        "59650",
    }
    assert Neighbourhood.objects.get(code="QN05991N").name == "Le Parc"
    assert Commune.objects.get(insee_code="59378").name == "Marcq-en-Barœul"
    assert Commune.objects.get(insee_code="59009").name == "Villeneuve-d'Ascq"
    assert Commune.objects.get(name="Lille").neighbourhoods.count() == 5


@pytest.mark.django_db
def test_reference_data_repairs_a_changed_row_and_keeps_the_fixture_world(world):
    """The conftest world already holds two themes and two QPV: loading completes them, never duplicates."""
    Theme.objects.filter(slug="innovation-sociale").update(name="Innovation", position=99)
    result = load_reference_data()

    assert result["themes"] == {"created": 8, "updated": 1, "unchanged": 1}
    assert result["neighbourhoods"]["updated"] == 2
    assert Theme.objects.get(slug="innovation-sociale").name == "Innovation sociale"
    assert Theme.objects.get(slug="innovation-sociale").position == 8
    assert Theme.objects.count() == 10
    assert Neighbourhood.objects.count() == 26
    world.neighbourhood.refresh_from_db()
    assert world.neighbourhood.name.startswith("Quartier Intercommunal Roubaix-Tourcoing - Blanc Seau")
    assert world.neighbourhood.communes.count() == 4


@pytest.mark.django_db
def test_load_reference_data_command():
    call_command("load_reference_data", stdout=io.StringIO())
    stdout = io.StringIO()
    call_command("load_reference_data", stdout=stdout)
    out = stdout.getvalue()
    assert "Thématiques : 0 créé(s), 0 mis à jour, 10 inchangé(s)" in out
    assert "Quartiers prioritaires (QPV) : 0 créé(s), 0 mis à jour, 26 inchangé(s)" in out
    assert Neighbourhood.objects.count() == 26
