"""Hand-written contenders for the benchmark: the same screening as ``match_many(..., detail="summary")``.

Three implementations of exactly the summary's fields (per fund: status, fit score, likelihood, rate, rate_max,
EU amount, failed requirement ids, missing inputs; funds ranked like fundmatch), written without fundmatch's
engine, rule-engine, explanations or models, so that the benchmark can say how far fundmatch is from the limit:

* `baseline` — the project's plain per-row version: every rule, every set and every idea fact rebuilt for each
  municipality (what a first hand-written script does).
* `Tuned` — a tuned plain-Python loop: everything that depends only on the idea is computed once per batch, and
  a row computes its own facts once and evaluates only the rules that read them.
* `vectorised` — the same requirements as polars expressions over the whole table (bench-only dependency:
  ``python -m pip install . --group bench``).

What is hard-coded and what is read from the pack (so that a re-tuned weight does not break agreement):

* hard-coded here: each rule's LOGIC (its condition, by rule id, with the facts it reads), the rates' and the
  priors' conditions, the one route condition a summary needs (EAFRD ``cap_investments``), how the facts are
  derived from a profile (EL → GR, NUTS-2 lookup, outermost, border region), what each missing fact asks for,
  and the summary's arithmetic (status, fit, likelihood, ranking);
* read from the loaded pack: which rules each fund has and in which order, their kind, weight,
  ``unknown_effect`` and ``undecided_on``, the priors' values and per-country figures, the rates' values and
  ``rate_max``, which rules decide a route (``requires``), whether a route asks, and the period's fund order;
  and from the shipped tables (through their readers): the region table and the Interreg areas.

A pack rule without logic here is refused with its id (`MissingLogic`), and a rule whose ``when`` now
reads differently is caught by the agreement check in ``bench/run.py``, which fails loudly.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fundmatch._countries import EU_MEMBER_STATES, NUTS_CODE, to_iso
from fundmatch._interreg_areas import InterregAreas
from fundmatch._regions import RegionTable
from fundmatch._resources import DEFAULT_PERIOD, PeriodLayout, period_folder

# ------------------------------------------------------------------------------------------ rule logic
TCN = frozenset({"third_country_nationals", "refugees", "asylum_seekers", "unaccompanied_minors"})
BUILD = frozenset({"construction", "renovation", "equipment"})
PUBLIC = ("municipality", "association_of_municipalities", "region", "ngo")
#: The themes of ESF+'s specific objectives (ESF+ Art 4(1)), and the measures for people that serve them.
ESF_THEMES = frozenset(
    {
        "employment",
        "skills_training",
        "education",
        "social_inclusion",
        "migrant_integration",
        "language_learning",
        "anti_discrimination",
        "childcare",
        "health",
        "housing",
        "capacity_building",
        "material_deprivation",
    }
)
ESF_MEASURES = frozenset(
    {"training", "language_courses", "job_placement", "counselling", "mentoring", "social_services"}
)
#: The ERDF's core objectives in the demarcation of village projects (pack 2021-2027.2).
ERDF_CORE = frozenset(
    {
        "energy_climate",
        "transport",
        "digital",
        "research_innovation",
        "education",
        "childcare",
        "health",
        "housing",
        "migrant_integration",
        "environment_nature",
    }
)
#: The same core without education and digital access (pack 2021-2027.5's village_culture_outside_core).
VILLAGE_CULTURE_CORE = ERDF_CORE - {"education", "digital"}


def _village_culture(f: Mapping[str, Any]) -> bool:
    """Pack 2021-2027.6's village_culture_outside_core without its degree of urbanisation (also its prior)."""
    themes = f["themes"]
    return (
        "rural_development" in themes
        and "culture_sport" in themes
        and "digital" in themes
        and not themes & VILLAGE_CULTURE_CORE
    )


END_2029 = _dt.date(2029, 12, 31)
END_2030 = _dt.date(2030, 12, 31)
#: A local action group applying itself is in its own LAG area (pack 2021-2027.11).
LAG_APPLICANT = "local_action_group"

Fn = Callable[[Mapping[str, Any]], bool]
#: (the facts a condition reads, the condition); it is called only when none of them is missing.
Logic = tuple[tuple[str, ...], Fn]
#: A condition of several facts written three-valued, for when some are missing: True or False where the known
#: facts decide it (``degurba == 3 and 'digital' in themes`` is False without the degree when there is no digital
#: theme), else the missing facts that can still change it (``degurba == 3 or 'x' in themes`` in a rural area does
#: not wait for the themes).
Open = Callable[[Mapping[str, Any]], bool | frozenset[str]]
#: The three-valued form of every condition that reads more than one fact, by its two-valued function.
OPEN: dict[Fn, Open] = {}


def _three(logic: Logic, open_: Open) -> Logic:
    """``logic``, its three-valued form ``open_`` kept beside it (`OPEN`)."""
    OPEN[logic[1]] = open_
    return logic


def _is(f: Mapping[str, Any], name: str, test: Callable[[Any], Any]) -> bool | frozenset[str]:
    """``test`` of the fact ``name``, or (where it is missing) the name alone."""
    value = f.get(name)
    return frozenset((name,)) if value is None else bool(test(value))


def _and3(*parts: bool | frozenset[str]) -> bool | frozenset[str]:
    if False in parts:
        return False
    open_ = [p for p in parts if not isinstance(p, bool)]
    return frozenset().union(*open_) if open_ else True


def _or3(*parts: bool | frozenset[str]) -> bool | frozenset[str]:
    if True in parts:
        return True
    open_ = [p for p in parts if not isinstance(p, bool)]
    return frozenset().union(*open_) if open_ else False


def _checked(logic: Logic, what: str) -> Logic:
    """``logic``, refused (`MissingLogic`) where it reads several facts and has no three-valued form."""
    if len(logic[0]) > 1 and logic[1] not in OPEN:
        raise MissingLogic(f"no three-valued logic for {what}: write it with _three(...)")
    return logic


def _decide(logic: Logic, f: Mapping[str, Any]) -> bool | None:
    """A condition on ``f``: True or False, or None where a missing fact could change it."""
    holds = _open(logic, f)
    return holds if isinstance(holds, bool) else None


def _open(logic: Logic, f: Mapping[str, Any]) -> bool | frozenset[str]:
    """`_decide`, naming instead of None the missing facts that can change the answer."""
    reads, fn = logic
    if all(f.get(n) is not None for n in reads):
        return bool(fn(f))
    open_ = OPEN.get(fn)
    return frozenset(n for n in reads if f.get(n) is None) if open_ is None else open_(f)


def _any(name: str, values: Iterable[str]) -> Fn:
    wanted = frozenset(values)
    return lambda f: not wanted.isdisjoint(f[name])


_COMMON: dict[str, Logic] = {
    "applicant_in_member_state": (("member_state",), lambda f: f["member_state"]),
    "programme_covers_operation": _three(
        (("fund", "programme_confirmed"), lambda f: f["fund"] in f["programme_confirmed"]),
        lambda f: _is(f, "programme_confirmed", lambda confirmed: f["fund"] in confirmed),
    ),
    "operation_completed": (("completed_before_application",), lambda f: f["completed_before_application"]),
    "expenditure_period": (("planned_end",), lambda f: f["planned_end"] <= END_2029),
}

#: Pack 2021-2027.3 (common.yaml): exclusions of the ERDF and Interreg regulations, read from the idea's themes.
_EXCLUSIONS: dict[str, Logic] = {
    "no_tobacco": (("themes",), lambda f: "tobacco" in f["themes"] and "health" not in f["themes"]),
    "no_airport_infrastructure": (("themes",), lambda f: "airport" in f["themes"]),
    "no_landfill": (("themes",), lambda f: "landfill" in f["themes"]),
    "no_fossil_fuels": (("themes",), lambda f: "fossil_fuels" in f["themes"] and "energy_climate" not in f["themes"]),
}

_LABOUR_MARKET: Logic = _three(
    (
        ("activities", "themes"),
        lambda f: bool(f["themes"] & {"employment", "skills_training"}) or "job_placement" in f["activities"],
    ),
    lambda f: _or3(
        _is(f, "themes", lambda t: t & {"employment", "skills_training"}),
        _is(f, "activities", lambda a: "job_placement" in a),
    ),
)
_SOCIAL = frozenset(
    {
        "housing",
        "health",
        "education",
        "social_inclusion",
        "childcare",
        "migrant_integration",
        "employment",
        "culture_sport",
    }
)

