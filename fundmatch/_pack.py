"""A loaded rule pack: every fund of one period, compiled once and reused for every match."""

from __future__ import annotations

import contextlib
import reprlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import BaseModel, ValidationError

from fundmatch import _engine
from fundmatch._amounts import amount_of, euro_amount
from fundmatch._batch import ProgressCallback, as_profiles, with_progress
from fundmatch._compiled import CompiledFund, CompiledWarning
from fundmatch._country_names import language_name
from fundmatch._engine import fund_id, shared_result, summary_program
from fundmatch._errors import ProfileError, RulePackError
from fundmatch._evidence import DerivedValue, InferredTerm, ReadOnlyList
from fundmatch._expressions import ExpressionProblem, check_template, key_getter, render
from fundmatch._facts import Facts, IdeaFacts
from fundmatch._ids import Status
from fundmatch._input_errors import validate, with_suggestions
from fundmatch._inputs import Municipality, ProjectIdea, with_provenance
from fundmatch._interreg_areas import InterregAreas
from fundmatch._loader import load_folder
from fundmatch._named_partners import named_partners
from fundmatch._places import Place, profile_from_place
from fundmatch._ranking import compare, rank_key
from fundmatch._report import (
    SCHEMA_VERSION,
    FundMatch,
    FundSummary,
    MatchReport,
    MatchReports,
    MatchSummaries,
    MatchSummary,
    ReportQuestion,
    ReportWarning,
    Unwritten,
)
from fundmatch._resources import period_folder

if TYPE_CHECKING:  # pragma: no cover
    from fundmatch._vocabulary import Vocabulary

_INFERRED_FIELDS = ("themes", "target_groups", "activities")
#: Comparisons, question sets and warnings remembered per pack (see `RulePack._merged`).
_RANKINGS_LIMIT = 65_536
#: Ideas whose plans (and the decisions they keep) a pack keeps between calls: a few, for the same idea matched
#: one municipality at a time (a web form, a notebook) or in several batches.
_IDEAS_LIMIT = _engine._KEPT_IDEAS


_M = TypeVar("_M", bound=BaseModel)


def _as_model(value: Any, model: type[_M], what: str) -> _M:
    if isinstance(value, model):
        return value
    if type(value) is dict:  # the commonest: validated as it is (validation never changes its input)
        return validate(model, value)  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        return validate(model, dict(value))  # type: ignore[no-any-return]
    if model is ProjectIdea and isinstance(value, str):
        # An officer's idea is a sentence: it is the description, and its first sentence the title.
        if not value.strip():
            raise ProfileError("the idea is empty: write a sentence or two about the project")
        return ProjectIdea.from_text(value)  # type: ignore[return-value]
    also = " or a sentence" if model is ProjectIdea else ""
    raise ProfileError(f"{what} must be a {model.__name__}, a mapping of its fields{also}, not {type(value).__name__}")


#: Summarises one municipality of a batch (`RulePack._summariser`).
_Summarise = Callable[[Municipality], MatchSummary]


_VALIDATE_MUNICIPALITY = Municipality.__pydantic_validator__.validate_python


def _as_profile(value: Any) -> Municipality:
    """`_as_model` for a municipality: a plain dict (a batch's row, a form) is validated as it is, not copied."""
    if type(value) is dict:
        try:
            # `Municipality.model_validate` with no option given, without its Python wrapper.
            return _VALIDATE_MUNICIPALITY(value)  # type: ignore[no-any-return]
        except ValidationError as exc:
            raise with_suggestions(exc, Municipality) from None
    return _as_model(value, Municipality, "profile")


