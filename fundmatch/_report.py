"""The outputs: a match report, one fund's result in it, and each rule hit behind that result.

Every result carries the hits that produced it, so an officer (or an auditor) can follow each step back to
the article of law it rests on.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from pydantic import Field

from fundmatch._evidence import Citation, DerivedValue, InferredTerm, _get_dict, _Output, _set_dict
from fundmatch._ids import FundId, Outcome, RouteStatus, RuleKind, Status
from fundmatch._inputs import Municipality, ProjectIdea

#: Version of the report's JSON layout; bumped on any incompatible change.
SCHEMA_VERSION = "1.0"


class Unwritten(functools.partial[Any]):
    """A text not written yet: the function and the values that write it, called when it is first read.

    A first match makes some 70 hits whose explanations show a case's facts, and most are never read (a
    program reads the statuses and the best fund; a batch keeps one hit for many reports): each is written
    when read, serialised, compared or copied, and then kept, so every way of reading it gives the same text.
    A fund's reason, which quotes one of its hits, is written the same way; so are a single match's comparison
    and its merged questions, made of the results the report holds.
    """

    __slots__ = ()


class _Written:
    """A field the engine may leave `Unwritten`, written on first read (see `_WrittenOnRead`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, model: _Output | None, owner: type | None = None) -> Any:
        if model is None:
            return self
        values = _get_dict(model)
        try:
            value = values[self.name]
        except KeyError:  # `model_construct` without the field: what pydantic says of a missing attribute
            raise AttributeError(f"{type(model).__name__!r} object has no attribute {self.name!r}") from None
        if type(value) is Unwritten:
            value = values[self.name] = value()
        return value

    def __set__(self, model: _Output, value: Any) -> None:
        # Outputs are frozen: pydantic refuses the assignment before it gets here.
        raise AttributeError(f"{type(model).__name__} is frozen")


class _WrittenOnRead(_Output):
    """An output with text fields (``_unwritten``) the engine may leave `Unwritten` until they are read."""

    _unwritten: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # Set on the class after pydantic made it, so that the fields stay plain `str` fields (schema, validation).
        for name in cls._unwritten:
            setattr(cls, name, _Written(name))

    # The instance's fields as pydantic reads them to serialise, compare, copy and pickle: every text written
    # (one field read on its own goes through `_Written`).
    @property
    def __dict__(self) -> dict[str, Any]:
        values: dict[str, Any] = _get_dict(self)
        for name in self._unwritten:
            if type(values[name]) is Unwritten:
                values[name] = values[name]()
        return values

    @__dict__.setter
    def __dict__(self, values: dict[str, Any]) -> None:
        _set_dict(self, values)


class RuleHit(_WrittenOnRead):
    """One rule applied to one profile and idea."""

    _unwritten = ("explanation",)

    rule_id: str
    title: str = Field(description="What the rule checks, in a few words.")
    kind: RuleKind
    outcome: Outcome
    explanation: str = Field(description="One sentence an officer understands.")
    citation: Citation
    verified: bool = Field(description="False when the legal basis could not be checked against the text of the act.")
    weight: float = Field(
        default=0.0, description="Fit points a pass adds, on the scale all funds share (preferences only)."
    )
    missing: list[str] = Field(default_factory=list, description="Inputs the rule needed that were not given.")
    affects_status: bool = Field(
        default=True, description="False when an unknown outcome only raises a question and does not hold the status."
    )
    likelihood: float | None = Field(
        default=None, ge=0, le=1, description="For an unknown outcome: how likely the rule is to pass (0–1)."
    )
    likelihood_source: str | None = Field(default=None, description="Where that likelihood comes from.")
    route: str | None = Field(
        default=None, description="The route this rule decides (not the fund by itself), e.g. 'leader'."
    )