#: Each fund's rules by id: what the pack's ``when`` says, by hand.
RULES: dict[str, dict[str, Logic]] = {
    "AMIF": {
        **_COMMON,
        "denmark_does_not_take_part": (("country",), lambda f: f["country"] == "DK"),
        "third_country_nationals_targeted": (("target_groups",), _any("target_groups", TCN)),
        "integration_measure": (
            ("themes",),
            _any(
                "themes",
                (
                    "migrant_integration",
                    "language_learning",
                    "employment",
                    "skills_training",
                    "education",
                    "housing",
                    "health",
                    "social_inclusion",
                    "anti_discrimination",
                    "civic_participation",
                    "childcare",
                    "capacity_building",
                    "culture_sport",
                ),
            ),
        ),
        "local_integration_actor": (("applicant_type",), lambda f: f["applicant_type"] in PUBLIC),
        "soft_measures": (("activities",), lambda f: not f["activities"] & {"construction", "renovation"}),
        "core_integration_activities": (
            ("activities",),
            _any("activities", ("language_courses", "counselling", "mentoring", "social_services", "awareness")),
        ),
        "local_need": (("third_country_national_share",), lambda f: f["third_country_national_share"] >= 0.02),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 0.5),
        "third_country_nationals_served": (("target_groups",), _any("target_groups", TCN)),
        "newcomers_only": (
            ("target_groups",),
            lambda f: (
                bool(f["target_groups"] & TCN)
                and f["target_groups"] <= TCN | {"children", "women", "families", "young_people"}
            ),
        ),
        "early_integration_theme": (
            ("themes",),
            _any("themes", ("language_learning", "civic_participation", "anti_discrimination")),
        ),
        "labour_market_focus": _LABOUR_MARKET,
        "building_works": _three(
            (
                ("activities", "target_groups"),
                lambda f: (
                    bool(f["activities"] & {"construction", "renovation"})
                    and "asylum_seekers" not in f["target_groups"]
                    and "unaccompanied_minors" not in f["target_groups"]
                ),
            ),
            lambda f: _and3(
                _is(f, "activities", lambda a: a & {"construction", "renovation"}),
                _is(f, "target_groups", lambda t: "asylum_seekers" not in t and "unaccompanied_minors" not in t),
            ),
        ),
        "domestic_project": (("foreign_country_count",), lambda f: f["foreign_country_count"] == 0),
    },
    "ESF+": {
        **_COMMON,
        # Pack 2021-2027.10: a measure for people (training, counselling, placements…) is an ESF+ objective too.
        "social_objective": _three(
            (
                ("themes", "activities"),
                lambda f: bool(f["themes"] & ESF_THEMES) or bool(f["activities"] & ESF_MEASURES),
            ),
            lambda f: _or3(
                _is(f, "themes", lambda t: t & ESF_THEMES), _is(f, "activities", lambda a: a & ESF_MEASURES)
            ),
        ),
        "not_infrastructure_only": (("activities",), lambda f: f["activities"] <= BUILD),
        "third_country_nationals": (("target_groups",), _any("target_groups", TCN)),
        "disadvantaged_groups": (
            ("target_groups",),
            _any(
                "target_groups",
                (
                    "long_term_unemployed",
                    "young_neet",
                    "roma",
                    "persons_with_disabilities",
                    "women",
                    "older_people",
                    "children",
                ),
            ),
        ),
        "people_measures": (("activities",), _any("activities", ESF_MEASURES)),
        "no_construction_costs": (("activities",), lambda f: "construction" not in f["activities"]),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 0.5),
        "people_centred_theme": (
            ("themes",),
            _any("themes", ("employment", "skills_training", "education", "social_inclusion", "childcare", "health")),
        ),
        "labour_market_measure": _LABOUR_MARKET,
    },
    "ERDF": {
        **_COMMON,
        **_EXCLUSIONS,
        "erdf_scope": (
            ("activities",),
            _any(
                "activities",
                (
                    "construction",
                    "renovation",
                    "equipment",
                    "study",
                    "networking",
                    "exchange_of_practice",
                    "awareness",
                    "pilot_action",
                ),
            ),
        ),
        "investment_component": (("activities",), _any("activities", BUILD)),
        "integration_infrastructure": _three(
            (
                ("activities", "target_groups"),
                lambda f: bool(f["target_groups"] & TCN) and bool(f["activities"] & BUILD),
            ),
            lambda f: _and3(_is(f, "target_groups", lambda t: t & TCN), _is(f, "activities", lambda a: a & BUILD)),
        ),
        "social_infrastructure": _three(
            (("activities", "themes"), lambda f: bool(f["themes"] & _SOCIAL) and bool(f["activities"] & BUILD)),
            lambda f: _and3(_is(f, "themes", lambda t: t & _SOCIAL), _is(f, "activities", lambda a: a & BUILD)),
        ),
        "territorial_development": (
            ("themes",),
            _any(
                "themes",
                (
                    "culture_sport",
                    "tourism",
                    "civic_participation",
                    "rural_development",
                    "social_inclusion",
                    "infrastructure",
                ),
            ),
        ),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 1),
        "urban_area": (("degurba",), lambda f: f["degurba"] <= 2),
        "small_rural_place": _three(
            (("degurba", "population"), lambda f: f["degurba"] == 3 and f["population"] < 5000),
            lambda f: _and3(_is(f, "degurba", lambda d: d == 3), _is(f, "population", lambda p: p < 5000)),
        ),
        # Pack 2021-2027.2: the ERDF/CAP demarcation of village projects, and small operations.
        "village_project_outside_core": (
            ("themes",),
            lambda f: "rural_development" in f["themes"] and not f["themes"] & ERDF_CORE,
        ),
        # Pack 2021-2027.6: a rural area's cultural or community building that also offers digital access.
        "village_culture_outside_core": _three(
            (("degurba", "themes"), lambda f: f["degurba"] == 3 and _village_culture(f)),
            lambda f: _and3(
                _is(f, "degurba", lambda d: d == 3), _is(f, "themes", lambda t: _village_culture({"themes": t}))
            ),
        ),
        "small_operation": (("budget_eur",), lambda f: f["budget_eur"] < 200000),
        "rural_place_outside_core": _three(
            (("degurba", "themes"), lambda f: f["degurba"] == 3 and not f["themes"] & ERDF_CORE),
            lambda f: _and3(_is(f, "degurba", lambda d: d == 3), _is(f, "themes", lambda t: not t & ERDF_CORE)),
        ),
    },
    "EAFRD": {
        **_COMMON,
        "leader_area": _three(
            (("leader_lag", "applicant_type"), lambda f: f["leader_lag"] or f["applicant_type"] == LAG_APPLICANT),
            lambda f: _or3(_is(f, "leader_lag", bool), _is(f, "applicant_type", lambda t: t == LAG_APPLICANT)),
        ),
        "rural_area": (("degurba",), lambda f: f["degurba"] >= 2),
        "lag_population_band": (("population",), lambda f: f["population"] <= 150000),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 0.2),
        "rural_municipality": (("degurba",), lambda f: f["degurba"] == 3),
        "village_scale": (("population",), lambda f: f["population"] < 10000),
        "lag_applicant": (("applicant_type",), lambda f: f["applicant_type"] == "local_action_group"),
        # Pack 2021-2027.5: a local action group among the partners.
        "lag_partner": (("partner_types",), lambda f: "local_action_group" in f["partner_types"]),
        "small_budget": (("budget_eur",), lambda f: f["budget_eur"] <= 300000),
        # Pack 2021-2027.10: the mirror of the ERDF's demarcation, an investment in an ERDF objective.
        "erdf_core_investment": _three(
            (
                ("activities", "themes"),
                lambda f: (
                    bool(f["activities"] & BUILD)
                    and bool(f["themes"] & ERDF_CORE)
                    and "agriculture_food" not in f["themes"]
                ),
            ),
            lambda f: _and3(
                _is(f, "activities", lambda a: a & BUILD),
                _is(f, "themes", lambda t: t & ERDF_CORE and "agriculture_food" not in t),
            ),
        ),
    },
    "INTERREG": {
        **_COMMON,
        **_EXCLUSIONS,
        "two_countries": _three(
            (
                ("applicant_type", "country_count"),
                lambda f: f["country_count"] >= 2 or f["applicant_type"] in ("egtc", "cross_border_body"),
            ),
            lambda f: _or3(
                _is(f, "country_count", lambda n: n >= 2),
                _is(f, "applicant_type", lambda t: t in ("egtc", "cross_border_body")),
            ),
        ),
        "member_state_beneficiary": (("member_state_count",), lambda f: f["member_state_count"] >= 1),
        "cross_border_area": (("border_region",), lambda f: f["border_region"]),
        "neighbour_partner": (("foreign_country_count",), lambda f: f["foreign_country_count"] >= 1),
        "cooperation_activities": (
            ("activities",),
            _any("activities", ("exchange_of_practice", "networking", "pilot_action", "study", "training")),
        ),
        "migration_integration_objective": _three(
            (("border_region", "target_groups"), lambda f: f["border_region"] and bool(f["target_groups"] & TCN)),
            lambda f: _and3(_is(f, "border_region", bool), _is(f, "target_groups", lambda t: t & TCN)),
        ),
        "three_countries": (("country_count",), lambda f: f["country_count"] >= 3),
        "lead_partner_in_member_state": (("member_state",), lambda f: f["member_state"]),
        "not_lag_cooperation": (("applicant_type",), lambda f: f["applicant_type"] != "local_action_group"),
    },
}

_INVESTS = frozenset({"construction", "renovation", "equipment"})
_AIRPORT_OPEN: Logic = _three(
    (
        ("outermost_region", "themes", "activities"),
        lambda f: (
            f["outermost_region"]
            or bool(f["themes"] & {"environment_nature", "energy_climate"})
            or not f["activities"] & _INVESTS
            # Pack 2021-2027.6: beside a transport link, the airport's own works or the link? Asked.
            or "transport" in f["themes"]
        ),
    ),
    lambda f: _or3(
        _is(f, "outermost_region", bool),
        _is(f, "themes", lambda t: t & {"environment_nature", "energy_climate"} or "transport" in t),
        _is(f, "activities", lambda a: not a & _INVESTS),
    ),
)
_LANDFILL_OPEN: Logic = _three(
    (
        ("outermost_region", "themes", "activities"),
        lambda f: f["outermost_region"] or "environment_nature" in f["themes"] or not f["activities"] & _INVESTS,
    ),
    lambda f: _or3(
        _is(f, "outermost_region", bool),
        _is(f, "themes", lambda t: "environment_nature" in t),
        _is(f, "activities", lambda a: not a & _INVESTS),
    ),
)
_NO_INVESTMENT: Logic = (("activities",), lambda f: not f["activities"] & _INVESTS)