class RulePack:
    """Every fund pack of one period, compiled and ready to match.

    Get one with `fundmatch.load_rules`; keep it and call `match` as often as needed.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        loaded = load_folder(self.folder)
        meta = loaded.meta
        self.period: str = meta.period
        self.version: str = meta.version
        self.status: str = meta.status
        self._funds: dict[str, CompiledFund] = loaded.funds
        self._row_reads, self._row_limits = _engine.share_row_key(self._funds.values())
        for fund in self._funds.values():
            _engine.prepare(fund)
        self._aliases = {alias.upper(): fund for alias, fund in meta.aliases.items()}
        self._regions = loaded.regions
        self._areas = loaded.areas
        self._vocabulary_file = loaded.vocabulary
        self._vocabulary: Vocabulary | None = None
        self._warnings = loaded.warnings
        self._order = {name: i for i, name in enumerate(loaded.funds)}
        # The warnings are a pure function of the funds still alive and of the facts their conditions read and
        # their texts show: equal cases of a batch share them.
        read = {n for w in self._warnings if w.condition is not None for n in w.condition.reads}
        read.update(n for w in self._warnings for n in check_template(w.spec.text))
        self._warnings_key = key_getter(tuple(sorted(read)), {})
        self._shown_warnings: dict[tuple[Any, ...], tuple[ReportWarning, ...]] = {}
        self._comparisons: dict[tuple[int, int], tuple[FundMatch, FundMatch, str]] = {}
        self._questions: dict[tuple[Any, ...], tuple[ReportQuestion, ...]] = {}
        self._plans: OrderedDict[tuple[Any, ...], dict[Any, Any]] = OrderedDict()

    @property
    def funds(self) -> list[str]:
        """The fund ids this pack covers, in pack order."""
        return list(self._funds)

    def _select(self, funds: Sequence[str] | None) -> list[CompiledFund]:
        if funds is None:
            return list(self._funds.values())
        if isinstance(funds, str):
            funds = [funds]
        if not isinstance(funds, Iterable) or isinstance(funds, Mapping):
            raise ProfileError(f"funds must be a list of fund ids (or one id), not {type(funds).__name__}")
        chosen = []
        for name in funds:
            key = str(name).upper()
            key = self._aliases.get(key, key)
            if key not in self._funds:
                shown = str(name) if len(str(name)) <= 60 else str(name)[:60] + "…"
                raise ProfileError(f"unknown fund '{shown}'; this pack has {', '.join(self._funds)}")
            chosen.append(self._funds[key])
        return chosen

    def infer(self, idea: ProjectIdea | Mapping[str, Any] | str) -> tuple[ProjectIdea, list[InferredTerm]]:
        """The idea with empty themes, target groups and activities read from its text, and the evidence.

        Partners' countries the text names are in the evidence too (field ``partners``) when the idea names no
        partners; they join the idea in `match`, once the applicant's own country is known and left out. An
        amount in euro the text names is the budget where the idea gives none (field ``budget_eur``).
        """
        model = _as_model(idea, ProjectIdea, "idea")
        # The title is a sentence of its own: no term spans it and the description's first words, and a
        # negation opening the description opens its clause.
        title = model.title.rstrip()
        text = f"{title}{'' if title.endswith(('.', '!', '?', ':', ';')) else '.'}\n{model.description}"
        empty = [f for f in _INFERRED_FIELDS if not getattr(model, f)]
        found: list[InferredTerm] = []
        vocabulary = _vocabulary(self) if empty else None
        if vocabulary is not None:
            found = [t for t in vocabulary.infer(text) if t.field in empty]
            update = {f: list(dict.fromkeys(t.id for t in found if t.field == f)) for f in empty}
            model = model.model_validate({**model.model_dump(), **update})
        if not model.partners:
            found += named_partners(text)
        if model.budget_eur is None:
            budget = euro_amount(text)
            if budget is not None:
                model = model.model_validate({**model.model_dump(), "budget_eur": amount_of(budget)})
                found.append(budget)
        return model, found

    @staticmethod
    def _for_applicant(
        idea: ProjectIdea, inferred: list[InferredTerm], country: str
    ) -> tuple[ProjectIdea, list[InferredTerm]]:
        """The idea with the partners its text names, other than the applicant's own country."""
        if not any(t.field == "partners" for t in inferred):
            return idea, inferred
        kept = [t for t in inferred if t.field != "partners" or t.id != country]
        codes = [t.id for t in kept if t.field == "partners"]
        if codes:
            idea = ProjectIdea.model_validate({**idea.model_dump(), "partners": [{"country": c} for c in codes]})
        return idea, kept

    def _notes(self, idea: ProjectIdea) -> list[str]:
        """What the officer should know about how the idea was read."""
        if idea.themes or idea.target_groups or idea.activities:
            return []
        vocabulary = _vocabulary(self)
        if vocabulary is None:
            return []
        languages = ", ".join(language_name(code) for code in vocabulary.languages)
        # Nothing recognised is not an empty idea: the language may be one the vocabulary does not cover.
        return [
            "Nothing in the description was recognised, so every fund that needs a theme, target group or "
            f"activity is left open. fundmatch reads descriptions in {languages}: give themes and target "
            "groups, or write the description in one of these languages."
        ]

    def profile_from_place(self, place: Place, **overrides: Any) -> Municipality:
        """A profile from a place of the register, derived from THIS pack's tables; ``overrides`` win.

        Population, degree of urbanisation, NUTS code and, where the pack's programme areas know it,
        ``border_region`` are filled in, each with its source, which the match report lists.
        """
        # A pack without programme areas knows no border region: an empty table, not the default period's.
        areas = self._areas if self._areas is not None else InterregAreas({})
        fields, derived = profile_from_place(place, regions=self._regions, areas=areas, **overrides)
        try:
            profile: Municipality = validate(Municipality, fields)
        except ValidationError as exc:
            # A value the register lacks (France has no population): say why, not pydantic's "Field required".
            lacking = {str(e["loc"][0]) for e in exc.errors() if e["type"] == "missing" and e["loc"]}
            why = [d for d in derived if d.value is None and d.field in lacking]
            if not why:
                raise
            error = ProfileError(f"{place.label}: {why[0].source} ({why[0].field}, beside the place)")
            error.field = why[0].field
            raise error from None
        return with_provenance(profile, derived)

    def match(
        self,
        profile: Municipality | Mapping[str, Any],
        idea: ProjectIdea | Mapping[str, Any] | str,
        funds: Sequence[str] | None = None,
    ) -> MatchReport:
        """Rank the funds of this pack for one municipality and one idea, every result explained.

        Args:
            profile: a `Municipality` or a mapping of its fields.
            idea: a `ProjectIdea` or a mapping of its fields.
            funds: restrict to these fund ids (default: all of the pack).
        """
        chosen = self._select(funds)
        idea, inferred = self.infer(idea)
        municipality = _as_profile(profile)
        idea, inferred = self._for_applicant(idea, inferred, municipality.country)
        return self._match(municipality, idea, self._idea_facts(idea, batch=False), inferred, chosen)

    @overload
    def match_many(
        self,
        profiles: Iterable[Municipality | Mapping[str, Any]],
        idea: ProjectIdea | Mapping[str, Any],
        funds: Sequence[str] | None = None,
        *,
        detail: Literal["full"] = "full",
        progress: bool | ProgressCallback = False,
    ) -> MatchReports: ...

    @overload
    def match_many(
        self,
        profiles: Iterable[Municipality | Mapping[str, Any]],
        idea: ProjectIdea | Mapping[str, Any],
        funds: Sequence[str] | None = None,
        *,
        detail: Literal["summary"],
        progress: bool | ProgressCallback = False,
    ) -> MatchSummaries: ...

    def match_many(
        self,
        profiles: Iterable[Municipality | Mapping[str, Any]],
        idea: ProjectIdea | Mapping[str, Any],
        funds: Sequence[str] | None = None,
        *,
        detail: Literal["full", "summary"] = "full",
        progress: bool | ProgressCallback = False,
    ) -> MatchReports | MatchSummaries:
        """One result per municipality for the same idea, identical to calling `match` one by one.

        What depends only on the idea or the pack is done once: the text is read once, each fund's rules that
        read only the idea are decided once, its decisions are remembered within the batch by the
        municipality's facts its rules read, and reports share their equal parts. ``detail="summary"``
        keeps only status, score and money per fund (for very large batches); ``progress=True`` shows a
        progress bar (tqdm if installed).
        """
        results = self.iter_match(profiles, idea, funds, detail=detail, progress=progress)
        if detail == "summary":
            return MatchSummaries(results)  # type: ignore[arg-type]
        return MatchReports(results)  # type: ignore[arg-type]

    @overload
    def iter_match(
        self,
        profiles: Iterable[Municipality | Mapping[str, Any]],
        idea: ProjectIdea | Mapping[str, Any],
        funds: Sequence[str] | None = None,
        *,
        detail: Literal["full"] = "full",
        progress: bool | ProgressCallback = False,
    ) -> Iterator[MatchReport]: ...

    @overload
    def iter_match(
        self,
        profiles: Iterable[Municipality | Mapping[str, Any]],
        idea: ProjectIdea | Mapping[str, Any],
        funds: Sequence[str] | None = None,
        *,
        detail: Literal["summary"],
        progress: bool | ProgressCallback = False,
    ) -> Iterator[MatchSummary]: ...

    @overload
    def iter_match(
        self,
        profiles: Iterable[Municipality | Mapping[str, Any]],
        idea: ProjectIdea | Mapping[str, Any],
        funds: Sequence[str] | None = None,
        *,
        detail: Literal["full", "summary"] = "full",
        progress: bool | ProgressCallback = False,
    ) -> Iterator[MatchReport | MatchSummary]: ...

    def iter_match(
        self,
        profiles: Iterable[Municipality | Mapping[str, Any]],
        idea: ProjectIdea | Mapping[str, Any],
        funds: Sequence[str] | None = None,
        *,
        detail: Literal["full", "summary"] = "full",
        progress: bool | ProgressCallback = False,
    ) -> Iterator[MatchReport | MatchSummary]:
        """Like `match_many`, but yields results one at a time, so nothing piles up in memory."""
        if detail not in ("full", "summary"):
            raise ProfileError(f"detail must be 'full' or 'summary', not {reprlib.repr(detail)}")
        chosen = self._select(funds)
        read, read_terms = self.infer(idea)
        # Everything that depends only on the idea is turned into facts once for the whole batch (once per
        # applicant country when the text names partners' countries: the applicant's own is left out).
        by_country: dict[str | None, tuple[ProjectIdea, list[InferredTerm], IdeaFacts, _Summarise | None]] = {}
        named = any(t.field == "partners" for t in read_terms)
        if detail == "summary" and not named:
            # One idea for every municipality: the loop below without its per-country lookup.
            summarise: _Summarise | None = None
            for profile in with_progress(as_profiles(profiles), progress):
                municipality = _as_profile(profile)
                if summarise is None:
                    summarise = self._summariser(self._idea_facts(read), chosen)
                yield summarise(municipality)
            return
        for profile in with_progress(as_profiles(profiles), progress):
            municipality = _as_profile(profile)
            key = municipality.country if named else None
            if key not in by_country:
                one, terms = (
                    self._for_applicant(read, read_terms, municipality.country) if named else (read, read_terms)
                )
                idea_facts = self._idea_facts(one)
                made = self._summariser(idea_facts, chosen) if detail == "summary" else None
                by_country[key] = (one, terms, idea_facts, made)
            one, terms, idea_facts, summarise = by_country[key]
            if summarise is not None:
                yield summarise(municipality)
            else:
                yield self._match(municipality, one, idea_facts, terms, chosen)

    def _idea_facts(self, idea: ProjectIdea, *, batch: bool = True) -> IdeaFacts:
        """The idea's facts, with the plans an equal idea's earlier call made (`_engine.plan`), if kept.

        A single match whose plans are not kept evaluates every rule once instead (a plan pays from the second
        municipality on).
        """
        facts = IdeaFacts(idea)
        plans = None
        if _engine._SUMMARY_LIMIT:
            key = facts.key()
            plans = self._plans.get(key)
            # Requests of the web app share a pack: another thread may evict between these steps.
            with contextlib.suppress(KeyError):
                if plans is not None:
                    self._plans.move_to_end(key)
                else:
                    plans = self._plans[key] = {}
                    if len(self._plans) > _IDEAS_LIMIT:
                        self._plans.popitem(last=False)  # the least recently used idea
        if plans is not None or not batch:
            facts.plans = plans
        return facts

    def _facts(
        self, profile: Municipality, idea_facts: IdeaFacts, *, explain: bool = True
    ) -> tuple[Facts, list[DerivedValue]]:
        return idea_facts.with_municipality(profile, self._regions, self._areas, explain=explain)

    def _rank(self, result: FundMatch | FundSummary) -> tuple[bool, float, int, int]:
        return rank_key(result, self._order)

    def _ranking(
        self, profile: Municipality, idea_facts: IdeaFacts, chosen: list[CompiledFund]
    ) -> ReadOnlyList[FundSummary]:
        """The funds' summaries for ``profile``, ranked (`_ranker`)."""
        return self._ranker(idea_facts, chosen)(profile)

    def _ranker(
        self, idea_facts: IdeaFacts, chosen: list[CompiledFund]
    ) -> Callable[[Municipality], ReadOnlyList[FundSummary]]:
        """How a batch ranks the funds' summaries for each municipality: each fund's row program
        (`_engine.summary_program`, compiled with the fund's plan at the first municipality) run on its facts,
        the funds sorted by the rank keys the programs give (`rank_key`'s)."""
        if idea_facts.plans is None:
            # Only a single match's facts have no plans (`_idea_facts` with ``batch=False``), and it is explained.
            raise RuntimeError("a summary batch needs the idea's plans: made by `_idea_facts` for a batch")
        programs: list[tuple[Any, int]] = []
        build: Callable[[Municipality], dict[str, Any]] | None = None

        def ranked(profile: Municipality) -> ReadOnlyList[FundSummary]:
            nonlocal build
            if build is None:
                facts, _ = self._facts(profile, idea_facts, explain=False)
                programs.extend((summary_program(f, facts), self._order[f.fund]) for f in chosen)
                # The facts the programs read, and only those (`IdeaFacts.row_builder`).
                reads = frozenset().union(*(program.reads for program, _ in programs))
                build = idea_facts.row_builder(reads, self._regions, self._areas)
            values = build(profile)
            results = [program(values, order) for program, order in programs]
            results.sort()
            return ReadOnlyList([result[-1] for result in results])

        return ranked

    def _summariser(self, idea_facts: IdeaFacts, chosen: list[CompiledFund]) -> _Summarise:
        """How a batch summarises each municipality for ``idea_facts``: the ranking kept by the idea's plans.

        A whole ranking is a function of the key every fund of the pack decides by (`RowKeys`): a row whose key
        was seen gets that ranking without its facts being built or a fund being asked. The rankings are kept
        with the idea's plans, as many as one plan keeps decisions; with no memo (the limit 0), or no plans,
        every municipality is ranked by the funds' row programs (`_ranker`).
        """
        plans = idea_facts.plans
        limit = _engine._SUMMARY_LIMIT // _engine._KEPT_IDEAS
        row_key = None
        if plans is not None and limit:
            row_key = idea_facts.row_keys(self._row_reads, self._row_limits, self._regions, self._areas, limit)
        ranking_of = self._ranker(idea_facts, chosen)
        made = MatchSummary._exact
        if plans is None or row_key is None:

            def ranked(profile: Municipality) -> MatchSummary:
                given = profile.__dict__
                return made(
                    {
                        "municipality": given["name"],
                        "country": given["country"],
                        "nuts": given["nuts"],
                        "ranking": ranking_of(profile),
                    }
                )

            return ranked
        # Kept beside the funds' plans, by the funds chosen (a tuple never clashes with a fund's name).
        # A ranking is read-only: the summaries of one key share it.
        rankings: dict[Any, ReadOnlyList[FundSummary]] = plans.setdefault(("rankings", *(f.fund for f in chosen)), {})

        def summarise(profile: Municipality) -> MatchSummary:
            key = row_key(profile)
            ranking = rankings.get(key)
            if ranking is None:
                ranking = ranking_of(profile)
                if len(rankings) < limit:
                    rankings[key] = ranking
            given = profile.__dict__
            return made(
                {
                    "municipality": given["name"],
                    "country": given["country"],
                    "nuts": given["nuts"],
                    "ranking": ranking,
                }
            )

        return summarise

    def _match(
        self,
        profile: Municipality,
        idea: ProjectIdea,
        idea_facts: IdeaFacts,
        inferred: list[InferredTerm],
        chosen: list[CompiledFund],
    ) -> MatchReport:
        facts, derived = self._facts(profile, idea_facts)
        found = [shared_result(fund, facts) for fund in chosen]
        found.sort(key=lambda pair: self._rank(pair[0]))
        # Read-only as the report holds it: the comparison and questions left to be made when read refer to it.
        results = ReadOnlyList([result for result, _ in found])
        comparison, questions = self._merged(results, [kept for _, kept in found])
        return MatchReport._made(
            schema_version=SCHEMA_VERSION,
            period=self.period,
            pack_version=self.version,
            municipality=profile,
            idea=idea,
            inferred=list(inferred),
            derived=derived,
            ranking=results,
            comparison=comparison,
            questions=ReadOnlyList(questions) if isinstance(questions, tuple) else questions,
            warnings=list(self._warned(results, facts)),
            notes=self._notes(idea),
        )

    def _warned(self, results: list[FundMatch], facts: Facts) -> tuple[ReportWarning, ...]:
        """The report's warnings, the same objects for every case with the same funds alive and the same facts."""
        if not _engine._SUMMARY_LIMIT:  # nothing kept: no key to make
            return tuple(_warnings(self._warnings, results, facts))
        alive = tuple(r.fund for r in results if r.status is not Status.INELIGIBLE)
        key = (frozenset(alive), self._warnings_key(facts.frozen))
        shown = self._shown_warnings.get(key)
        if shown is None:
            shown = tuple(_warnings(self._warnings, results, facts))
            if len(self._shown_warnings) < _RANKINGS_LIMIT:
                self._shown_warnings[key] = shown
        return shown

    def _merged(
        self, results: list[FundMatch], kept: list[bool]
    ) -> tuple[str | Unwritten | None, tuple[ReportQuestion, ...] | Unwritten]:
        """The comparison of the first two funds and the merged questions, each made once for equal parts.

        The comparison is kept by the identities of the first two results when both are kept by their funds
        (`fundmatch._engine.shared_result`; the entry holds them, so no identity is reused while it is kept);
        the questions by what the results ask, which results that differ only in a shown number share.
        """
        memo = _engine._SUMMARY_LIMIT > 0
        comparison: str | Unwritten | None = None
        if len(results) >= 2:
            pair = (id(results[0]), id(results[1]))
            both = memo and kept[0] and kept[1]
            compared = self._comparisons.get(pair) if both else None
            if compared is not None:
                comparison = compared[2]
            elif both and len(self._comparisons) < _RANKINGS_LIMIT:
                comparison = compare(results[0], results[1])
                self._comparisons[pair] = (results[0], results[1], comparison)
            else:
                # Kept by no one: written when the report's comparison is first read, if ever (`Unwritten`).
                comparison = Unwritten(compare, results[0], results[1])
        if not memo:  # nothing kept: made when the report's questions are first read, if ever
            return comparison, Unwritten(_questions, results)
        asks = tuple((r.fund, *((m.field, m.question, *m.rule_ids) for m in r.missing)) for r in results)
        questions = self._questions.get(asks)
        if questions is None:
            questions = tuple(_questions(results))
            if len(self._questions) < _RANKINGS_LIMIT:
                self._questions[asks] = questions
        return comparison, questions

    def __repr__(self) -> str:
        return f"<RulePack {self.period} v{self.version}: {', '.join(self._funds)}>"


