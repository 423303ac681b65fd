"""The schema of a rule pack file, as pydantic models (unknown keys are errors).

A pack is one YAML file per fund and period (``rules/<period>/interreg.yaml``). The acts it cites are
declared once per period in ``acts.yaml`` and referred to by key, so a citation is short in the rule and full
in the report.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from fundmatch._ids import FUND_ID, RuleKind, Status

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ActSpec(_Strict):
    """A legal act that rules cite."""

    title: str = Field(min_length=1, description="Full citation, e.g. 'Regulation (EU) 2021/1059'.")
    short: str = Field(min_length=1, description="Short name used in reports, e.g. 'Interreg Reg. (EU) 2021/1059'.")
    link: str | None = Field(default=None, description="Where the act can be read (ELI or EUR-Lex).")
    oj: str | None = Field(default=None, description="Official Journal reference.")


class ActsFile(_Strict):
    """``acts.yaml``: the acts of one period."""

    period: str
    acts: dict[str, ActSpec]


class TableSpec(_Strict):
    """What a period's data table is, for the sentences that cite it."""

    act: str | None = Field(default=None, description="The act the table transcribes, e.g. 'Decision (EU) 2021/1130'.")
    nuts_version: str | None = Field(default=None, description="The NUTS version of its codes, e.g. '2016'.")


class TablesSpec(_Strict):
    """The period's tables that fundmatch derives profile values from."""

    regions: TableSpec = Field(default_factory=TableSpec, description="region_categories.csv")
    areas: TableSpec = Field(default_factory=TableSpec, description="interreg_areas.csv")


class PeriodFile(_Strict):
    """``period.yaml``: what a period's packs share."""

    period: str
    version: str = Field(description="Version of the period's rule packs, e.g. '<period>.1'.")
    status: Literal["adopted", "proposal"] = "adopted"
    description: str = ""
    funds: list[str] | dict[str, str] = Field(
        min_length=1,
        description="The funds of the period: fund id → its pack file without '.yaml' (or a list of pack files,"
        " each pack naming its fund).",
    )
    aliases: dict[str, str] = Field(
        default_factory=dict, description="Other names users may give a fund (upper case), e.g. LEADER: EAFRD."
    )
    tables: TablesSpec = Field(default_factory=TablesSpec)

    @field_validator("funds")
    @classmethod
    def _fund_ids(cls, value: list[str] | dict[str, str]) -> list[str] | dict[str, str]:
        for fund in value if isinstance(value, dict) else ():
            if not FUND_ID.match(fund):
                raise ValueError(f"fund id '{fund}' must be upper case (A-Z, 0-9, +, _, -), e.g. 'ESF+'")
        return value


class CitationSpec(_Strict):
    """A citation in a rule file: the key of an act in ``acts.yaml`` and the article."""

    act: str = Field(min_length=1)
    article: str | None = None
    link: str | None = Field(default=None, description="A link to the article itself, overriding the act's link.")


class PriorSpec(_Strict):
    """How likely a rule is to pass when its inputs are missing, from a stated source.

    A rule's priors are tried in order: the first whose ``when`` holds (or that has none) gives the chance,
    ``by_country`` overriding ``value`` for the applicant's country.
    """

    when: str | None = Field(default=None, max_length=2000, description="When this chance applies.")
    value: float = Field(ge=0, le=1, description="The chance that the rule passes (0–1).")
    by_country: dict[str, float] = Field(
        default_factory=dict, description="The chance per applicant country (ISO 3166-1 alpha-2), where known."
    )
    source: str = Field(min_length=1, max_length=600, description="Where the figure comes from, for the officer.")

    @field_validator("by_country")
    @classmethod
    def _chances(cls, value: dict[str, float]) -> dict[str, float]:
        for country, chance in value.items():
            if not re.match(r"^[A-Z]{2}$", country):
                raise ValueError(f"by_country: '{country}' is not an ISO 3166-1 alpha-2 code")
            if not 0 <= chance <= 1:
                raise ValueError(f"by_country: the chance for {country} must lie between 0 and 1, not {chance}")
        return value


class RuleSpec(_Strict):
    """One rule: a single condition, what it means when it passes or fails, and its legal basis."""

    id: str
    kind: RuleKind
    title: str = Field(min_length=1, max_length=120)
    when: str = Field(min_length=1, max_length=2000, description="rule-engine expression over the facts.")
    pass_: str = Field(alias="pass", min_length=1, max_length=600)
    fail: str = Field(min_length=1, max_length=600)
    unknown: str | None = Field(default=None, max_length=600, description="Text when inputs are missing.")
    citation: CitationSpec
    verified: bool
    weight: float | None = Field(
        default=None,
        ge=-100,
        le=100,
        description="Fit points on the scale all funds share: what a pass adds (negative: evidence against).",
    )
    rationale: str | None = Field(
        default=None, max_length=400, description="Why a pass says the fund fits: its intervention logic, one line."
    )
    prior: list[PriorSpec] = Field(
        default_factory=list, max_length=20, description="How likely the rule is to pass when inputs are missing."
    )
    unknown_effect: Literal["status", "question"] = Field(
        default="status",
        description="'status': a missing input holds the fund at unknown; 'question': it only adds a question.",
    )
    note: str | None = Field(default=None, description="For reviewers: the source and its confidence.")
    undecided_when: str | None = Field(
        default=None,
        max_length=2000,
        description="A second condition, read only when the rule would fail (or pass, see `undecided_on`): if it"
        " holds, the rule is unknown for a reason other than a missing input, and `undecided` says what to ask.",
    )
    undecided: str | None = Field(default=None, max_length=800, description="The question of an undecided outcome.")
    undecided_on: Literal["fail", "pass"] = Field(
        default="fail", description="Which outcome `undecided_when` can turn into unknown."
    )
    to_verify: str | None = Field(
        default=None, max_length=600, description="For an unverified rule: what would verify it (the text to read)."
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"rule id '{str(value)[:80]}' must be snake_case (a-z, 0-9, _)")
        return value

    @model_validator(mode="after")
    def _weight_for_preferences(self) -> RuleSpec:
        if self.kind is RuleKind.PREFERENCE and not self.weight:
            raise ValueError("a preference needs a non-zero weight (its fit points)")
        if self.kind is RuleKind.PREFERENCE and not self.rationale:
            raise ValueError("a preference needs a rationale: why a pass says the fund fits (one line)")
        if self.kind is not RuleKind.PREFERENCE and (self.weight is not None or self.rationale is not None):
            raise ValueError(f"only preferences carry a weight and a rationale; this rule is a {self.kind.value}")
        if (self.undecided_when is None) != (self.undecided is None):
            raise ValueError("undecided_when and undecided go together: the condition and the question it raises")
        return self