#: ``undecided_when`` by (fund, rule id).
UNDECIDED: dict[tuple[str, str], Logic] = {
    **{(fund, "no_airport_infrastructure"): _AIRPORT_OPEN for fund in ("ERDF", "INTERREG")},
    **{(fund, "no_landfill"): _LANDFILL_OPEN for fund in ("ERDF", "INTERREG")},
    **{(fund, rule): _NO_INVESTMENT for fund in ("ERDF", "INTERREG") for rule in ("no_tobacco", "no_fossil_fuels")},
    ("ESF+", "expenditure_period"): (("planned_end",), lambda f: f["planned_end"] <= END_2030),
    ("ERDF", "expenditure_period"): (("planned_end",), lambda f: f["planned_end"] <= END_2030),
    ("ERDF", "erdf_scope"): (
        ("activities",),
        lambda f: (
            bool(
                f["activities"]
                & {"training", "language_courses", "counselling", "mentoring", "job_placement", "social_services"}
            )
            and not f["activities"] & {"construction", "renovation", "equipment", "study"}
        ),
    ),
}

_ERDF_OBJECTIVES = (
    "infrastructure",
    "housing",
    "health",
    "education",
    "social_inclusion",
    "migrant_integration",
    "culture_sport",
    "tourism",
    "energy_climate",
    "digital",
    "transport",
    "research_innovation",
    "business_support",
    "rural_development",
    "childcare",
    "employment",
    "skills_training",
    "civic_participation",
)
_SMART_GREEN = ("digital", "research_innovation", "business_support", "energy_climate", "housing")
#: The EAFRD's themes of local development strategies (pack 2021-2027.7 adds social inclusion, CAP SP Reg Art 6(1)(h)).
_LOCAL_DEVELOPMENT = (
    "rural_development",
    "culture_sport",
    "tourism",
    "agriculture_food",
    "civic_participation",
    "business_support",
)

#: Rules whose condition differs between pack versions, by (fund, id): the pack's ``when`` (whitespace folded)
#: picks the logic and names the variant (the tuned loop and polars read the name); a ``when`` not listed is
#: refused (`MissingLogic`) rather than screened with the wrong logic.
VARIANTS: dict[tuple[str, str], dict[str, tuple[str, Logic]]] = {
    ("ERDF", "erdf_objective"): {
        "(themes & {" + ", ".join(f"'{t}'" for t in _ERDF_OBJECTIVES) + "}).length > 0": (
            "2021-2027.1",
            (("themes",), _any("themes", _ERDF_OBJECTIVES)),
        ),
        "(themes & {" + ", ".join(f"'{t}'" for t in (*_ERDF_OBJECTIVES, "environment_nature")) + "}).length > 0": (
            "2021-2027.2",
            (("themes",), _any("themes", (*_ERDF_OBJECTIVES, "environment_nature"))),
        ),
    },
    ("ERDF", "smart_green_theme"): {
        "(themes & {" + ", ".join(f"'{t}'" for t in _SMART_GREEN) + "}).length > 0": (
            "2021-2027.1",
            (("themes",), _any("themes", _SMART_GREEN)),
        ),
        "(themes & {" + ", ".join(f"'{t}'" for t in (*_SMART_GREEN, "environment_nature")) + "}).length > 0": (
            "2021-2027.2",
            (("themes",), _any("themes", (*_SMART_GREEN, "environment_nature"))),
        ),
    },
    ("EAFRD", "local_development_theme"): {
        "(themes & {" + ", ".join(f"'{t}'" for t in _LOCAL_DEVELOPMENT) + "}).length > 0": (
            "2021-2027.1",
            (("themes",), _any("themes", _LOCAL_DEVELOPMENT)),
        ),
        "(themes & {" + ", ".join(f"'{t}'" for t in (*_LOCAL_DEVELOPMENT, "social_inclusion")) + "}).length > 0": (
            "2021-2027.7",
            (("themes",), _any("themes", (*_LOCAL_DEVELOPMENT, "social_inclusion"))),
        ),
    },
    ("EAFRD", "village_investment"): {
        "degurba == 3 and (activities & {'construction', 'renovation', 'equipment'}).length > 0": (
            "degurba",
            _three(
                (("activities", "degurba"), lambda f: f["degurba"] == 3 and bool(f["activities"] & BUILD)),
                lambda f: _and3(_is(f, "degurba", lambda d: d == 3), _is(f, "activities", lambda a: a & BUILD)),
            ),
        ),
        "(degurba == 3 or 'rural_development' in themes) and (activities & {'construction', 'renovation',"
        " 'equipment'}).length > 0": (
            "degurba or rural theme",
            _three(
                (
                    ("activities", "degurba", "themes"),
                    lambda f: (
                        (f["degurba"] == 3 or "rural_development" in f["themes"]) and bool(f["activities"] & BUILD)
                    ),
                ),
                lambda f: _and3(
                    _or3(_is(f, "degurba", lambda d: d == 3), _is(f, "themes", lambda t: "rural_development" in t)),
                    _is(f, "activities", lambda a: a & BUILD),
                ),
            ),
        ),
    },
}

#: The conditions of a rule's priors, in the pack's order (None: a prior without a condition).
PRIORS: dict[tuple[str, str], list[Logic | None]] = {
    **{
        (fund, rule): [(("themes",), lambda f, t=theme: t in f["themes"]), None]
        for fund in ("ERDF", "INTERREG")
        for rule, theme in (
            ("no_airport_infrastructure", "airport"),
            ("no_landfill", "landfill"),
            ("no_tobacco", "tobacco"),
            ("no_fossil_fuels", "fossil_fuels"),
        )
    },
    ("ERDF", "village_culture_outside_core"): [(("themes",), _village_culture), None],
    # Pack 2021-2027.9: the place's facts of an applicant without a place, by whether the idea reads as rural.
    **{
        rule: [(("themes",), lambda f: "rural_development" in f["themes"]), None]
        for rule in (
            ("ERDF", "urban_area"),
            ("ERDF", "small_rural_place"),
            ("ERDF", "rural_place_outside_core"),
            ("EAFRD", "rural_area"),
            ("EAFRD", "lag_population_band"),
            ("EAFRD", "rural_municipality"),
            ("EAFRD", "village_scale"),
        )
    },
    # Pack 2021-2027.10: a project whose themes are outside ESF+'s objectives rarely has a measure for people.
    ("ESF+", "social_objective"): [(("themes",), lambda f: not f["themes"] & ESF_THEMES)],
    ("EAFRD", "leader_area"): [(("degurba",), lambda f: f["degurba"] == 1), None],
}


def _categories(now: str, before: tuple[str, ...]) -> Logic:
    """A rate for a category of region now and one of those it was in 2014–2020."""
    return _three(
        (
            ("region_category", "region_category_2014_2020"),
            lambda f: f["region_category"] == now and f["region_category_2014_2020"] in before,
        ),
        lambda f: _and3(
            _is(f, "region_category", lambda c: c == now), _is(f, "region_category_2014_2020", lambda c: c in before)
        ),
    )


_COHESION: dict[str, Logic | None] = {
    "outermost": (("outermost_region",), lambda f: f["outermost_region"]),
    "less_developed": (("region_category",), lambda f: f["region_category"] == "less_developed"),
    "transition_was_less_developed": _categories("transition", ("less_developed",)),
    "transition_otherwise": _categories("transition", ("transition", "more_developed")),
    "more_developed_was_below": _categories("more_developed", ("less_developed", "transition")),
    "more_developed_was_more_developed": _categories("more_developed", ("more_developed",)),
    "transition": (("region_category",), lambda f: f["region_category"] == "transition"),
    "more_developed": (("region_category",), lambda f: f["region_category"] == "more_developed"),
}

_LOCAL_MEASURES = frozenset(
    {
        "language_courses",
        "counselling",
        "mentoring",
        "training",
        "social_services",
        "job_placement",
        "awareness",
        "networking",
        "exchange_of_practice",
        "pilot_action",
    }
)

#: Co-financing rates' conditions by id (None: the rate applies unconditionally).
RATES: dict[str, dict[str, Logic | None]] = {
    "AMIF": {
        "annex_iv_vulnerable_persons": (("target_groups",), lambda f: "unaccompanied_minors" in f["target_groups"]),
        "annex_iv_local_integration": _three(
            (
                ("activities", "applicant_type", "target_groups"),
                lambda f: (
                    f["applicant_type"] in PUBLIC
                    and bool(f["target_groups"] & TCN)
                    and bool(f["activities"] & _LOCAL_MEASURES)
                    and not f["activities"] & {"construction", "renovation"}
                ),
            ),
            lambda f: _and3(
                _is(f, "applicant_type", lambda t: t in PUBLIC),
                _is(f, "target_groups", lambda t: t & TCN),
                _is(f, "activities", lambda a: a & _LOCAL_MEASURES and not a & {"construction", "renovation"}),
            ),
        ),
        "standard": None,
    },
    "ESF+": {"most_deprived_priority": (("themes",), lambda f: "material_deprivation" in f["themes"]), **_COHESION},
    "ERDF": dict(_COHESION),
    "EAFRD": {
        "less_developed": _COHESION["less_developed"],
        "leader": _three(
            (("leader_lag", "applicant_type"), lambda f: f["leader_lag"] or f["applicant_type"] == LAG_APPLICANT),
            lambda f: _or3(_is(f, "leader_lag", bool), _is(f, "applicant_type", lambda t: t == LAG_APPLICANT)),
        ),
        "outermost": _COHESION["outermost"],
        "transition": _COHESION["transition"],
        "other_regions": (("region_category",), lambda f: f["region_category"] == "more_developed"),
    },
    "INTERREG": {"interreg_ceiling": None},
}