def _questions(results: list[FundMatch]) -> ReadOnlyList[ReportQuestion]:
    """The open questions of every fund not ruled out, merged on what they ask for, so a report asks each once.

    An ineligible fund keeps its own (`FundMatch.missing`), but no answer can make it pay: asking the officer
    for an AMIF share of third-country nationals when the AMIF is ruled out would be work for nothing.
    """
    merged: dict[str, tuple[str, list[str], list[str]]] = {}
    for result in results:
        if result.status is Status.INELIGIBLE:
            continue
        for missing in result.missing:
            entry = merged.get(missing.field)
            if entry is None:
                merged[missing.field] = (missing.question, [result.fund], list(dict.fromkeys(missing.rule_ids)))
                continue
            _, funds, rule_ids = entry
            funds.append(result.fund)
            rule_ids.extend(r for r in missing.rule_ids if r not in rule_ids)
    return ReadOnlyList(
        [
            ReportQuestion._exact(
                {"field": field, "question": question, "funds": ReadOnlyList(funds), "rule_ids": ReadOnlyList(rule_ids)}
            )
            for field, (question, funds, rule_ids) in merged.items()
        ]
    )


def _warnings(warnings: tuple[CompiledWarning, ...], results: list[FundMatch], facts: Facts) -> list[ReportWarning]:
    """The warnings whose condition holds, with the funds they concern that are not ineligible."""
    alive = {r.fund for r in results if r.status is not Status.INELIGIBLE}
    shown = []
    for warning in warnings:
        spec = warning.spec
        funds = [fund_id(f) for f in spec.funds if f in alive]
        if not funds:
            continue
        if spec.with_funds is not None:
            if not all(f in alive for f in spec.with_funds.all):
                continue
            if spec.with_funds.any and not any(f in alive for f in spec.with_funds.any):
                continue
        if warning.condition is not None:
            try:
                holds = warning.condition.decide(facts)
            except ExpressionProblem as exc:
                raise RulePackError(exc.problem, rule_id=f"warnings.{spec.id}") from None
            # A warning whose condition cannot be decided yet is not shown.
            if holds is not True:
                continue
        shown.append(
            ReportWarning._made(
                id=spec.id,
                text=render(spec.text, facts),
                funds=funds,
                citation=warning.citation,
                verified=spec.verified,
            )
        )
    return shown


