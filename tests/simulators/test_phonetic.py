import pytest

from simulators.bcss import phonetic


@pytest.mark.parametrize(
    "spellings",
    [
        ("Van den Berghe", "Vandenberghe", "VANDENBERGHE", "van-den-berghe"),
        ("Delacroix", "De La Croix", "DE LA CROIX"),
        ("El Amrani", "Elamrani", "ELAMRANI", "el-Amrani"),
        ("D'Hondt", "Dhondt", "D HONDT"),
        ("Müller", "MULLER", "Muller"),
    ],
)
def test_particles_spaces_case_and_accents_do_not_matter(spellings):
    assert len({phonetic.normalise(name) for name in spellings}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Dupont", "Dupond"),
        ("Vandenberghe", "Van den Berghe"),
        ("Vandenberghe", "Vandenberg"),
        ("Delacroix", "De La Croix"),
        ("Peeters", "Pieters"),
        ("Claes", "Claeys"),
        ("Maes", "Maas"),
        ("Mohammed", "Mohamed"),
        ("Mohammed", "Muhammad"),
        ("El Amrani", "Elamrani"),
        ("Lefèvre", "Lefebvre"),
        ("Müller", "Mueller"),
        ("Müller", "Muller"),
        ("Wouters", "Wauters"),
        ("D'Hondt", "Dhont"),
        ("Vanden Driessche", "Vandendriesche"),
        ("Yılmaz", "Yilmaz"),
    ],
)
def test_sound_alike_names_share_the_phonetic_key(one, other):
    assert phonetic.keys(one)[0] == phonetic.keys(other)[0]
    assert phonetic.similarity(one, other) >= phonetic.KEY_THRESHOLD


@pytest.mark.parametrize(("one", "other"), [("Janssens", "Janssen"), ("Schmitz", "Schmidt")])
def test_near_spellings_meet_on_the_skeleton_and_are_close_enough(one, other):
    assert phonetic.keys(one)[0] != phonetic.keys(other)[0]
    assert phonetic.keys(one)[1] == phonetic.keys(other)[1]
    assert phonetic.similarity(one, other) >= phonetic.SKELETON_THRESHOLD


@pytest.mark.parametrize(
    ("one", "other"), [("Dupont", "Durand"), ("Peeters", "Janssens"), ("Lambert", "Laurent")]
)
def test_different_names_share_neither_key(one, other):
    assert phonetic.keys(one)[0] != phonetic.keys(other)[0]
    assert phonetic.keys(one)[1] != phonetic.keys(other)[1]


def test_names_sharing_a_skeleton_by_chance_are_not_close():
    assert phonetic.keys("Claes")[1] == phonetic.keys("Cools")[1]
    assert phonetic.similarity("Claes", "Cools") < phonetic.SKELETON_THRESHOLD


def test_a_name_without_letters_has_empty_keys():
    assert phonetic.keys("--- '") == ("", "")


def test_first_name_similarity_takes_the_best_of_several_first_names():
    assert phonetic.first_name_similarity("Marie", "ANNE MARIE") == 1.0
    assert phonetic.first_name_similarity("Jean-François", "JEAN FRANCOIS") == 1.0
    assert phonetic.first_name_similarity("Piotr", "ANNE MARIE") < 0.6


def test_jaro_winkler_matches_the_textbook_values():
    assert phonetic.jaro_winkler("martha", "marhta") == pytest.approx(0.961, abs=0.001)
    assert phonetic.jaro_winkler("dixon", "dicksonx") == pytest.approx(0.813, abs=0.001)
    assert phonetic.jaro_winkler("abc", "xyz") == 0.0