#: Route conditions, for the funds whose routes decide the status (a route's ``requires``).
ROUTES: dict[str, dict[str, Logic | None]] = {
    "EAFRD": {
        "leader": None,
        "cap_investments": _three(
            (("degurba", "population"), lambda f: f["degurba"] == 3 or (f["degurba"] == 2 and f["population"] < 20000)),
            lambda f: _or3(
                _is(f, "degurba", lambda d: d == 3),
                _and3(_is(f, "degurba", lambda d: d == 2), _is(f, "population", lambda p: p < 20000)),
            ),
        ),
    },
}

#: What to ask for when a fact is missing (the input behind it); any other fact asks for itself.
ASKS = {
    "member_state": "country",
    "nuts2": "nuts",
    "region_category_doubtful": "region_category",
    "partner_count": "partners",
    "partner_countries": "partners",
    "partner_types": "partners",
    "countries": "partners",
    "country_count": "partners",
    "member_states": "partners",
    "member_state_count": "partners",
    "foreign_country_count": "partners",
    "planned_end": "end_date",
    "region_category_2014_2020_inferred": "region_category_2014_2020",
}

#: The facts of a municipality (everything else comes from the idea alone).
ROW_FACTS = frozenset(
    {
        "name",
        "country",
        "member_state",
        "nuts",
        "nuts2",
        "lau",
        "population",
        "degurba",
        "region_category",
        "region_category_doubtful",
        "region_category_2014_2020",
        "region_category_2014_2020_inferred",
        "outermost_region",
        "border_region",
        "leader_lag",
        "eu_project_staff_fte",
        "third_country_national_share",
        "countries",
        "country_count",
        "member_states",
        "member_state_count",
        "foreign_country_count",
    }
)

COVERS = (
    "per fund: status, score, likelihood, rate, rate_max, amount_eur, failed requirement ids, missing inputs;"
    " funds ranked by (ineligible last, fit × likelihood, status, period order); every rule, rate, prior and"
    " deciding route of the loaded pack"
)


class MissingLogic(Exception):
    """The pack has a rule (or rate, prior, route) the contenders have no hand-written logic for."""


# ------------------------------------------------------------------------------------------ the pack's data
@dataclass(frozen=True, slots=True)
class RuleData:
    """One rule: its logic from here, its numbers and kind from the pack."""

    id: str
    index: int
    kind: str  # requirement | exclusion | preference
    weight: float
    holds_status_unknown: bool  # an unknown outcome with a fact missing holds the status (unknown_effect)
    reads: tuple[str, ...]
    fn: Fn
    undecided_on: str | None
    undecided: Logic | None
    priors: tuple[tuple[Logic | None, float, Mapping[str, float]], ...]
    route_rule: bool
    variant: str = ""  # which of `VARIANTS` the pack's condition is ("" where a rule has one logic)

    @property
    def deciding(self) -> bool:
        return self.kind != "preference"


@dataclass(frozen=True, slots=True)
class RateData:
    id: str
    logic: Logic | None
    rate: float
    rate_max: float | None


@dataclass(frozen=True, slots=True)
class RouteData:
    id: str
    logic: Logic | None
    requires: tuple[str, ...]
    ask: bool
    # The chance of its own open question (pack 2021-2027.8): (value, by_country) of a prior without a case.
    priors: tuple[tuple[float, Mapping[str, float]], ...] = ()

    def chance(self, country: Any) -> float:
        """`_engine._route_chance`: its first prior (none has a case), else even odds."""
        if not self.priors:
            return 0.5
        value, by_country = self.priors[0]
        return by_country.get(str(country), value)


@dataclass(frozen=True, slots=True)
class FundData:
    fund: str
    order: int
    rules: tuple[RuleData, ...]
    rates: tuple[RateData, ...]
    routes: tuple[RouteData, ...]  # only where routes decide the status


def pack_data(pack: Any) -> list[FundData]:
    """The funds of a loaded pack as the contenders read them; `MissingLogic` for a rule with no logic here."""
    from fundmatch._pack import compiled_funds

    funds = []
    for order, (fund_id, fund) in enumerate(compiled_funds(pack).items()):
        logic = RULES.get(fund_id)
        if logic is None:
            raise MissingLogic(f"no hand-written logic for fund {fund_id}")
        route_rules = fund.route_rules
        rules = []
        for index, rule in enumerate(fund.rules):
            spec = rule.spec
            variant = ""
            if (fund_id, spec.id) in VARIANTS:
                when = " ".join(str(spec.when).split())
                if when not in VARIANTS[(fund_id, spec.id)]:
                    raise MissingLogic(f"the condition of {fund_id}.{spec.id} changed: {when!r}")
                variant, chosen = VARIANTS[(fund_id, spec.id)][when]
                reads, fn = _checked(chosen, f"{fund_id}.{spec.id}")
            elif spec.id in logic:
                reads, fn = _checked(logic[spec.id], f"{fund_id}.{spec.id}")
            else:
                raise MissingLogic(f"no hand-written logic for rule {fund_id}.{spec.id}: add it to bench/contenders.py")
            undecided = None
            if rule.undecided is not None:
                undecided = UNDECIDED.get((fund_id, spec.id))
                if undecided is None:
                    raise MissingLogic(f"no hand-written undecided_when for {fund_id}.{spec.id}")
                _checked(undecided, f"the undecided_when of {fund_id}.{spec.id}")
            priors = []
            if rule.priors:
                # Priors without a condition need no logic; one with a condition needs it written here.
                conditions = PRIORS.get((fund_id, spec.id), [None] * len(rule.priors))
                if len(conditions) != len(rule.priors):
                    raise MissingLogic(f"no hand-written prior conditions for {fund_id}.{spec.id}")
                for condition, prior in zip(conditions, rule.priors, strict=True):
                    if (condition is None) != (prior.condition is None):
                        raise MissingLogic(f"prior conditions of {fund_id}.{spec.id} changed")
                    priors.append((condition, float(prior.spec.value), dict(prior.spec.by_country)))
            kind = spec.kind.value
            rules.append(
                RuleData(
                    id=spec.id,
                    index=index,
                    kind=kind,
                    weight=float(spec.weight or 0.0),
                    holds_status_unknown=kind != "preference" and spec.unknown_effect == "status",
                    reads=tuple(reads),
                    fn=fn,
                    undecided_on=spec.undecided_on,
                    undecided=undecided,
                    priors=tuple(priors),
                    route_rule=spec.id in route_rules,
                    variant=variant,
                )
            )
        rate_logic = RATES.get(fund_id, {})
        rates = []
        for rate in fund.rates:
            spec = rate.spec
            if spec.id not in rate_logic or (rate_logic[spec.id] is None) != (rate.condition is None):
                raise MissingLogic(f"no hand-written logic for rate {fund_id}.{spec.id}")
            rate_max = spec.rate_max if spec.rate_max not in (None, spec.rate) else None
            condition = rate_logic[spec.id]
            if condition is not None:
                _checked(condition, f"rate {fund_id}.{spec.id}")
            rates.append(RateData(spec.id, condition, float(spec.rate), rate_max))
        routes = []
        if route_rules:
            route_logic = ROUTES.get(fund_id, {})
            for route in fund.routes:
                spec = route.spec
                if spec.id not in route_logic or (route_logic[spec.id] is None) != (route.condition is None):
                    raise MissingLogic(f"no hand-written logic for route {fund_id}.{spec.id}")
                if any(prior.condition is not None for prior in route.priors):
                    raise MissingLogic(f"no hand-written logic for a prior's case of route {fund_id}.{spec.id}")
                route_priors = tuple((float(p.spec.value), dict(p.spec.by_country)) for p in route.priors)
                condition = route_logic[spec.id]
                if condition is not None:
                    _checked(condition, f"route {fund_id}.{spec.id}")
                routes.append(
                    RouteData(spec.id, route_logic[spec.id], tuple(spec.requires), bool(spec.ask), route_priors)
                )
        funds.append(FundData(fund_id, order, tuple(rules), tuple(rates), tuple(routes)))
    return funds


# ------------------------------------------------------------------------------------------ facts
@dataclass(frozen=True, slots=True)
class Tables:
    """The shipped tables, read by their one reader each: NUTS-2 → region facts, and cross-border codes."""

    regions: dict[str, tuple[str, str, bool | None]]  # nuts2 → (category, 2014–2020 category or "unknown", outermost)
    cross_border: frozenset[str]

    @classmethod
    def load(cls, period: str = DEFAULT_PERIOD) -> Tables:
        layout = PeriodLayout(period_folder(period))
        regions = {
            r.nuts2.upper(): (
                r.category.value,
                r.category_2014_2020.value if r.category_2014_2020 is not None else "unknown",
                r.outermost,
            )
            for r in RegionTable.load(layout.regions)
        }
        cross = frozenset(p.region.upper() for p in InterregAreas.load(layout.areas) if p.cross_border)
        return cls(regions, cross)


_OUTERMOST_COUNTRIES = frozenset({"ES", "FR", "PT"})  # TFEU Art. 349
_EU = frozenset(EU_MEMBER_STATES)