# The read-only internal view of a pack, for the tools and tests that look at its compiled rules (``fundmatch
# rules``, ``fundmatch check``, benchmarks). Kept out of `RulePack`'s public face on purpose.


def compiled_funds(pack: RulePack) -> Mapping[str, CompiledFund]:
    """The compiled funds of a pack by id, in pack order (read-only)."""
    return MappingProxyType(pack._funds)


def _vocabulary(pack: RulePack) -> Vocabulary | None:
    """The pack's vocabulary, read on first use: most of a pack's load time, and needed only to infer.

    Two threads inferring at once may both read it; each gets an equal vocabulary and one is kept.
    """
    if pack._vocabulary is None and pack._vocabulary_file is not None:
        from fundmatch._vocabulary import Vocabulary

        pack._vocabulary = Vocabulary.load(pack._vocabulary_file)
    return pack._vocabulary


def check_vocabulary(pack: RulePack) -> None:
    """Read the pack's vocabulary now, so that `fundmatch check` reports a malformed one (`RulePackError`)."""
    _vocabulary(pack)


def forget_answers(pack: RulePack) -> None:
    """Drop every remembered answer, hit and summary of a pack (for cold-start benchmarks and memo tests)."""
    pack._comparisons.clear()
    pack._questions.clear()
    pack._shown_warnings.clear()
    pack._plans.clear()
    for fund in pack._funds.values():
        fund.forget()


@lru_cache(maxsize=8)
def shipped_pack(period: str) -> RulePack:
    """The shipped pack of ``period``, loaded once per process and shared."""
    return RulePack(period_folder(period))
