import io

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from funds.models import Commune, Neighbourhood
from funds.reference import MEL_QPV_FILE
from funds.services import import_qpv, import_qpv_file

HEADER = "code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci"
ARMENTIERES = "QN05967M;Attargette - Chanzy;32;Hauts-de-France;59;Nord;59017;Armentières;200093201;MEL"
LAMBERSART = "QN05970M;Pacot - Vandracq;32;Hauts-de-France;59;Nord;59328;Lambersart;200093201;MEL"
SOUTH = (
    'QN05972M;Secteur Sud;32;Hauts-de-France;59;Nord;"59220; 59343; 59350; 59360";'
    '"Faches-Thumesnil; Lezennes; Lille; Loos";200093201;MEL'
)


def csv_text(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def run(*lines: str):
    return import_qpv(stream=io.StringIO(csv_text(*lines), newline=""))


@pytest.mark.django_db
def test_good_file_is_imported():
    report = run(ARMENTIERES, LAMBERSART, SOUTH)

    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    armentieres = Neighbourhood.objects.get(code="QN05967M")
    assert armentieres.name == "Attargette - Chanzy"
    assert (armentieres.region_code, armentieres.region_name) == ("32", "Hauts-de-France")
    assert (armentieres.department_code, armentieres.department_name) == ("59", "Nord")
    assert (armentieres.epci_siren, armentieres.epci_name) == ("200093201", "MEL")
    assert list(armentieres.communes.values_list("insee_code", "name")) == [("59017", "Armentières")]
    assert Commune.objects.get(insee_code="59017").department_code == "59"


@pytest.mark.django_db
def test_multi_commune_cell_links_every_commune_in_order():
    run(SOUTH)
    south = Neighbourhood.objects.get(code="QN05972M")
    assert dict(south.communes.values_list("insee_code", "name")) == {
        "59220": "Faches-Thumesnil",
        "59343": "Lezennes",
        "59350": "Lille",
        "59360": "Loos",
    }


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing():
    run(ARMENTIERES, SOUTH)
    second = run(ARMENTIERES, SOUTH)
    assert (second.created, second.updated, second.unchanged, second.errors) == (0, 0, 2, [])
    assert Neighbourhood.objects.count() == 2
    assert Commune.objects.count() == 5


@pytest.mark.django_db
def test_changed_line_updates_name_and_sets_communes_exactly():
    run(SOUTH)
    changed = SOUTH.replace("Secteur Sud", "Lille Sud").replace('"59220; 59343; 59350; 59360"', '"59350; 59360"')
    changed = changed.replace('"Faches-Thumesnil; Lezennes; Lille; Loos"', '"Lille; Loos"')

    report = run(changed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    south = Neighbourhood.objects.get(code="QN05972M")
    assert south.name == "Lille Sud"
    assert set(south.communes.values_list("name", flat=True)) == {"Lille", "Loos"}


@pytest.mark.django_db
def test_renamed_commune_counts_the_line_as_updated():
    run(ARMENTIERES)
    report = run(ARMENTIERES.replace(";Armentières;", ";Armentières (Nord);"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert Commune.objects.get(insee_code="59017").name == "Armentières (Nord)"


@pytest.mark.django_db
def test_bad_lines_are_reported_with_their_number_while_the_others_import():
    report = run(
        ARMENTIERES,  # line 2
        "QN0597XM;Code faux;32;Hauts-de-France;59;Nord;59350;Lille;200093201;MEL",  # line 3
        "QN05973M;Colonnes manquantes;32;Hauts-de-France;59",  # line 4
        'QN05974M;Secteur Nord;32;Hauts-de-France;59;Nord;"59350; 59360";Lille;200093201;MEL',  # line 5
        "QN05975M;Les Oliveaux;32;Hauts-de-France;59;Nord;5936X;Loos;200093201;MEL",  # line 6
        LAMBERSART,  # line 7
    )

    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert [line for line, _ in report.errors] == [3, 4, 5, 6]
    messages = dict(report.errors)
    assert "Code QPV « QN0597XM » invalide" in messages[3]
    assert "10 colonnes attendues, 5 trouvées" in messages[4]
    assert "2 code(s) de commune (insee_com) mais 1 nom(s) de commune (lib_com)" in messages[5]
    assert "Code INSEE de commune « 5936X » invalide" in messages[6]
    assert set(Neighbourhood.objects.values_list("code", flat=True)) == {"QN05967M", "QN05970M"}
    assert not Commune.objects.filter(insee_code__in=["59350", "59360"]).exists()


@pytest.mark.django_db
def test_a_line_failing_model_validation_writes_nothing():
    too_long = "x" * 300  # Neighbourhood.name holds 255 characters; its commune must not be left behind.
    report = run(f"QN05975M;{too_long};32;Hauts-de-France;59;Nord;59360;Loos;200093201;MEL", ARMENTIERES)
    assert [line for line, _ in report.errors] == [2]
    assert "au plus 255 caractères" in report.errors[0][1]
    assert report.created == 1
    assert not Neighbourhood.objects.filter(code="QN05975M").exists()
    assert not Commune.objects.filter(insee_code="59360").exists()


@pytest.mark.django_db
def test_duplicate_code_in_the_same_file_is_reported():
    report = run(ARMENTIERES, ARMENTIERES.replace("Attargette - Chanzy", "Autre nom"))
    assert report.errors == [(3, "Le quartier QN05967M figure déjà ligne 2.")]
    assert Neighbourhood.objects.get(code="QN05967M").name == "Attargette - Chanzy"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "code", "expected", "communes"),
    [
        pytest.param(
            "QN1001M;Quartier de l'Ain;84;Auvergne-Rhône-Alpes;1;Ain;1004;Ambérieu-en-Bugey;200070282;CC Ain",
            "QN01001M",
            {"region_code": "84", "department_code": "01", "epci_siren": "200070282"},
            ["01004"],
            id="codes_that_lost_their_leading_zeros_are_padded",
        ),
        pytest.param(
            "qn97101c;Quartier d'outre-mer;1;Guadeloupe;971;Guadeloupe;97101;Les Abymes;2000001;CA",
            "QN97101C",
            {"region_code": "01", "department_code": "971", "epci_siren": "002000001"},
            ["97101"],
            id="overseas_codes_keep_three_digits_and_short_region_and_siren_are_padded",
        ),
        pytest.param(
            "QN02001M;Quartier corse;94;Corse;2a;Corse-du-Sud;2A004;Ajaccio;200066793;CA du Pays Ajaccien",
            "QN02001M",
            {"department_code": "2A"},
            ["2A004"],
            id="corsican_department_and_commune_codes_are_accepted",
        ),
    ],
)
def test_codes_are_normalised(line, code, expected, communes):
    report = run(line)
    assert report.errors == []
    neighbourhood = Neighbourhood.objects.get(code=code)
    assert {field: getattr(neighbourhood, field) for field in expected} == expected
    assert list(neighbourhood.communes.values_list("insee_code", flat=True)) == communes


@pytest.mark.django_db
def test_spreadsheet_text_cells_and_comma_separated_communes_are_understood():
    report = run('QN01341I;Les Escourtines;93;PACA;13;Bouches-du-Rhône;"=""13055,13070""";"Marseille, La Penne";;')
    assert report.errors == []
    assert set(Neighbourhood.objects.get(code="QN01341I").communes.values_list("insee_code", flat=True)) == {
        "13055",
        "13070",
    }


@pytest.mark.django_db
def test_utf8_bom_and_blank_lines_are_accepted():
    text = "\ufeff" + csv_text(ARMENTIERES, "", LAMBERSART)
    report = import_qpv(stream=io.StringIO(text, newline=""))
    assert (report.created, report.errors) == (2, [])


@pytest.mark.django_db
def test_an_iterable_of_lines_is_accepted():
    report = import_qpv(stream=[HEADER, ARMENTIERES])
    assert report.created == 1


@pytest.mark.django_db
def test_wrong_header_is_refused_with_a_clear_message():
    report = import_qpv(stream=io.StringIO("code,nom,commune\n" + ARMENTIERES.replace(";", ",") + "\n"))
    assert report.imported == 0
    assert len(report.errors) == 1
    line, message = report.errors[0]
    assert line == 1
    assert "En-tête non reconnu" in message
    assert "code_qp;lib_qp;insee_reg" in message
    assert not Neighbourhood.objects.exists()


@pytest.mark.django_db
def test_empty_file_is_reported():
    report = import_qpv(stream=io.StringIO(""))
    assert report.errors == [(1, "Le fichier est vide : la ligne d'en-tête est attendue.")]


@pytest.mark.django_db
def test_cp1252_file_falls_back_and_keeps_accents(tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_bytes(
        csv_text(
            ARMENTIERES, "QN05982M;La Mouchonnière;32;Hauts-de-France;59;Nord;59560;Seclin;200093201;Métropole"
        ).encode("cp1252")
    )

    report = import_qpv_file(path=path)

    assert (report.created, report.errors) == (2, [])
    assert Neighbourhood.objects.get(code="QN05982M").name == "La Mouchonnière"
    assert Commune.objects.get(insee_code="59017").name == "Armentières"


@pytest.mark.django_db
def test_utf8_file_with_bom(tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_bytes(csv_text(ARMENTIERES).encode("utf-8-sig"))
    report = import_qpv_file(path=path)
    assert (report.created, report.errors) == (1, [])
    assert Neighbourhood.objects.get(code="QN05967M").communes.get().name == "Armentières"


@pytest.mark.django_db
def test_command_prints_a_french_summary():
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_qpv", str(MEL_QPV_FILE), stdout=stdout, stderr=stderr)
    assert stdout.getvalue().strip() == "26 quartiers créés, 0 mis à jour, 0 inchangé"  # French: 0 takes the singular
    assert stderr.getvalue() == ""

    stdout = io.StringIO()
    call_command("import_qpv", str(MEL_QPV_FILE), stdout=stdout, stderr=stderr)
    assert stdout.getvalue().strip().endswith(", 0 mis à jour, 26 inchangés")
    assert Neighbourhood.objects.count() == 26


@pytest.mark.django_db
def test_command_reports_bad_lines_and_fails_after_importing_the_good_ones(tmp_path):
    path = tmp_path / "qpv.csv"
    path.write_text(csv_text(ARMENTIERES, "QN123;Mauvais code;32;HdF;59;Nord;59350;Lille;200093201;MEL"), "utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_qpv", str(path), stdout=stdout, stderr=stderr)

    assert "1 ligne n'a pas pu être importée" in str(excinfo.value)
    assert "Ligne 3 : Code QPV « QN123 » invalide" in stderr.getvalue()
    assert stdout.getvalue().startswith("1 quartier créé, 0 mis à jour, 0 inchangé")
    assert Neighbourhood.objects.filter(code="QN05967M").exists()


def test_command_with_a_missing_file_gives_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_qpv", str(tmp_path / "absent.csv"))


@pytest.mark.django_db
def test_command_exit_status(tmp_path, capsys):
    """Run as from the shell: a malformed line makes `manage.py import_qpv` exit non-zero."""
    path = tmp_path / "qpv.csv"
    path.write_text(csv_text("QN05967M;Sans communes;32;HdF;59;Nord;;;200093201;MEL"), "utf-8")
    with pytest.raises(SystemExit) as excinfo:
        execute_from_command_line(["manage.py", "import_qpv", "--skip-checks", str(path)])
    assert excinfo.value.code == 1
    assert "Ligne 2 : Aucune commune (insee_com) n'est indiquée." in capsys.readouterr().err