def _plain_idea(idea: Any) -> dict[str, Any]:
    """The idea's facts (a validated `ProjectIdea`): lists as sets (an empty list is missing), enums as text."""

    def texts(values: Sequence[Any] | None) -> set[str] | None:
        found = {getattr(v, "value", v) for v in values or ()}
        return found or None

    end = idea.end_date
    if end is None and idea.start_date is not None and idea.duration_months is not None:
        month0 = idea.start_date.month - 1 + idea.duration_months
        year, month = idea.start_date.year + month0 // 12, month0 % 12 + 1
        day = idea.start_date.day
        while True:
            try:
                end = _dt.date(year, month, day)
                break
            except ValueError:
                day -= 1
    partners = idea.partners
    return {
        "title": idea.title,
        "themes": texts(idea.themes),
        "target_groups": texts(idea.target_groups),
        "activities": texts(idea.activities),
        "applicant_type": getattr(idea.applicant_type, "value", idea.applicant_type),
        "budget_eur": idea.budget_eur,
        "duration_months": idea.duration_months,
        "start_date": idea.start_date,
        "end_date": idea.end_date,
        "planned_end": end,
        "programme_confirmed": texts(idea.programme_confirmed),
        "completed_before_application": idea.completed_before_application,
        "partner_count": len(partners),
        "partner_countries": {p.country for p in partners},
        "partner_types": {getattr(p.type, "value", p.type) for p in partners},
    }


def row_facts(profile: Mapping[str, Any], partner_countries: frozenset[str], tables: Tables) -> dict[str, Any]:
    """A municipality's own facts, derived as the summary needs them (the idea's partners for the country counts)."""
    country = to_iso(str(profile["country"]).strip().upper())
    nuts = profile.get("nuts")
    region = tables.regions.get(nuts[:4].upper()) if nuts else None
    category = profile.get("region_category")
    if category is None and region is not None:
        category = region[0]
    outermost = profile.get("outermost_region")
    if outermost is None:
        outermost = False if country not in _OUTERMOST_COUNTRIES else (region[2] if region is not None else None)
    border = profile.get("border_region")
    if border is None and nuts:
        code = nuts.strip().upper()
        if NUTS_CODE.match(code) and (
            code in tables.cross_border or (len(code) == 5 and code[:4] in tables.cross_border)
        ):
            border = True
    countries = partner_countries | {country}
    member_states = countries & _EU
    return {
        "country": country,
        "member_state": country in _EU,
        "nuts": nuts,
        "population": profile.get("population"),
        "degurba": profile.get("degurba"),
        "region_category": category,
        "region_category_2014_2020": region[1] if region is not None else "unknown",
        "outermost_region": outermost,
        "border_region": border,
        "leader_lag": profile.get("leader_lag"),
        "eu_project_staff_fte": profile.get("eu_project_staff_fte"),
        "third_country_national_share": profile.get("third_country_national_share"),
        "country_count": len(countries),
        "member_state_count": len(member_states),
        "foreign_country_count": len(partner_countries - {country}),
    }


# ------------------------------------------------------------------------------------------ one fund, generic
_ORDER = {"eligible": 0, "unknown": 1, "ineligible": 2}
_BY_ORDER = ("eligible", "unknown", "ineligible")


def _asks(name: str, f: Mapping[str, Any]) -> str:
    if name == "planned_end" and f.get("duration_months") is not None and f.get("start_date") is None:
        return "start_date"
    return ASKS.get(name, name)


def _outcome(rule: RuleData, f: Mapping[str, Any]) -> tuple[str, list[str]]:
    """'pass' | 'fail' | 'unknown', and the inputs missed (none: undecided)."""
    holds = _open((rule.reads, rule.fn), f)
    if not isinstance(holds, bool):
        return "unknown", [_asks(n, f) for n in rule.reads if n in holds]
    outcome = "pass" if holds != (rule.kind == "exclusion") else "fail"
    if rule.undecided is not None and outcome == rule.undecided_on:
        left_open = _open(rule.undecided, f)
        if not isinstance(left_open, bool):  # what would leave it open is not known: unknown, asking for it
            return "unknown", [_asks(n, f) for n in rule.undecided[0] if n in left_open]
        if left_open:
            return "unknown", []
    return outcome, []


def _chance(rule: RuleData, f: Mapping[str, Any]) -> float:
    for logic, value, by_country in rule.priors:
        if logic is not None and _decide(logic, f) is not True:
            continue
        return by_country.get(str(f.get("country")), value)
    return 0.5


def _rate(fund: FundData, f: Mapping[str, Any]) -> tuple[float | None, float | None]:
    for rate in fund.rates:
        if rate.logic is not None:
            holds = _decide(rate.logic, f)
            if holds is None:
                return None, None
            if not holds:
                continue
        return rate.rate, rate.rate_max
    return None, None


Summary = tuple[str, str, float, float, float | None, float | None, float | None, tuple[str, ...], tuple[str, ...]]


def summarize(fund: FundData, f: Mapping[str, Any]) -> Summary:
    """One fund's summary from all its facts, every rule evaluated (the plain, untuned way)."""
    status = 0
    points = 0.0
    likelihood = 1.0
    failed: list[str] = []
    missing: set[str] = set()
    chance_of: dict[str, float] = {}
    outcome_of: dict[str, str] = {}
    for rule in fund.rules:
        outcome, missed = _outcome(rule, f)
        outcome_of[rule.id] = outcome
        if outcome == "unknown":
            chance = _chance(rule, f)
            chance_of[rule.id] = chance
            missing.update(missed)
            if not missed:
                missing.add(f"ask:{rule.id}")
            if rule.kind == "preference":
                points += rule.weight * chance
            elif not rule.route_rule and (rule.holds_status_unknown or (not missed and rule.undecided is not None)):
                status = max(status, 1)
                likelihood *= chance
        elif outcome == "fail":
            if rule.deciding:
                failed.append(rule.id)
                if not rule.route_rule:
                    status = 2
        elif rule.kind == "preference":
            points += rule.weight
    if fund.routes:
        best, best_p = 2, 0.0
        for route in fund.routes:
            state, p = _route(route, outcome_of, chance_of, f)
            best = min(best, state)
            if state == 0:
                best_p = 1.0
            elif state == 1:
                best_p = max(best_p, p)
        status = max(status, best)
        if status == 1:
            likelihood *= best_p
    if status != 1:
        likelihood = 1.0 if status == 0 else 0.0
    rate, rate_max = _rate(fund, f)
    budget = f.get("budget_eur")
    amount = round(budget * rate, 2) if budget is not None and rate is not None else None
    score = round(min(100.0, max(0.0, points)), 1)
    return (
        fund.fund,
        _BY_ORDER[status],
        score,
        round(likelihood, 3),
        rate,
        rate_max,
        amount,
        tuple(failed),
        tuple(sorted(missing)),
    )


def _route(
    route: RouteData, outcome_of: Mapping[str, str], chance_of: Mapping[str, float], f: Mapping[str, Any]
) -> tuple[int, float]:
    """A deciding route's state (0 open, 1 maybe, 2 closed) and its chance when maybe."""
    holds: bool | None = True
    if route.logic is not None:
        holds = _decide(route.logic, f)
    if holds is False or any(outcome_of[r] == "fail" for r in route.requires):
        return 2, 0.0
    if holds is None or route.ask or any(outcome_of[r] == "unknown" for r in route.requires):
        p = 1.0
        for rule_id in route.requires:
            p *= chance_of.get(rule_id, 1.0)
        if route.ask or not route.requires:
            p *= route.chance(f.get("country"))
        return 1, p
    return 0, 1.0


def _idea_chance(rule: RuleData, idea: Mapping[str, Any]) -> float:
    """`_chance` of a row rule whose priors read only the idea (none has per-country figures)."""
    if any(by_country or (logic is not None and set(logic[0]) & ROW_FACTS) for logic, _, by_country in rule.priors):
        raise MissingLogic(f"tuned loop: the priors of {rule.id} read the municipality")
    return _chance(rule, idea)


def _rank(results: list[Summary], order: Mapping[str, int]) -> list[Summary]:
    results.sort(key=lambda r: (r[1] == "ineligible", -round(r[2] * r[3], 3), _ORDER[r[1]], order[r[0]]))
    return results


# ------------------------------------------------------------------------------------------ contenders
def baseline(profile: Mapping[str, Any], idea: Any, funds: Sequence[FundData], tables: Tables) -> list[Summary]:
    """The plain version: the idea's facts and every rule again for each municipality."""
    f = _plain_idea(idea)
    f.update(row_facts(profile, frozenset(f["partner_countries"]), tables))
    order = {fund.fund: fund.order for fund in funds}
    results = []
    for fund in funds:
        f["fund"] = fund.fund
        results.append(summarize(fund, f))
    return _rank(results, order)


@dataclass(slots=True)
class _Base:
    """What a fund's idea-only rules give, decided once per batch."""

    status: int = 0
    points: float = 0.0
    likelihood: float = 1.0
    failed: list[tuple[int, str]] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    #: Each idea-only preference's points, by its position among the fund's rules (`_in_order`).
    parts: dict[int, float] = field(default_factory=dict)


def _idea_part(fund: FundData, idea: Mapping[str, Any], row_rules: frozenset[str]) -> _Base:
    """The idea-only rules of ``fund`` evaluated once (the rules in ``row_rules`` are left to each row)."""
    f = dict(idea, fund=fund.fund)
    base = _Base()
    for rule in fund.rules:
        if rule.id in row_rules:
            continue
        outcome, missed = _outcome(rule, f)
        if outcome == "unknown":
            chance = _chance(rule, f)
            base.missing.update(missed or [f"ask:{rule.id}"])
            if rule.kind == "preference":
                base.points += rule.weight * chance
                base.parts[rule.index] = rule.weight * chance
            elif not rule.route_rule and (rule.holds_status_unknown or (not missed and rule.undecided is not None)):
                base.status = max(base.status, 1)
                base.likelihood *= chance
        elif outcome == "fail":
            if rule.deciding:
                base.failed.append((rule.index, rule.id))
                if not rule.route_rule:
                    base.status = 2
        elif rule.kind == "preference":
            base.points += rule.weight
            base.parts[rule.index] = rule.weight
    return base


