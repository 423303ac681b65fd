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
    weight: float | None = Field(default=None, gt=0, le=100)
    unknown_effect: Literal["status", "question"] = Field(
        default="status",
        description="'status': a missing input holds the fund at unknown; 'question': it only adds a question.",
    )
    note: str | None = Field(default=None, description="For reviewers: the source and its confidence.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"rule id '{str(value)[:80]}' must be snake_case (a-z, 0-9, _)")
        return value

    @model_validator(mode="after")
    def _weight_for_preferences(self) -> RuleSpec:
        if self.kind is RuleKind.PREFERENCE and self.weight is None:
            raise ValueError("a preference needs a weight (its part of the fit score)")
        if self.kind is not RuleKind.PREFERENCE and self.weight is not None:
            raise ValueError(f"only preferences carry a weight; this rule is a {self.kind.value}")
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
    next_steps: list[NextStepSpec] = Field(default_factory=list)


class CommonRuleSpec(RuleSpec):
    """A rule of law several funds share, written once in ``common.yaml``: the funds it applies to."""

    funds: list[str] = Field(min_length=1, description="The ids of the funds the rule applies to.")


class CommonFile(_Strict):
    """``common.yaml``: the rules several funds of a period share (e.g. the CPR's), each naming its funds."""

    period: str
    rules: list[CommonRuleSpec] = Field(default_factory=list)
