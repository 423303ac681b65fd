"""The ERDF's exclusions (Regulation (EU) 2021/1058 Art. 7(1)): what a small municipality could ask for and the
ERDF may not pay. They apply under Interreg too (the Interreg Regulation applies the ERDF Regulation, its Art. 1),
not to the EAFRD (its scope is the CAP Strategic Plans Regulation's)."""

from __future__ import annotations

from typing import Any

import pytest

import fundmatch
from fundmatch import Outcome, Status

from .conftest import profile


def _hit(result: fundmatch.FundMatch, rule_id: str) -> fundmatch.RuleHit:
    return next(h for h in result.hits if h.rule_id == rule_id)


def _text(description: str, **changes: Any) -> dict[str, Any]:
    return {"description": description, "applicant_type": "municipality", "budget_eur": 800000} | changes


def _place(**changes: Any) -> dict[str, Any]:
    return profile(name="Town", country="RO", nuts="RO125", population=28000, degurba=2, leader_lag=False) | changes


@pytest.mark.parametrize(
    ("description", "rule_id", "article"),
    [
        (
            "Our cooperative wants a new hall to dry, sort and pack the tobacco leaves of local farmers.",
            "no_tobacco",
            "Art. 7(1)(c)",
        ),
        (
            "We want to extend the passenger terminal and the runway of our regional airport.",
            "no_airport_infrastructure",
            "Art. 7(1)(e)",
        ),
        ("Vogliamo ampliare la discarica comunale con un nuovo lotto.", "no_landfill", "Art. 7(1)(f)"),
        (
            "We want to buy six new diesel minibuses to connect the villages with the hospital.",
            "no_fossil_fuels",
            "Art. 7(1)(h)",
        ),
    ],
)
def test_an_excluded_sector_named_in_the_idea_makes_the_erdf_and_interreg_ineligible(
    pack: fundmatch.RulePack, description: str, rule_id: str, article: str
) -> None:
    # Art 7(1) excludes investment in the sector: the idea states works or equipment.
    idea = _text(description, partners=[{"country": "HU", "type": "municipality"}], activities=["construction"])
    report = pack.match(_place(), idea)
    for fund in ("ERDF", "INTERREG"):
        result = report[fund]
        hit = _hit(result, rule_id)
        assert hit.kind is fundmatch.RuleKind.EXCLUSION and hit.outcome is Outcome.FAIL, (fund, hit.explanation)
        assert result.status is Status.INELIGIBLE and hit in result.failed()
        assert hit.citation.act.startswith("Regulation (EU) 2021/1058") and hit.citation.article == article
        assert hit.verified
    # The CAP Strategic Plans Regulation has no such list: the EAFRD has none of these rules.
    assert not any(h.rule_id == rule_id for h in report["EAFRD"].hits)


def test_an_unrelated_idea_passes_every_exclusion(pack: fundmatch.RulePack) -> None:
    report = pack.match(_place(), _text("We will renovate the primary school and install heat pumps."))
    erdf = report["ERDF"]
    for rule_id in ("no_tobacco", "no_airport_infrastructure", "no_landfill", "no_fossil_fuels"):
        assert _hit(erdf, rule_id).outcome is Outcome.PASS
    assert erdf.status is Status.ELIGIBLE


def test_a_clean_replacement_of_fossil_equipment_is_not_excluded(pack: fundmatch.RulePack) -> None:
    # Electric buses for diesel ones are clean vehicles (Art. 7(1)(h)(iii)); heat pumps for oil boilers save energy.
    for description in (
        "We will replace the old diesel buses of the town line with electric buses.",
        "Replace the oil boilers in the town hall with heat pumps.",
    ):
        erdf = pack.match(_place(), _text(description))["ERDF"]
        assert _hit(erdf, "no_fossil_fuels").outcome is Outcome.PASS, description
        assert erdf.status is not Status.INELIGIBLE


