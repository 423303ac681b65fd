"""fundmatch: which EU fund fits a municipality's project idea, and why.

Give it a municipality profile and a project idea; it ranks AMIF, ESF+, ERDF, EAFRD (LEADER) and Interreg by
eligibility and fit, explains every rule it applied with its legal basis, estimates the EU co-financing and
lists what is still to be found out.

Example:
    >>> import fundmatch
    >>> report = fundmatch.match(
    ...     {"name": "Tarvisio", "country": "IT", "nuts": "ITH42", "population": 4100, "border_region": True},
    ...     {"title": "Cross-border youth exchange", "themes": ["culture_sport"],
    ...      "partners": [{"country": "AT", "type": "municipality"}]},
    ...     funds=["INTERREG"],
    ... )
    >>> report.ranking[0].fund.value
    'INTERREG'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fundmatch._errors import AmbiguousPlaceError, FundmatchError, PlacesError, ProfileError, RulePackError
from fundmatch._evidence import Citation, DerivedValue, InferredTerm
from fundmatch._ids import (
    Activity,
    Fund,
    OrganisationType,
    Outcome,
    RegionCategory,
    RouteStatus,
    RuleKind,
    Status,
    TargetGroup,
    Theme,
)
from fundmatch._inputs import Municipality, Partner, ProjectIdea
from fundmatch._places import Place, find_place
from fundmatch._report import (
    CoFinancing,
    FundMatch,
    FundSummary,
    MatchReport,
    MatchReports,
    MatchSummaries,
    MatchSummary,
    MissingInfo,
    ReportQuestion,
    ReportWarning,
    Route,
    RuleHit,
)
from fundmatch._resources import DEFAULT_PERIOD

if TYPE_CHECKING:  # pragma: no cover
    # RulePack is imported on first use (see __getattr__): the evaluator below it imports rule-engine, whose
    # parser tables take about a quarter of a second to build, and much of fundmatch never evaluates a rule.
    from fundmatch._pack import RulePack

__all__ = (
    "Activity",
    "AmbiguousPlaceError",
    "Citation",
    "CoFinancing",
    "DEFAULT_PERIOD",
    "DerivedValue",
    "Fund",
    "FundMatch",
    "FundSummary",
    "FundmatchError",
    "InferredTerm",
    "MatchReport",
    "MatchReports",
    "MatchSummaries",
    "MatchSummary",
    "MissingInfo",
    "Municipality",
    "OrganisationType",
    "Outcome",
    "Partner",
    "Place",
    "PlacesError",
    "ProfileError",
    "ProjectIdea",
    "RegionCategory",
    "ReportQuestion",
    "ReportWarning",
    "Route",
    "RouteStatus",
    "RuleHit",
    "RuleKind",
    "RulePack",
    "RulePackError",
    "Status",
    "TargetGroup",
    "Theme",
    "find_place",
    "load_rules",
    "match",
)


def load_rules(period: str = DEFAULT_PERIOD, *, path: str | Path | None = None) -> RulePack:
    """Load and compile a rule pack: a shipped period, or your own folder with ``path``.

    Shipped packs are loaded once per process and shared; a folder given by ``path`` is read anew.
    A malformed pack raises `RulePackError` naming file, line, rule id and the problem.
    """
    from fundmatch._pack import RulePack, shipped_pack

    if path is not None:
        return RulePack(path)
    if not isinstance(period, str):
        raise ProfileError(f"period must be a string like '{DEFAULT_PERIOD}', not {type(period).__name__}")
    return shipped_pack(period)


def match(
    profile: Municipality | Mapping[str, Any] | None = None,
    idea: ProjectIdea | Mapping[str, Any] | str | None = None,
    *,
    period: str = DEFAULT_PERIOD,
    funds: Sequence[str] | None = None,
    place: str | None = None,
) -> MatchReport:
    """Rank the funds for one municipality and one project idea, every result explained.

    ``profile`` and ``idea`` may be models or plain dicts (validated; bad input raises pydantic's
    ``ValidationError`` naming every bad field, with the closest valid name for a misspelt one). ``idea`` may
    also be a plain sentence or paragraph, in the officer's language. The shipped pack of ``period`` is loaded
    once and reused.

    With ``place="Altena, DE"`` (or "Brixen, Italien", or a LAU code such as "DE 05962004") the profile is
    filled in from the places register (``fundmatch places import``), each value with its source; ``profile``
    may then be left out, or be a dict of values that win. A name that several places match about equally well
    raises `AmbiguousPlaceError` listing them with their LAU codes, never a silent guess.

    Example: ``fundmatch.match(place="Brixen, IT", idea="Sprachkurse für geflüchtete Jugendliche")``.
    """
    pack = load_rules(period)
    if idea is None:
        raise ProfileError("give an idea: a sentence, a dict of ProjectIdea fields or a ProjectIdea")
    if place is not None:
        profile = _profile_from_place_text(pack, place, profile)
    if profile is None:
        raise ProfileError("give a profile, or a place to build one from (place='Altena, DE')")
    return pack.match(profile, idea, funds=funds)


def _profile_from_place_text(
    pack: RulePack, text: str, overrides: Municipality | Mapping[str, Any] | None
) -> Municipality:
    from fundmatch._places import choose_place

    given = overrides.model_dump(exclude_unset=True) if isinstance(overrides, Municipality) else dict(overrides or {})
    # The profile is derived from the tables of the period being matched, not always the default one.
    return pack.profile_from_place(choose_place(text), **given)


def __getattr__(name: str) -> Any:
    # Lazy, so that importing fundmatch neither reads package metadata nor imports rule-engine.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("fundmatch")
        except PackageNotFoundError:
            return "0+unknown"
    if name == "RulePack":
        from fundmatch._pack import RulePack

        globals()["RulePack"] = RulePack  # once: later look-ups find it as a plain attribute
        return RulePack
    raise AttributeError(f"module 'fundmatch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "RulePack", "__version__"})
