"""A fund's rules compiled: plain data made by the loader and read by the evaluator.

They live apart from the evaluator so that reading YAML does not import evaluation. A fund knows which of
its rules, routes and rates read a municipality's facts (the rest follow from the idea alone, and an idea's
plan decides them once, `fundmatch._engine.plan`; the plan keeps the decisions, by the municipality's facts).
A fund carries the memos of explained results, keyed by the values of the facts they depend on: its explained
result by every fact its conditions read and its texts show, and per rule the hits. Conditions remember
nothing: their closures cost about what a memo's key costs. One `forget` drops them all.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fundmatch._closures import ir_of, members_named
from fundmatch._evidence import Citation
from fundmatch._expressions import Condition, Thresholds, check_template, key_getter, render
from fundmatch._facts import IDEA_FACTS
from fundmatch._ids import RuleKind
from fundmatch._schema import NextStepSpec, PriorSpec, RateSpec, RouteSpec, RuleSpec, WarningSpec

if TYPE_CHECKING:  # pragma: no cover
    # Only the memo dicts hold these; the report module sits above, on the evaluator's side.
    from fundmatch._report import FundMatch, Route, RuleHit


#: What an explanation adds when its rule's legal basis could not be checked against the act.
_UNVERIFIED = " (Legal basis not verified against the act's text: check with your managing authority.)"


@dataclass(frozen=True, slots=True)
class CompiledPrior:
    """A rule's chance of passing when its inputs are missing, with its case compiled."""

    spec: PriorSpec
    condition: Condition | None
    # The line of its case (`when`), where known: a case that fails on a municipality's facts is reported there.
    line: int | None = None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its condition compiled and its citation resolved."""

    spec: RuleSpec
    condition: Condition
    citation: Citation
    line: int
    # The file the rule is written in: the fund's pack, or common.yaml for law several funds share.
    path: Path | None = None
    # `undecided_when` compiled: a known case the law leaves to the managing authority (e.g. a 2030 end date).
    undecided: Condition | None = None
    priors: tuple[CompiledPrior, ...] = ()
    # A hit is a pure function of the outcome, the facts missed and the facts its texts show: reports of a
    # batch share one (immutable) hit instead of rendering and validating it again for every municipality.
    _hits: dict[tuple[Any, ...], RuleHit] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    # Where the text of a pass (or of a fail) shows no fact, its hit: the same for every case, made when the
    # pack is loaded (`fundmatch._engine.prepare`), so even a first match renders none of them.
    fixed: dict[Any, RuleHit] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _shown: tuple[str, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    # The values of those facts, as a tuple (part of a hit's key).
    _show: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)
    # Its texts that show no fact, as every hit says them (with the caveat of an unverified basis).
    _said: dict[str, str] = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)
    # The fields of its hits that are the same for every case, in `RuleHit`'s order, by the route the rule
    # decides (`fundmatch._engine.prepare`): a hit is a copy with the case's outcome, text and inputs set.
    _blank: dict[str | None, dict[str, Any]] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # Where its unknown text shows no fact and its chance is one of its priors' figures, the hit of an unknown
    # outcome is a function of the chance and the inputs missed: made when the pack is loaded, by (route,
    # chance, inputs) (`fundmatch._engine.prepare`).
    _unknown: dict[tuple[Any, ...], RuleHit] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    # For the set facts its pass text shows, the members its condition names: a pass shows those the case has
    # ("themes such as social inclusion", not every theme of the idea, infrastructure included).
    _named: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        texts = (self.spec.pass_, self.spec.fail, self.spec.unknown, self.spec.undecided)
        shown = {name for text in texts if text for name in check_template(text)}
        object.__setattr__(self, "_shown", tuple(sorted(shown)))
        if self.spec.pass_:
            in_pass = set(check_template(self.spec.pass_))
            named = members_named(ir_of(self.condition.closure)) if self.condition.closure is not None else {}
            self._named.update({name: values for name, values in named.items() if name in in_pass})
        object.__setattr__(self, "_show", key_getter(self._shown, {}))
        caveat = "" if self.spec.verified else _UNVERIFIED
        for text in texts:
            if text and not check_template(text):
                self._said[text] = render(text, {}) + caveat


@dataclass(frozen=True, slots=True)
class CompiledRate:
    """A co-financing rate with its condition compiled."""

    spec: RateSpec
    condition: Condition | None
    citation: Citation
    # Made when the pack is loaded (`fundmatch._engine.prepare`): per caveat of the region table, the flag
    # to read where the condition reads the table's value (None where it does not; empty: none does), and,
    # where the note shows no fact, the co-financing's fields but the amounts, by the flags that hold.
    flagged: tuple[str | None, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    blanks: dict[tuple[bool, ...], dict[str, Any]] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )


@dataclass(frozen=True, slots=True)
class CompiledStep:
    """A next step with its condition compiled."""

    spec: NextStepSpec
    condition: Condition | None


@dataclass(frozen=True, slots=True)
class CompiledRoute:
    """A way into a fund with its condition compiled and its citation resolved."""

    spec: RouteSpec
    condition: Condition | None
    citation: Citation
    # How likely its own open question is to be answered yes (`RouteSpec.prior`); none: even odds.
    priors: tuple[CompiledPrior, ...] = ()
    # Where its texts show no fact, the route as a report shows it in each state that waits on no rule: the
    # same for every case, made when the pack is loaded (`fundmatch._engine.prepare`).
    fixed: dict[Any, Route] = dataclasses.field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class CompiledWarning:
    """A report warning of ``common.yaml`` with its condition compiled."""

    spec: WarningSpec
    condition: Condition | None
    citation: Citation


#: Facts the evaluator reads itself, besides the conditions and texts: a missing end is asked as the start when
#: a duration is given, a chance may be per country, the money is budget × rate, and a rate read from a doubtful
#: row of the region table says so.
_ALWAYS_READ = (
    "budget_eur",
    "country",
    "duration_months",
    "start_date",
    "region_category_doubtful",
    "region_category_2014_2020_inferred",
)


def _thresholds(names: set[str], conditions: list[Condition]) -> dict[str, Thresholds]:
    """The facts among ``names`` that every condition reading them only compares with constants."""
    thresholds: dict[str, Thresholds] = {}
    for name in names - {"budget_eur"}:
        readers = [c for c in conditions if name in c.reads]
        if readers and all(name in c.thresholds for c in readers):
            thresholds[name] = functools.reduce(operator.or_, (c.thresholds[name] for c in readers))
    return thresholds


@dataclass(frozen=True, slots=True)
class CompiledFund:
    """One fund's pack, ready to evaluate."""

    fund: str
    name: str
    management: str
    summary: str
    path: Path
    legal_basis: tuple[Citation, ...]
    rules: tuple[CompiledRule, ...]
    rates: tuple[CompiledRate, ...]
    basis: str
    next_steps: tuple[CompiledStep, ...]
    routes: tuple[CompiledRoute, ...] = ()
    # A fund's decisions for one idea (outcomes, chances, status, routes' states, money: its summary) are a pure
    # function of the municipality's facts its rules and rates read: in a batch most municipalities share those
    # values, so the idea's plan remembers them by them (numbers only compared with constants by the interval
    # they fall in; `fundmatch._engine.share_row_key` makes one key for all the funds of a pack).
    row_reads: tuple[str, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    row_limits: dict[str, Thresholds] = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)
    _row_key: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)
    # A fund's explained result is a pure function of every fact its conditions read and its texts show: reports
    # of a batch share one (immutable) result per combination instead of evaluating, rendering and holding it
    # again for every municipality. A number shown in a text is keyed by its value, not its interval.
    _matches: dict[tuple[Any, ...], FundMatch] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _match_key: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)
    # The same results by a coarser key, and the rules whose hits are explained again (see `__post_init__`).
    _skeletons: dict[tuple[Any, ...], FundMatch] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    _skeleton_key: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)
    reshown: tuple[int, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    reroute: bool = dataclasses.field(default=False, init=False, repr=False, compare=False)
    #: The ids of the rules that decide one route, not the fund (a route's ``requires``).
    route_rules: frozenset[str] = dataclasses.field(default=frozenset(), init=False, repr=False, compare=False)
    routes_of: tuple[str | None, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    #: The positions of the rules that decide the fund's status: requirements and exclusions of no route.
    deciding: tuple[int, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    #: The positions of the rules whose outcome reads a municipality's facts (the others follow from the idea
    #: alone and are decided once per batch, `fundmatch._engine.plan`), and of those whose chance of passing
    #: while unknown does (a prior's case or its figure per country).
    row_rules: tuple[int, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    row_chances: frozenset[int] = dataclasses.field(default=frozenset(), init=False, repr=False, compare=False)
    #: The same positions among the rules that decide the status (`deciding`), and among all but preferences.
    row_deciding: tuple[int, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    row_required: tuple[int, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    #: The positions of the preferences (their points add up in this order), and of each route's rules.
    preferences: tuple[int, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    requires: tuple[tuple[int, ...], ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    #: The positions of the routes and rates whose condition reads a municipality's facts (a route also when
    #: a rule it requires does), and of the rates whose note shows none (the same note for every municipality).
    row_routes: frozenset[int] = dataclasses.field(default=frozenset(), init=False, repr=False, compare=False)
    row_rates: frozenset[int] = dataclasses.field(default=frozenset(), init=False, repr=False, compare=False)
    quiet_rates: frozenset[int] = dataclasses.field(default=frozenset(), init=False, repr=False, compare=False)
    #: Whether what a plan leaves to each municipality reads the fact ``fund`` (else the facts are not copied
    #: to set it, `fundmatch._engine._decided`).
    row_reads_fund: bool = dataclasses.field(default=True, init=False, repr=False, compare=False)
    #: Every rule as the engine evaluates it whole, and a place for each one's outcome (`fundmatch._engine.prepare`).
    steps: tuple[Any, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)
    unset: tuple[Any, ...] = dataclasses.field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        conditions = [r.condition for r in self.rules]
        conditions += [r.undecided for r in self.rules if r.undecided is not None]
        conditions += [r.condition for r in self.rates if r.condition is not None]
        conditions += [p.condition for r in self.rules for p in r.priors if p.condition is not None]
        conditions += [r.condition for r in self.routes if r.condition is not None]
        conditions += [p.condition for r in self.routes for p in r.priors if p.condition is not None]
        names = {n for c in conditions for n in c.reads}
        # A chance given per country reads the applicant's country.
        priors = [p for r in self.rules for p in r.priors] + [p for r in self.routes for p in r.priors]
        if any(p.spec.by_country for p in priors):
            names.add("country")
        # The amount of money is budget × rate: the budget itself is part of the summary; the rate's note is too
        # (what it shows, and the caveat of a doubtful row of the region table).
        names.add("budget_eur")
        note_shown = {n for r in self.rates if r.spec.note for n in check_template(r.spec.note)}
        names.update(note_shown)
        names.update(("region_category_doubtful", "region_category_2014_2020_inferred"))
        if "planned_end" in names:
            # A missing end is asked as the start when a duration is given (`fundmatch._facts.needed`).
            names.update(("duration_months", "start_date"))
        row_reads = tuple(sorted(names - IDEA_FACTS - {"fund"}))
        # A kept decision carries its rate's note already written: a number the note shows is keyed by its
        # value, not by the interval it falls in, or the next municipality would read the first one's number.
        row_limits = {n: t for n, t in _thresholds(names - note_shown, conditions).items() if n in row_reads}
        object.__setattr__(self, "row_reads", row_reads)
        object.__setattr__(self, "row_limits", row_limits)
        object.__setattr__(self, "_row_key", key_getter(row_reads, row_limits))
        # The explained result reads more: the next steps' conditions, every text's placeholders, the table
        # caveats of the rates, and what `needed` reads to word a missing end.
        steps = [s.condition for s in self.next_steps if s.condition is not None]
        shown = {n for r in self.rules for n in r._shown}
        texts = [t for r in self.routes for t in (*r.spec.needs, r.spec.closed, r.spec.ask)]
        texts += [s.spec.text for s in self.next_steps] + [r.spec.note for r in self.rates]
        shown.update(n for text in texts if text for n in check_template(text))
        everything = names | {n for c in steps for n in c.reads} | shown | set(_ALWAYS_READ)
        thresholds = _thresholds(everything - shown, conditions + steps)
        object.__setattr__(self, "_match_key", key_getter(tuple(sorted(everything)), thresholds))
        route_rules = frozenset(rule_id for route in self.routes for rule_id in route.spec.requires)
        object.__setattr__(self, "route_rules", route_rules)
        # The route each rule decides (None: the fund), in the order of the rules: the first route requiring it.
        routes_of = tuple(
            next((r.spec.id for r in self.routes if rule.spec.id in r.spec.requires), None)
            if rule.spec.id in route_rules
            else None
            for rule in self.rules
        )
        object.__setattr__(self, "routes_of", routes_of)
        deciding = tuple(
            i
            for i, rule in enumerate(self.rules)
            if rule.spec.kind is not RuleKind.PREFERENCE and rule.spec.id not in route_rules
        )
        object.__setattr__(self, "deciding", deciding)
        # What one idea decides: its own facts, and the fund evaluated.
        idea = IDEA_FACTS | {"fund"}
        row_rules = tuple(
            i
            for i, rule in enumerate(self.rules)
            if not idea.issuperset(rule.condition.reads)
            or (rule.undecided is not None and not idea.issuperset(rule.undecided.reads))
        )
        object.__setattr__(self, "row_rules", row_rules)
        row_chances = frozenset(
            i
            for i, rule in enumerate(self.rules)
            if any(p.spec.by_country or (p.condition and not idea.issuperset(p.condition.reads)) for p in rule.priors)
        )
        object.__setattr__(self, "row_chances", row_chances)
        object.__setattr__(self, "row_deciding", tuple(i for i in row_rules if i in deciding))
        preferences = tuple(i for i, rule in enumerate(self.rules) if rule.spec.kind is RuleKind.PREFERENCE)
        object.__setattr__(self, "preferences", preferences)
        object.__setattr__(self, "row_required", tuple(i for i in row_rules if i not in preferences))
        position = {rule.spec.id: i for i, rule in enumerate(self.rules)}
        requires = tuple(tuple(position[rule_id] for rule_id in r.spec.requires) for r in self.routes)
        object.__setattr__(self, "requires", requires)

        def of_row(condition: Condition | None) -> bool:
            return condition is not None and not idea.issuperset(condition.reads)

        row_routes = frozenset(
            k
            for k, (route, positions) in enumerate(zip(self.routes, requires, strict=True))
            if of_row(route.condition) or set(positions) & set(row_rules)
        )
        object.__setattr__(self, "row_routes", row_routes)
        object.__setattr__(self, "row_rates", frozenset(k for k, r in enumerate(self.rates) if of_row(r.condition)))
        quiet = frozenset(
            k for k, r in enumerate(self.rates) if not r.spec.note or idea.issuperset(check_template(r.spec.note))
        )
        object.__setattr__(self, "quiet_rates", quiet)
        left: list[Condition | None] = [self.rules[i].condition for i in row_rules]
        left += [self.rules[i].undecided for i in row_rules]
        left += [p.condition for r in self.rules for p in r.priors]
        left += [r.condition for r in self.routes] + [r.condition for r in self.rates]
        left += [p.condition for r in self.routes for p in r.priors]
        notes = {n for r in self.rates if r.spec.note for n in check_template(r.spec.note)}
        reads_fund = "fund" in notes or any(c is not None and "fund" in c.reads for c in left)
        object.__setattr__(self, "row_reads_fund", reads_fund)
        # A number only the rules' and routes' texts show (a population in "A rural place of 900 inhabitants")
        # makes nearly every case's result new; everything else about it follows from the interval the number
        # falls in. Results are also kept by that coarser key, and a case differing only in such numbers
        # re-explains only the hits (and routes) that show them.
        read = {n for c in conditions + steps for n in c.reads} | names | set(_ALWAYS_READ)
        route_texts = [t for r in self.routes for t in (*r.spec.needs, r.spec.closed, r.spec.ask) if t]
        other_texts = [s.spec.text for s in self.next_steps] + [r.spec.note for r in self.rates if r.spec.note]
        in_routes = {n for t in route_texts for n in check_template(t)}
        only_these = ({n for r in self.rules for n in r._shown} | in_routes) - {
            n for t in other_texts for n in check_template(t)
        }
        coarse = _thresholds(everything - (shown - only_these), conditions + steps)
        unread = only_these - read
        coarsened = (only_these & set(coarse)) | unread
        reshown = tuple(i for i, r in enumerate(self.rules) if coarsened & set(r._shown))
        reroute = bool(coarsened & in_routes) or any(self.routes_of[i] is not None for i in reshown)
        skeleton = key_getter(tuple(sorted(everything - unread)), coarse) if reshown or reroute else None
        object.__setattr__(self, "_skeleton_key", skeleton)
        object.__setattr__(self, "reroute", reroute)
        object.__setattr__(self, "reshown", reshown)

    def forget(self) -> None:
        """Drop every remembered hit and result of this fund (cold starts and memo tests; decisions are kept
        by the plan of the idea they were made for, which goes with it)."""
        self._matches.clear()
        self._skeletons.clear()
        for rule in self.rules:
            rule._hits.clear()