def test_smoking_prevention_is_health_not_the_tobacco_trade(pack: fundmatch.RulePack) -> None:
    idea = {"description": "Smoking prevention", "themes": ["health", "tobacco"], "activities": ["awareness"]}
    erdf = pack.match(_place(), idea)["ERDF"]
    assert _hit(erdf, "no_tobacco").outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("place", "themes"),
    [
        # An outermost region (Art. 7(1)(e) and (f)(i)).
        ({"country": "FR", "nuts": "FRY40"}, ["airport", "transport"]),
        ({"country": "FR", "nuts": "FRY40"}, ["landfill", "infrastructure"]),
        # Environmental mitigation at a regional airport, making an old landfill safe (Art. 7(1)(e)(i), (f)(ii)).
        ({}, ["airport", "environment_nature"]),
        ({}, ["landfill", "environment_nature"]),
    ],
)
def test_an_exception_the_idea_hints_at_is_a_question_not_a_refusal(
    pack: fundmatch.RulePack, place: dict[str, Any], themes: list[str]
) -> None:
    idea = {"description": "Works", "themes": themes, "activities": ["construction"]}
    erdf = pack.match(_place(**place), idea)["ERDF"]
    rule_id = "no_airport_infrastructure" if "airport" in themes else "no_landfill"
    hit = _hit(erdf, rule_id)
    assert hit.outcome is Outcome.UNKNOWN and hit.missing == [] and "Ask your managing authority" in hit.explanation
    assert erdf.status is Status.UNKNOWN and hit.likelihood == 0.5
    assert any(m.field == f"ask:{rule_id}" for m in erdf.missing)


def test_unknown_themes_leave_the_exclusions_open_but_barely_lower_the_likelihood(pack: fundmatch.RulePack) -> None:
    # Nothing recognised: the exclusions cannot be decided, and pass with the stated chance of about 99 %.
    erdf = pack.match(_place(), {"description": "Zzz qqq.", "activities": ["construction"]})["ERDF"]
    for rule_id in ("no_tobacco", "no_airport_infrastructure", "no_landfill", "no_fossil_fuels"):
        hit = _hit(erdf, rule_id)
        assert hit.outcome is Outcome.UNKNOWN and hit.likelihood == 0.99
        assert "development set" in (hit.likelihood_source or "")


@pytest.mark.parametrize(
    ("text", "not_inferred"),
    [
        ("Wir nutzen dieselben Räume wie im letzten Jahr.", "themes.fossil_fuels"),  # German "the same"
        ("Kurser i lettiska för nyanlända.", "themes.airport"),  # Swedish "Latvian"
        ("Un café associatif dans le 18e arrondissement.", "activities.construction"),  # a Paris district
        ("Os alunos comparam os resultados.", "activities.equipment"),  # Portuguese "they compare"
    ],
)
def test_the_new_terms_do_not_fire_on_ordinary_words_of_other_languages(
    pack: fundmatch.RulePack, text: str, not_inferred: str
) -> None:
    _, inferred = pack.infer({"description": text})
    assert not_inferred not in {f"{i.field}.{i.id}" for i in inferred}


@pytest.mark.parametrize(
    "description", ["We want to extend the runway of our regional airport.", "A new landfill cell."]
)
def test_an_unknown_outermost_status_leaves_the_exception_open_not_a_refusal(
    pack: fundmatch.RulePack, description: str
) -> None:
    # A French place without a NUTS code may lie in an outermost region, where the exception applies: unknown,
    # asking for what decides it, never a silent fail.
    place = profile(name="Commune", country="FR", population=3000, degurba=3)
    place.pop("nuts", None)
    erdf = pack.match(place, _text(description, activities=["construction"]))["ERDF"]
    rule_id = "no_airport_infrastructure" if "airport" in description else "no_landfill"
    hit = _hit(erdf, rule_id)
    assert hit.outcome is Outcome.UNKNOWN and hit.missing, hit.explanation
    assert erdf.status is not Status.INELIGIBLE or hit not in erdf.failed()
    # Known not to be outermost (a mainland NUTS code): the exclusion refuses.
    known = pack.match(
        profile(name="Commune", country="FR", nuts="FRK26", population=3000, degurba=3),
        _text(description, activities=["construction"]),
    )
    assert _hit(known["ERDF"], rule_id).outcome is Outcome.FAIL