class Route(_Output):
    """One way into a fund (a national call, LEADER through the LAG, a territorial strategy …) for this case."""

    id: str
    name: str
    status: RouteStatus = Field(description="'open', 'maybe' (not decided yet) or 'closed' for this case.")
    needs: list[str] = Field(description="What the route needs, one line each.")
    missing: list[str] = Field(
        default_factory=list, description="Why it is closed, or what must still be found out before it is open."
    )
    citation: Citation
    verified: bool = True
    likelihood: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="For a 'maybe' route with an open question of its own: how likely it is answered yes (0–1).",
    )
    likelihood_source: str | None = Field(default=None, description="Where that likelihood comes from.")


class ReportQuestion(_Output):
    """An open question of the report, asked once, with the funds whose answers depend on it."""

    field: str
    question: str
    funds: list[FundId]
    rule_ids: list[str]


class ReportWarning(_Output):
    """A caution shown once per report (double funding, VAT, State aid …), with the funds it concerns."""

    id: str
    text: str
    funds: list[FundId]
    citation: Citation
    verified: bool = True


class MissingInfo(_Output):
    """Something the officer still has to find out, and which rules wait for it."""

    field: str
    question: str
    rule_ids: list[str]


class CoFinancing(_Output):
    """The maximum EU co-financing rate that applies and the EU amount it gives on the budget."""

    rate: float | None = Field(description="Maximum EU share of eligible cost (0–1); None when it cannot be decided.")
    rate_max: float | None = Field(
        default=None, description="Upper end when the rate is a range the inputs cannot narrow (e.g. 60–70 %)."
    )
    amount_eur: float | None = Field(default=None, description="Estimated EU contribution at `rate` on the budget.")
    amount_max_eur: float | None = Field(default=None, description="Estimated EU contribution at `rate_max`.")
    tier: str | None = Field(default=None, description="Which rate of the pack applies.")
    basis: str = Field(default="total eligible cost")
    note: str = Field(default="", description="Why this rate, and what would change it.")
    citation: Citation | None = None
    verified: bool = True

    def describe(self) -> str:
        """A short phrase such as 'up to 60–70 % (EUR 120,000–140,000)'."""
        if self.rate is None:
            return "rate unknown"
        rate = f"{self.rate:.0%}" if self.rate_max in (None, self.rate) else f"{self.rate:.0%}–{self.rate_max:.0%}"
        text = f"up to {rate}"
        if self.amount_eur is not None:
            amount = f"EUR {self.amount_eur:,.0f}"
            if self.amount_max_eur is not None and self.amount_max_eur != self.amount_eur:
                amount += f"–{self.amount_max_eur:,.0f}"
            text += f" ({amount})"
        return text


class FundMatch(_WrittenOnRead):
    """How one fund stands for the idea: status, fit, the rule hits behind it, money and next steps."""

    _unwritten = ("reason",)

    fund: FundId
    name: str = Field(description="Full name of the fund.")
    status: Status
    score: float = Field(
        ge=0, le=100, description="Fit, 0–100, on one scale for all funds: the fit points of the preferences that pass."
    )
    likelihood: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="How likely the open requirements are to pass: 1 when eligible, 0 when ineligible.",
    )
    reason: str = Field(description="The one-line reason for the status.")
    hits: list[RuleHit]
    missing: list[MissingInfo]
    co_financing: CoFinancing
    next_steps: list[str]
    routes: list[Route] = Field(default_factory=list, description="The ways into this fund, each with its status.")

    def __repr__(self) -> str:
        # One line for a REPL or a log, as the report's; the data is `model_dump()`.
        fit = "" if self.status is Status.INELIGIBLE else f", fit {self.score:.0f}"
        return (
            f"<FundMatch {self.fund}: {self.status.value}{fit}, {self.co_financing.describe()}; "
            f"{len(self.hits)} rules, {len(self.missing)} open questions>"
        )

    def failed(self) -> list[RuleHit]:
        """The requirements and exclusions that made the fund ineligible."""
        return [h for h in self.hits if h.outcome is Outcome.FAIL and h.kind is not RuleKind.PREFERENCE]


class FundSummary(_Output):
    """A fund's result without the explained trace: what a large batch keeps per municipality."""

    fund: FundId
    status: Status
    score: float
    likelihood: float = 1.0
    rate: float | None
    rate_max: float | None = None
    amount_eur: float | None = None
    failed: list[str] = Field(default_factory=list, description="Requirements and exclusions that failed.")
    missing: list[str] = Field(default_factory=list, description="Inputs that would decide more rules.")