def _in_order(fund: FundData, base: _Base, row: Sequence[str]) -> tuple[float, dict[str, tuple[float, ...]]]:
    """The idea's points as a row adds them, in the rules' order as fundmatch adds them (floats are not
    associative): their sum before the first of the ``row`` preferences, and after each of those the idea's that
    follow it up to the next."""
    lead, after = 0.0, {}
    current: list[float] | None = None
    for rule in fund.rules:
        if rule.kind != "preference":
            continue
        if rule.id in row:
            current = []
            after[rule.id] = current
        elif rule.index in base.parts:
            if current is None:
                lead += base.parts[rule.index]
            else:
                current.append(base.parts[rule.index])
    return lead, {name: tuple(values) for name, values in after.items()}


#: The rules each fund's row function below evaluates per municipality (all others read the idea only), with
#: their expected kind and number of priors: anything else in the pack is refused rather than mis-timed.
_ROW_RULES: dict[str, dict[str, tuple[str, int]]] = {
    "AMIF": {
        "applicant_in_member_state": ("requirement", 0),
        "denmark_does_not_take_part": ("exclusion", 0),
        "local_need": ("preference", 0),
        "staff_capacity": ("preference", 0),
        "domestic_project": ("preference", 0),
    },
    "ESF+": {"applicant_in_member_state": ("requirement", 0), "staff_capacity": ("preference", 0)},
    "ERDF": {
        "applicant_in_member_state": ("requirement", 0),
        "staff_capacity": ("preference", 0),
        "urban_area": ("preference", 2),
        "small_rural_place": ("preference", 2),
        "rural_place_outside_core": ("preference", 2),
        "village_culture_outside_core": ("preference", 2),
    },
    "EAFRD": {
        "applicant_in_member_state": ("requirement", 0),
        "leader_area": ("requirement", 2),
        "rural_area": ("preference", 2),
        "lag_population_band": ("preference", 2),
        "staff_capacity": ("preference", 0),
        "rural_municipality": ("preference", 2),
        "village_scale": ("preference", 2),
        "village_investment": ("preference", 0),
    },
    "INTERREG": {
        "two_countries": ("requirement", 0),
        "member_state_beneficiary": ("requirement", 0),
        "cross_border_area": ("preference", 1),
        "neighbour_partner": ("preference", 0),
        "migration_integration_objective": ("preference", 0),
        "three_countries": ("preference", 0),
        "lead_partner_in_member_state": ("preference", 0),
    },
}
#: Row rules whose priors (by whether the idea reads as rural) older packs lack: even odds there (`_idea_chance`).
_PLACE_PRIORS = frozenset(
    {"urban_area", "small_rural_place", "rural_place_outside_core", "rural_area", "lag_population_band"}
    | {"rural_municipality", "village_scale"}
)
#: Row rules that older packs lack (their row part is skipped there).
_OPTIONAL_ROW_RULES = frozenset({"rural_place_outside_core", "village_culture_outside_core"})
_RATE_ORDER = {
    "ESF+": [
        "most_deprived_priority",
        "outermost",
        "less_developed",
        "transition_was_less_developed",
        "transition_otherwise",
        "more_developed_was_below",
        "more_developed_was_more_developed",
        "transition",
        "more_developed",
    ],
    "EAFRD": ["less_developed", "leader", "outermost", "transition", "other_regions"],
}
_ISO = {"EL": "GR", "UK": "GB"}

Row = Callable[..., Summary]


def _finish(
    fund: str,
    order: int,
    status: int,
    points: float,
    likelihood: float,
    rate: tuple[float | None, float | None],
    amounts: Mapping[float | None, float | None],
    failed: tuple[tuple[int, str], ...],
    base: _Frozen,
    missing: int,
) -> tuple[tuple[bool, float, int, int], Summary]:
    """The fund's summary, with its ranking key first."""
    score = round(points if 0.0 <= points <= 100.0 else (0.0 if points < 0.0 else 100.0), 1)
    likelihood = round(likelihood, 3) if status == 1 else (1.0 if status == 0 else 0.0)
    r, r_max = rate
    return (
        (status == 2, -round(score * likelihood, 3), status, order),
        (
            fund,
            _BY_ORDER[status],
            score,
            likelihood,
            r,
            r_max,
            amounts[r],
            base.failed_ids if failed is base.failed else tuple(i for _, i in sorted(failed)),
            base.table[missing],
        ),
    )


@dataclass(frozen=True, slots=True)
class _Frozen:
    """A fund's idea-only part as the row functions read it."""

    status: int
    points: float
    likelihood: float
    failed: tuple[tuple[int, str], ...]
    failed_ids: tuple[str, ...]
    #: The sorted missing inputs for each set of the row's own (a bit each, in `_ROW_MISSING`'s order).
    table: tuple[tuple[str, ...], ...]


def _frozen(base: _Base) -> _Frozen:
    failed = tuple(sorted(base.failed))
    table = tuple(
        tuple(sorted(base.missing | {name for k, name in enumerate(_ROW_MISSING) if mask >> k & 1}))
        for mask in range(1 << len(_ROW_MISSING))
    )
    return _Frozen(base.status, base.points, base.likelihood, failed, tuple(i for _, i in failed), table)


#: The municipality's inputs a row function may find missing: bit k is the k-th.
_ROW_MISSING = (
    "third_country_national_share",
    "eu_project_staff_fte",
    "degurba",
    "population",
    "leader_lag",
    "border_region",
)
SHARE, STAFF, DEGURBA, POPULATION, LAG, BORDER = (1 << k for k in range(len(_ROW_MISSING)))