@pytest.mark.parametrize(
    ("description", "rule_id"),
    [
        ("Language courses for refugees housed in the old barracks near the airport.", "no_airport_infrastructure"),
        ("Guided walks and a small exhibition on the history of tobacco growing in our valley.", "no_tobacco"),
        ("Workshops for pupils on how the former landfill shaped the town.", "no_landfill"),
    ],
)
def test_a_sector_only_named_is_asked_not_refused(pack: fundmatch.RulePack, description: str, rule_id: str) -> None:
    # Art 7(1) excludes support of the sector (investment in it), not every project that names it.
    erdf = pack.match(_place(), _text(description, activities=["training", "awareness"]))["ERDF"]
    hit = _hit(erdf, rule_id)
    # The sector is recognised, so the rule is open (a question), not passed unseen and not failed.
    assert hit.outcome is Outcome.UNKNOWN and hit.missing == [], hit.explanation
    assert "Ask your managing authority" in hit.explanation and hit not in erdf.failed()


@pytest.mark.parametrize(
    "description",
    [
        "We want to build a cycle path from the town centre to the airport.",
        "Wir wollen einen Radweg vom Ortskern bis zum Flughafen bauen.",
        "Nous voulons construire une piste cyclable jusqu'à l'aéroport.",
        "Queremos construir un carril bici hasta el aeropuerto.",
        "Chcemy zbudować ścieżkę rowerową do lotniska.",
        "Vrem să construim o pistă de biciclete până la aeroport.",
    ],
)
def test_works_leading_to_an_airport_are_asked_not_refused_nor_passed(
    pack: fundmatch.RulePack, description: str
) -> None:
    # Art 7(1)(e) excludes investment in airport infrastructure. Works named beside a transport link may be the
    # link (a cycle path to the airport) or the airport itself: the airport is read, and the rule asks which.
    result = pack.match(_place(), _text(description, activities=["construction"]))
    erdf = result["ERDF"]
    assert {"airport", "transport"} <= {t.value for t in result.idea.themes}
    hit = _hit(erdf, "no_airport_infrastructure")
    assert hit.outcome is Outcome.UNKNOWN and hit.missing == [], hit.explanation
    assert "or a link to it" in hit.explanation
    assert erdf.status is Status.UNKNOWN


@pytest.mark.parametrize(
    "description",
    [
        "Modernisierung des Flughafens.",
        "Erweiterung des Flughafens um ein neues Vorfeld.",
        "An extension to the airport.",
        "Improvements to the airport, including a new apron.",
        "Construction of a new terminal building at the airport.",
        "Termināļa paplašināšana lidostai.",
    ],
)
def test_works_in_the_airport_itself_are_refused(pack: fundmatch.RulePack, description: str) -> None:
    # No transport link named beside it: the works are the airport's own, which the ERDF may not support.
    result = pack.match(_place(), _text(description, activities=["construction"]))
    assert "airport" in {t.value for t in result.idea.themes}
    erdf = result["ERDF"]
    assert _hit(erdf, "no_airport_infrastructure").outcome is Outcome.FAIL
    assert erdf.status is Status.INELIGIBLE


@pytest.mark.parametrize(
    "description",
    [
        "Ampliación de la terminal y nueva carretera al aeropuerto.",
        "Neubau eines Terminals und einer Zufahrtsstraße zum Flughafen.",
        "Construction of a new terminal building, with a bus link to the airport.",
        "We want an extension to the airport terminal and a new bus line to the airport.",
    ],
)
def test_a_terminal_beside_a_link_is_never_eligible(pack: fundmatch.RulePack, description: str) -> None:
    # The airport word is never swallowed by a link phrase: at worst the adviser is asked, never a pass.
    result = pack.match(_place(), _text(description))
    erdf = result["ERDF"]
    assert "airport" in {t.value for t in result.idea.themes}
    assert _hit(erdf, "no_airport_infrastructure").outcome in (Outcome.FAIL, Outcome.UNKNOWN)
    assert erdf.status is not Status.ELIGIBLE
