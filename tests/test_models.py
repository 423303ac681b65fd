"""Input models: the spec's fields and vocabularies, with errors that name the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fundmatch import Municipality, Partner, ProjectIdea, Theme

from .conftest import idea, profile


def test_plain_dicts_validate_into_models() -> None:
    m = Municipality.model_validate(profile())
    assert m.country == "IT" and m.nuts == "ITH42"
    i = ProjectIdea.model_validate(idea())
    assert i.themes == [Theme.MIGRANT_INTEGRATION, Theme.LANGUAGE_LEARNING]
    assert i.partners == [Partner(country="AT", type="municipality")]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"country": "XX"}, "country", "ISO 3166-1"),
        ({"country": "Atlantis"}, "country", "ISO 3166-1"),  # a country's name is read ("Italy"); this is none
        ({"nuts": "IT"}, "nuts", "NUTS level-2 or level-3"),
        ({"nuts": "ATH42"}, "nuts", "not in country IT"),
        ({"population": -5}, "population", "greater than or equal"),
        ({"degurba": 4}, "degurba", "less than or equal"),
        ({"region_category": "rich"}, "region_category", "less_developed"),
        ({"third_country_national_share": 1.5}, "third_country_national_share", "less than or equal"),
        ({"populaton": 5}, "populaton", "Extra inputs"),
    ],
)
def test_bad_profile_names_the_field(changes: dict, field: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        Municipality.model_validate(profile(**changes))
    text = str(info.value)
    assert field in text and words in text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"themes": ["migrant_integraton"]}, "themes"),
        ({"target_groups": ["aliens"]}, "target_groups"),
        ({"activities": ["party"]}, "activities"),
        ({"applicant_type": "king"}, "applicant_type"),
        ({"partners": [{"country": "ZZ"}]}, "partners"),
        ({"budget_eur": -1}, "budget_eur"),
        ({"start_date": "2026-05-01", "end_date": "2026-01-01"}, "end_date"),
    ],
)
def test_bad_idea_names_the_field(changes: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        ProjectIdea.model_validate(idea(**changes))
    assert field in str(info.value)


def test_greece_is_gr_with_el_nuts_codes() -> None:
    m = Municipality(name="Volos", country="EL", nuts="EL611", population=86000)
    assert m.country == "GR"
    with pytest.raises(ValidationError):
        Municipality(name="Volos", country="GR", nuts="GR611", population=86000)


def test_duplicate_ids_are_dropped_in_order() -> None:
    i = ProjectIdea(title="x", themes=["housing", "health", "housing"])
    assert [t.value for t in i.themes] == ["housing", "health"]