class Tuned:
    """The tuned plain-Python loop: the idea-only work once per batch, per row only what reads the row; no memo.

    Each fund's row part is written out by hand (`_amif` ... `_interreg`): the municipality's facts are read once,
    then a few comparisons per fund add to what the idea's rules gave (`_idea_part`); weights, priors and rates
    are the pack's numbers, looked up once here.
    """

    def __init__(self, idea: Any, funds: Sequence[FundData], tables: Tables) -> None:
        self.idea = _plain_idea(idea)
        self.partners = frozenset(self.idea["partner_countries"])
        self.regions = tables.regions
        self.cross = tables.cross_border
        self.order = {fund.fund: fund.order for fund in funds}
        makers = {
            "AMIF": self._amif,
            "ESF+": self._esf,
            "ERDF": self._erdf,
            "EAFRD": self._eafrd,
            "INTERREG": self._interreg,
        }
        self.rows: list[Row] = []
        #: Funds this idea sends down the plain per-row path (`summarize`), by their position: rare ideas whose
        #: idea-only rule a row fact can leave undecided, and ideas without the themes, activities or target
        #: groups a row rule reads (whether the row's facts then decide it is three-valued). None for the shipped
        #: ideas.
        self.generic: dict[int, FundData] = {}
        self.tables = tables
        if [fund.fund for fund in funds] != list(makers):
            raise MissingLogic(f"tuned loop: the period's funds changed: {[fund.fund for fund in funds]}")
        for fund in funds:
            expected = _ROW_RULES.get(fund.fund)
            if expected is None:
                raise MissingLogic(f"tuned loop: no row function for fund {fund.fund}")
            for rule in fund.rules:
                reads = set(rule.reads) | {n for p in rule.priors if p[0] for n in p[0][0]}
                if rule.priors and any(p[2] for p in rule.priors):
                    reads.add("country")
                if rule.id in expected:
                    kind, priors = expected[rule.id]
                    fewer = rule.id in _PLACE_PRIORS and not rule.priors
                    if (rule.kind, 0 if fewer else priors) != (kind, len(rule.priors)) or rule.undecided is not None:
                        raise MissingLogic(f"tuned loop: {fund.fund}.{rule.id} is no longer what its row part assumes")
                elif reads & ROW_FACTS or rule.route_rule:
                    raise MissingLogic(
                        f"tuned loop: {fund.fund}.{rule.id} reads the municipality: add it to its row part"
                    )
                elif rule.undecided is not None and set(rule.undecided[0]) & ROW_FACTS:
                    # Decided by the idea, but left open by a row fact (an airport in an outermost region): only
                    # when the idea's outcome is the one that can be left open does the row matter.
                    decided, _ = _outcome(dataclasses.replace(rule, undecided=None), dict(self.idea, fund=fund.fund))
                    if decided == rule.undecided_on:
                        self.generic[fund.order] = fund
            missing = set(expected) - {r.id for r in fund.rules} - _OPTIONAL_ROW_RULES
            if missing:
                raise MissingLogic(f"tuned loop: {fund.fund} no longer has {sorted(missing)}")
            order = _RATE_ORDER.get(fund.fund)
            if order is not None and [r.id for r in fund.rates] != order:
                raise MissingLogic(f"tuned loop: the rates of {fund.fund} changed")
            self.rows.append(makers[fund.fund](fund, _idea_part(fund, self.idea, frozenset(expected))))

    @staticmethod
    def _parts(fund: FundData) -> tuple[dict[str, RuleData], dict[str, float], dict[str, RateData]]:
        """The fund's rules, weights and rates by id."""
        rules = {r.id: r for r in fund.rules}
        return rules, {r.id: r.weight for r in fund.rules}, {r.id: r for r in fund.rates}

    def _amounts(self, fund: FundData) -> dict[float | None, float | None]:
        """The EU amount for each of the fund's rates (the budget is the idea's)."""
        budget = self.idea["budget_eur"]
        amounts: dict[float | None, float | None] = {None: None}
        for rate in fund.rates:
            amounts[rate.rate] = round(budget * rate.rate, 2) if budget is not None else None
        return amounts

    def _idea_rate(self, fund: FundData) -> tuple[float | None, float | None]:
        return _rate(fund, dict(self.idea, fund=fund.fund))

    def _cohesion(self, fund: FundData) -> Callable[[bool | None, str | None, str], tuple[float | None, float | None]]:
        """ESF+ and ERDF: the rate by outermost status and category of region (and its 2014–2020 category)."""
        rates = {r.id: (r.rate, r.rate_max) for r in fund.rates}
        first: tuple[float | None, float | None] | None = None
        if fund.rates and fund.rates[0].id == "most_deprived_priority":
            themes = self.idea["themes"]
            if themes is None:
                first = (None, None)
            elif "material_deprivation" in themes:
                first = rates["most_deprived_priority"]
        elif [r.id for r in fund.rates] != _RATE_ORDER["ESF+"][1:]:
            raise MissingLogic(f"tuned loop: the rates of {fund.fund} changed")
        none = (None, None)
        outermost, less = rates["outermost"], rates["less_developed"]
        t_ld, t_other, t_unknown = (
            rates["transition_was_less_developed"],
            rates["transition_otherwise"],
            rates["transition"],
        )
        m_below, m_more, m_unknown = (
            rates["more_developed_was_below"],
            rates["more_developed_was_more_developed"],
            rates["more_developed"],
        )

        def rate(out: bool | None, category: str | None, before: str) -> tuple[float | None, float | None]:
            if first is not None:
                return first
            if out is None:
                return none
            if out:
                return outermost
            if category == "less_developed":
                return less
            if category == "transition":
                return (
                    t_ld
                    if before == "less_developed"
                    else t_other
                    if before in ("transition", "more_developed")
                    else t_unknown
                )
            if category == "more_developed":
                return (
                    m_below
                    if before in ("less_developed", "transition")
                    else m_more
                    if before == "more_developed"
                    else m_unknown
                )
            return none

        return rate

    def _amif(self, fund: FundData, base: _Base) -> Row:
        rules, w, _ = self._parts(fund)
        i_ms, i_dk = rules["applicant_in_member_state"].index, rules["denmark_does_not_take_part"].index
        w_need, w_staff, w_domestic = w["local_need"], w["staff_capacity"], w["domestic_project"]
        b = _frozen(base)
        status0, points0, lik0, failed0 = b.status, b.points, b.likelihood, b.failed
        amounts, order = self._amounts(fund), self.order[fund.fund]
        rate, name = self._idea_rate(fund), fund.fund

        def row(member: bool, country: str, share: float | None, staff: float | None, foreign: int) -> Summary:
            status, points, failed = status0, points0, failed0
            missing = 0
            if not member:
                status, failed = 2, (*failed, (i_ms, "applicant_in_member_state"))
            if country == "DK":
                status, failed = 2, (*failed, (i_dk, "denmark_does_not_take_part"))
            if share is None:
                points += w_need * 0.5
                missing |= SHARE
            elif share >= 0.02:
                points += w_need
            if staff is None:
                points += w_staff * 0.5
                missing |= STAFF
            elif staff >= 0.5:
                points += w_staff
            if foreign == 0:
                points += w_domestic
            return _finish(name, order, status, points, lik0, rate, amounts, failed, b, missing)

        return row

    def _esf(self, fund: FundData, base: _Base) -> Row:
        rules, w, _ = self._parts(fund)
        i_ms, w_staff = rules["applicant_in_member_state"].index, w["staff_capacity"]
        b = _frozen(base)
        status0, points0, lik0, failed0 = b.status, b.points, b.likelihood, b.failed
        amounts, order = self._amounts(fund), self.order[fund.fund]
        cohesion, name = self._cohesion(fund), fund.fund

        def row(member: bool, staff: float | None, out: bool | None, category: str | None, before: str) -> Summary:
            status, points, failed = status0, points0, failed0
            missing = 0
            if not member:
                status, failed = 2, (*failed, (i_ms, "applicant_in_member_state"))
            if staff is None:
                points += w_staff * 0.5
                missing |= STAFF
            elif staff >= 0.5:
                points += w_staff
            return _finish(
                name, order, status, points, lik0, cohesion(out, category, before), amounts, failed, b, missing
            )

        return row

    def _erdf(self, fund: FundData, base: _Base) -> Row:
        rules, w, _ = self._parts(fund)
        i_ms = rules["applicant_in_member_state"].index
        w_staff, w_urban, w_small = w["staff_capacity"], w["urban_area"], w["small_rural_place"]
        c_urban, c_small = (
            _idea_chance(rules["urban_area"], self.idea),
            _idea_chance(rules["small_rural_place"], self.idea),
        )
        # Pack 2021-2027.2: a rural place outside the ERDF's core objectives (absent from older packs).
        demarcation = "rural_place_outside_core" in rules
        w_outside = w.get("rural_place_outside_core", 0.0)
        c_outside = _idea_chance(rules["rural_place_outside_core"], self.idea) if demarcation else 0.5
        themes = self.idea["themes"]
        outside_core = None if themes is None else not themes & ERDF_CORE
        if themes is None:  # whether a row's degree of urbanisation decides the demarcation rules: per row
            self.generic[fund.order] = fund
        # Pack 2021-2027.6: a rural area's cultural house with digital access; an unknown degree of urbanisation
        # counts by the prior of its themes (the first prior when they match, the last otherwise).
        culture = "village_culture_outside_core" in rules
        w_culture = w.get("village_culture_outside_core", 0.0)
        culture_house = None if themes is None else _village_culture({"themes": themes})
        p_culture = 0.0
        if culture:
            (_, p_house, _), (_, p_other, _) = rules["village_culture_outside_core"].priors
            p_culture = p_house if culture_house else p_other
            if culture_house is None:
                base.missing.add("themes")
        house_row, outside_row = culture and bool(culture_house), demarcation and bool(outside_core)
        row_prefs = ("staff_capacity", "urban_area", "small_rural_place", "village_culture_outside_core")
        lead, tails = _in_order(fund, base, (*row_prefs, "rural_place_outside_core"))
        expected = [n for n in (*row_prefs, "rural_place_outside_core") if n in rules]
        if list(tails) != expected:
            raise MissingLogic(f"tuned loop: the order of the ERDF's row preferences changed: {list(tails)}")
        t_staff, t_urban, t_small = tails["staff_capacity"], tails["urban_area"], tails["small_rural_place"]
        t_culture, t_outside = tails.get("village_culture_outside_core", ()), tails.get("rural_place_outside_core", ())
        b = _frozen(base)
        status0, lik0, failed0 = b.status, b.likelihood, b.failed
        amounts, order = self._amounts(fund), self.order[fund.fund]
        cohesion, name = self._cohesion(fund), fund.fund

        def row(
            member: bool,
            staff: float | None,
            degurba: int | None,
            population: int | None,
            out: bool | None,
            category: str | None,
            before: str,
        ) -> Summary:
            status, points, failed = status0, lead, failed0
            missing = 0
            if not member:
                status, failed = 2, (*failed, (i_ms, "applicant_in_member_state"))
            # The points in the rules' order, the idea's between them (`_in_order`); three-valued: a rule a
            # missing fact cannot change is decided (`small_rural_place` of a town without a population).
            if staff is None:
                points += w_staff * 0.5
                missing |= STAFF
            elif staff >= 1:
                points += w_staff
            if t_staff:
                for v in t_staff:
                    points += v
            if degurba is None:
                points += w_urban * c_urban
                missing |= DEGURBA
            elif degurba <= 2:
                points += w_urban
            if t_urban:
                for v in t_urban:
                    points += v
            if degurba is not None and degurba != 3:
                pass  # not rural: no small rural place whatever the population
            elif population is None:
                points += w_small * c_small
                missing |= POPULATION
            elif population >= 5000:
                pass
            elif degurba is None:
                points += w_small * c_small
            else:
                points += w_small
            if t_small:
                for v in t_small:
                    points += v
            if house_row:  # an idea whose themes make it no cultural house decides the rule whatever the row
                if degurba is None:
                    points += w_culture * p_culture
                elif degurba == 3:
                    points += w_culture
            if t_culture:
                for v in t_culture:
                    points += v
            if outside_row:
                if degurba is None:
                    points += w_outside * c_outside
                elif degurba == 3:
                    points += w_outside
            if t_outside:
                for v in t_outside:
                    points += v
            return _finish(
                name, order, status, points, lik0, cohesion(out, category, before), amounts, failed, b, missing
            )

        return row

    def _eafrd(self, fund: FundData, base: _Base) -> Row:
        rules, w, rates = self._parts(fund)
        i_ms, leader = rules["applicant_in_member_state"].index, rules["leader_area"]
        i_lag = leader.index
        (_, p_city, by_city), (_, p_other, by_other) = leader.priors
        lag_applicant = self.idea["applicant_type"] == LAG_APPLICANT
        w_rural, w_band, w_staff = w["rural_area"], w["lag_population_band"], w["staff_capacity"]
        w_municipality, w_village, w_investment = w["rural_municipality"], w["village_scale"], w["village_investment"]
        c_rural, c_band, c_municipality, c_village = (
            _idea_chance(rules[k], self.idea)
            for k in ("rural_area", "lag_population_band", "rural_municipality", "village_scale")
        )
        order_of_row = ("rural_area", "lag_population_band", "staff_capacity", "rural_municipality", "village_scale")
        lead, tails = _in_order(fund, base, (*order_of_row, "village_investment"))
        if list(tails) != [*order_of_row, "village_investment"]:
            raise MissingLogic(f"tuned loop: the order of the EAFRD's row preferences changed: {list(tails)}")
        t_rural, t_band, t_staff, t_municipality, t_village, t_investment = tails.values()
        activities, themes = self.idea["activities"], self.idea["themes"]
        builds = None if activities is None else bool(activities & BUILD)
        # Pack 2021-2027.2 also counts an investment for a rural theme, and so reads the themes.
        variant = rules["village_investment"].variant
        if variant not in ("degurba", "degurba or rural theme"):
            raise MissingLogic(f"tuned loop: no row part for EAFRD.village_investment {variant!r}")
        by_theme = variant == "degurba or rural theme"
        rural_theme = None if themes is None else "rural_development" in themes
        if builds is None or (by_theme and rural_theme is None):
            # Whether the row's degree of urbanisation decides village_investment: read per row.
            self.generic[fund.order] = fund
        theme_rural = bool(by_theme and rural_theme)
        b = _frozen(base)
        status0, lik0, failed0 = b.status, b.likelihood, b.failed
        amounts, order = self._amounts(fund), self.order[fund.fund]
        r_less, r_leader, r_out, r_transition, r_other = (
            (rates[k].rate, rates[k].rate_max)
            for k in ("less_developed", "leader", "outermost", "transition", "other_regions")
        )
        cap_route = next(r for r in fund.routes if r.id == "cap_investments")
        cap_ask = cap_route.ask
        name = fund.fund

        def row(
            member: bool,
            country: str,
            lag: bool | None,
            staff: float | None,
            degurba: int | None,
            population: int | None,
            out: bool | None,
            category: str | None,
        ) -> Summary:
            status, points, likelihood, failed = status0, lead, lik0, failed0
            missing = 0
            if not member:
                status, failed = 2, (*failed, (i_ms, "applicant_in_member_state"))
            # leader_area decides the LEADER route only: its chance is the route's. A LAG applying itself is in
            # its own area (`leader_lag or applicant_type == 'local_action_group'`, the LEADER rate's too).
            if lag_applicant:
                lag = True
            chance = 1.0
            if lag is None:
                missing |= LAG
                chance = by_city.get(country, p_city) if degurba == 1 else by_other.get(country, p_other)
            elif not lag:
                failed = (*failed, (i_lag, "leader_area"))
            # The points in the rules' order, the idea's between them (`_in_order`).
            if degurba is None:
                missing |= DEGURBA
                points += w_rural * c_rural
            elif degurba >= 2:
                points += w_rural
            if t_rural:
                for v in t_rural:
                    points += v
            if population is None:
                missing |= POPULATION
                points += w_band * c_band
            elif population <= 150000:
                points += w_band
            if t_band:
                for v in t_band:
                    points += v
            if staff is None:
                missing |= STAFF
                points += w_staff * 0.5
            elif staff >= 0.2:
                points += w_staff
            if t_staff:
                for v in t_staff:
                    points += v
            if degurba is None:
                points += w_municipality * c_municipality
            elif degurba == 3:
                points += w_municipality
            if t_municipality:
                for v in t_municipality:
                    points += v
            if population is None:
                points += w_village * c_village
            elif population < 10000:
                points += w_village
            if t_village:
                for v in t_village:
                    points += v
            # Three-valued: no building works, or a rural theme, decides it whatever the degree of urbanisation.
            if not builds:
                pass
            elif theme_rural or degurba == 3:
                points += w_investment
            elif degurba is None:
                points += w_investment * 0.5
            if t_investment:
                for v in t_investment:
                    points += v
            # Routes: LEADER (open, maybe with the LAG's chance, or closed) and CAP investments (asks).
            lag_state = 1 if lag is None else 0 if lag else 2
            # `degurba == 3 or (degurba == 2 and population < 20000)`, three-valued: a city is decided without
            # its population, a town is not.
            if degurba is None or (degurba == 2 and population is None):
                cap_state, cap_p = 1, cap_route.chance(country)  # its condition is not decided yet
            elif degurba == 3 or (degurba == 2 and population < 20000):
                cap_state, cap_p = (1, cap_route.chance(country)) if cap_ask else (0, 1.0)
            else:
                cap_state, cap_p = 2, 0.0
            status = max(status, min(lag_state, cap_state))
            if status == 1:
                if lag_state == 0 or cap_state == 0:
                    likelihood *= 1.0
                else:
                    likelihood *= max(chance if lag_state == 1 else 0.0, cap_p if cap_state == 1 else 0.0)
            # Rates, in the pack's order.
            if category is None:
                rate = (None, None)
            elif category == "less_developed":
                rate = r_less
            elif lag is None:
                rate = (None, None)
            elif lag:
                rate = r_leader
            elif out is None:
                rate = (None, None)
            elif out:
                rate = r_out
            elif category == "transition":
                rate = r_transition
            elif category == "more_developed":
                rate = r_other
            else:
                rate = (None, None)
            return _finish(name, order, status, points, likelihood, rate, amounts, failed, b, missing)

        return row

    def _interreg(self, fund: FundData, base: _Base) -> Row:
        rules, w, _ = self._parts(fund)
        i_two, i_ms = rules["two_countries"].index, rules["member_state_beneficiary"].index
        ((_, p_border, by_border),) = rules["cross_border_area"].priors
        body = self.idea["applicant_type"] in ("egtc", "cross_border_body")
        groups = self.idea["target_groups"]
        serves = None if groups is None else bool(groups & TCN)
        w_border, w_neighbour, w_migration = (
            w["cross_border_area"],
            w["neighbour_partner"],
            w["migration_integration_objective"],
        )
        w_three, w_lead = w["three_countries"], w["lead_partner_in_member_state"]
        if serves is None:  # whether the row's border region decides migration_integration_objective: per row
            self.generic[fund.order] = fund
        b = _frozen(base)
        status0, points0, lik0, failed0 = b.status, b.points, b.likelihood, b.failed
        amounts, order = self._amounts(fund), self.order[fund.fund]
        rate, name = self._idea_rate(fund), fund.fund

        def row(member: bool, country: str, border: bool | None, count: int, members: int, foreign: int) -> Summary:
            status, points, failed = status0, points0, failed0
            missing = 0
            if not (count >= 2 or body):
                status, failed = 2, (*failed, (i_two, "two_countries"))
            if members < 1:
                status, failed = 2, (*failed, (i_ms, "member_state_beneficiary"))
            if border is None:
                points += w_border * by_border.get(country, p_border)
                if serves:  # not serving third-country nationals decides it without the border region
                    points += w_migration * 0.5
                missing |= BORDER
            else:
                if border:
                    points += w_border
                if serves is None:
                    points += w_migration * 0.5
                elif border and serves:
                    points += w_migration
            if foreign >= 1:
                points += w_neighbour
            if count >= 3:
                points += w_three
            if member:
                points += w_lead
            return _finish(name, order, status, points, lik0, rate, amounts, failed, b, missing)

        return row

    def __call__(self, profile: Mapping[str, Any]) -> list[Summary]:
        get = profile.get
        country = profile["country"]
        country = _ISO.get(country, country)
        member = country in _EU
        nuts = get("nuts")
        region = self.regions.get(nuts[:4]) if nuts else None
        category = get("region_category") or (region[0] if region is not None else None)
        before = region[1] if region is not None else "unknown"
        out = get("outermost_region")
        if out is None:
            out = False if country not in _OUTERMOST_COUNTRIES else (region[2] if region is not None else None)
        border = get("border_region")
        if border is None and nuts and (nuts in self.cross or nuts[:4] in self.cross):
            border = True
        partners = self.partners
        own = country not in partners
        count = len(partners) + own
        members = len(partners & _EU) + (member and own)
        foreign = len(partners) - (not own)
        staff, degurba, population = get("eu_project_staff_fte"), get("degurba"), get("population")
        amif, esf, erdf, eafrd, interreg = self.rows
        results = [
            amif(member, country, get("third_country_national_share"), staff, foreign),
            esf(member, staff, out, category, before),
            erdf(member, staff, degurba, population, out, category, before),
            eafrd(member, country, get("leader_lag"), staff, degurba, population, out, category),
            interreg(member, country, border, count, members, foreign),
        ]
        if self.generic:
            facts = {**self.idea, **row_facts(profile, partners, self.tables)}
            for position, fund in self.generic.items():
                summary = summarize(fund, dict(facts, fund=fund.fund))
                key = (summary[1] == "ineligible", -round(summary[2] * summary[3], 3), _ORDER[summary[1]], fund.order)
                results[position] = (key, summary)
        results.sort()
        return [summary for _, summary in results]


def fundmatch_rows(summary: Any) -> list[Summary]:
    """fundmatch's `MatchSummary` in the contenders' form."""
    return [
        (
            str(r.fund),
            r.status.value,
            r.score,
            r.likelihood,
            r.rate,
            r.rate_max,
            r.amount_eur,
            tuple(r.failed),
            tuple(r.missing),
        )
        for r in summary.ranking
    ]


# ------------------------------------------------------------------------------------------ real rows
def lau_rows(path: Any, limit: int | None = None) -> list[dict[str, Any]]:
    """The Eurostat LAU list as profile dicts: Eurostat's country codes as they are (EL for Greece), population
    left out where the list has none (FR, CY: unknown, never invented), DEGURBA 9 (unknown) left out."""
    import csv
    import gzip

    rows = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            row: dict[str, Any] = {"name": line["name"], "country": line["country"], "lau": line["lau_code"]}
            if line["nuts3_code"]:
                row["nuts"] = line["nuts3_code"]
            if line["population"]:
                row["population"] = int(line["population"])
            if line["degurba"] and line["degurba"] != "9":
                row["degurba"] = int(line["degurba"])
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    return rows