class RateSpec(_Strict):
    """One co-financing rate; the first whose condition holds applies."""

    id: str
    label: str = Field(min_length=1)
    when: str | None = Field(default=None, description="Condition; none means 'otherwise'.")
    rate: float = Field(gt=0, le=1)
    rate_max: float | None = Field(default=None, gt=0, le=1, description="Upper end when the rate is a range.")
    note: str = ""
    citation: CitationSpec
    verified: bool

    @model_validator(mode="after")
    def _range(self) -> RateSpec:
        if self.rate_max is not None and self.rate_max < self.rate:
            raise ValueError("rate_max must not be below rate")
        return self


class CoFinancingSpec(_Strict):
    """The co-financing rates of a fund."""

    basis: str = "total eligible cost"
    rates: list[RateSpec] = Field(min_length=1)


class NextStepSpec(_Strict):
    """A next step shown when its condition holds and the fund has one of the given statuses."""

    text: str = Field(min_length=1, max_length=800)
    when: str | None = None
    status: list[Status] = Field(default_factory=lambda: [Status.ELIGIBLE, Status.UNKNOWN])


class RouteSpec(_Strict):
    """A way into a fund (a national call, LEADER through the LAG, a territorial strategy …) and what it needs."""

    id: str = Field(pattern=_ID.pattern)
    name: str = Field(min_length=1, max_length=200, description="Shown to the officer.")
    needs: list[str] = Field(min_length=1, description="What the route needs, one line each (may use {fact}).")
    when: str | None = Field(default=None, description="Condition over the facts; none means always open.")
    requires: list[str] = Field(
        default_factory=list,
        description="Rules of the pack that concern this route only: they decide the route, not the fund, and the"
        " fund is then as good as its best route.",
    )
    ask: str | None = Field(
        default=None,
        max_length=600,
        description="What must be confirmed before the route is open (it stays 'maybe' until then).",
    )
    closed: str | None = Field(
        default=None, max_length=600, description="Why the route is closed when `when` does not hold."
    )
    prior: list[PriorSpec] = Field(
        default_factory=list,
        max_length=20,
        description="How likely the route's own open question (`ask`, or its undecided `when`) is to be answered"
        " yes, as a rule's priors (the first that holds); without one it counts as even odds.",
    )
    citation: CitationSpec
    verified: bool
    note: str = ""
    to_verify: str | None = Field(default=None, max_length=600, description="For an unverified route.")


class WithFundsSpec(_Strict):
    """Funds a cross-fund warning needs: every one of ``all`` and one of ``any`` eligible or unknown."""

    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)


class WarningSpec(_Strict):
    """A warning shown once per report, with the funds it concerns, whatever their status is not ineligible."""

    id: str = Field(pattern=_ID.pattern)
    funds: list[str] = Field(min_length=1)
    when: str | None = None
    with_funds: WithFundsSpec | None = None
    text: str = Field(min_length=1, max_length=800)
    citation: CitationSpec
    verified: bool
    note: str = ""


class PackFile(_Strict):
    """One fund's rule pack for one period."""

    fund: str = Field(pattern=FUND_ID.pattern, description="The fund's id, as period.yaml declares it.")
    name: str = Field(min_length=1)
    period: str
    management: Literal["shared", "direct", "shared_and_direct"]
    summary: str = ""
    legal_basis: list[CitationSpec] = Field(min_length=1)
    co_financing: CoFinancingSpec
    rules: list[RuleSpec] = Field(min_length=1)
    routes: list[RouteSpec] = Field(default_factory=list, description="The ways into the fund.")
    next_steps: list[NextStepSpec] = Field(default_factory=list)


class CommonRuleSpec(RuleSpec):
    """A rule of law several funds share, written once in ``common.yaml``: the funds it applies to."""

    funds: list[str] = Field(min_length=1, description="The ids of the funds the rule applies to.")


class CommonFile(_Strict):
    """``common.yaml``: the rules several funds of a period share (e.g. the CPR's), each naming its funds."""

    period: str
    rules: list[CommonRuleSpec] = Field(default_factory=list)
    warnings: list[WarningSpec] = Field(default_factory=list, description="Report warnings, each shown once.")