class MatchSummary(_Output):
    """The ranking of one municipality in summary form (``match_many(..., detail="summary")``)."""

    municipality: str
    country: str
    nuts: str | None = None
    ranking: list[FundSummary]

    def __getitem__(self, fund: str) -> FundSummary:
        """The summary for one fund, by id."""
        for item in self.ranking:
            if item.fund == fund:
                return item
        raise KeyError(fund)

    def to_rows(self) -> list[dict[str, Any]]:
        """One plain dict per fund, in ranking order: for CSV files, DataFrames, Dask bags or Spark."""
        from fundmatch._frames import summary_rows

        return summary_rows(self)


class MatchReport(_WrittenOnRead):
    """Funds ranked for one municipality and one idea: by fit × likelihood, every ineligible fund last."""

    # The comparison quotes the first two funds' reasons and hits, the questions merge every fund's: a single
    # match whose parts nobody keeps leaves both to be made when read (most programs read statuses and the best
    # fund), and the texts they quote are not written for them either.
    _unwritten = ("comparison", "questions")

    schema_version: str = SCHEMA_VERSION
    period: str
    pack_version: str
    municipality: Municipality
    idea: ProjectIdea = Field(description="The idea as evaluated, with inferred themes, target groups and activities.")
    inferred: list[InferredTerm] = Field(default_factory=list)
    derived: list[DerivedValue] = Field(default_factory=list)
    ranking: list[FundMatch]
    comparison: str | None = Field(
        default=None, description="Why the first fund ranks ahead of the second, in one sentence."
    )
    questions: list[ReportQuestion] = Field(
        default_factory=list,
        description="The open questions of the funds not ruled out, each once, with the funds it concerns.",
    )
    warnings: list[ReportWarning] = Field(default_factory=list, description="Cautions, each shown once.")
    notes: list[str] = Field(
        default_factory=list,
        description="What the officer should know about how the inputs were read (e.g. nothing recognised).",
    )

    @property
    def best(self) -> FundMatch | None:
        """The top-ranked fund unless even that one is ineligible."""
        if self.ranking and self.ranking[0].status is not Status.INELIGIBLE:
            return self.ranking[0]
        return None

    def __getitem__(self, fund: str) -> FundMatch:
        """The result for one fund, by id (``report["AMIF"]``)."""
        for item in self.ranking:
            if item.fund == fund:
                return item
        raise KeyError(fund)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready Python data."""
        return self.model_dump(mode="json")

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per fund (needs ``pip install 'fundmatch[pandas]'``)."""
        from fundmatch._frames import frame

        return frame([self])

    def __str__(self) -> str:
        from fundmatch._text import render_text

        return render_text(self)

    def __repr__(self) -> str:
        # One line for a REPL or a log; the whole report is `str(report)`, its data `model_dump()`.
        funds = ", ".join(f"{r.fund} {r.status.value}" for r in self.ranking)
        title = self.idea.title if len(self.idea.title) <= 40 else self.idea.title[:39] + "…"
        return (
            f"<MatchReport {self.period}: {self.municipality.name} ({self.municipality.country}), {title!r}: {funds}>"
        )

    def _repr_html_(self) -> str:
        from fundmatch._html import render_html

        return render_html(self)

    def to_html(self) -> str:
        """The report as a complete HTML page to save, send or print (doctype, title, print styles)."""
        from fundmatch._html import render_document

        return render_document(self)


class MatchReports(list[MatchReport]):
    """The reports of `RulePack.match_many`: a plain list, plus `to_frame`."""

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per municipality × fund (needs ``fundmatch[pandas]``)."""
        from fundmatch._frames import frame

        return frame(self)


class MatchSummaries(list[MatchSummary]):
    """The summaries of `RulePack.match_many` with ``detail="summary"``: a plain list, plus `to_frame`."""

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per municipality × fund (needs ``fundmatch[pandas]``)."""
        from fundmatch._frames import summary_frame

        return summary_frame(self)
