"""A loaded rule pack: every fund of one period, compiled once and reused for every match."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import BaseModel

from fundmatch._batch import ProgressCallback, with_progress
from fundmatch._compiled import CompiledFund
from fundmatch._engine import evaluate_fund, summarize_fund
from fundmatch._errors import ProfileError
from fundmatch._evidence import DerivedValue, InferredTerm
from fundmatch._facts import Facts, IdeaFacts
from fundmatch._inputs import Municipality, ProjectIdea
from fundmatch._interreg_areas import InterregAreas
from fundmatch._loader import load_folder
from fundmatch._places import Place, profile_from_place
from fundmatch._ranking import compare, rank_key
from fundmatch._report import FundMatch, FundSummary, MatchReport, MatchReports, MatchSummaries, MatchSummary
from fundmatch._resources import period_folder

if TYPE_CHECKING:  # pragma: no cover
    from fundmatch._vocabulary import Vocabulary

_INFERRED_FIELDS = ("themes", "target_groups", "activities")


_M = TypeVar("_M", bound=BaseModel)


def _as_model(value: Any, model: type[_M], what: str) -> _M:
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        return model.model_validate(dict(value))
    raise ProfileError(f"{what} must be a {model.__name__} or a mapping of its fields, not {type(value).__name__}")


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
        self._aliases = {alias.upper(): fund for alias, fund in meta.aliases.items()}
        self._regions = loaded.regions
        self._areas = loaded.areas
        self._vocabulary_file = loaded.vocabulary
        self._vocabulary: Vocabulary | None = None
        self._order = {name: i for i, name in enumerate(loaded.funds)}

    @property
    def funds(self) -> list[str]:
        """The fund ids this pack covers, in pack order."""
        return list(self._funds)

    def _select(self, funds: Sequence[str] | None) -> list[CompiledFund]:
        if funds is None:
            return list(self._funds.values())
        if isinstance(funds, str):
            funds = [funds]
        chosen = []
        for name in funds:
            key = str(name).upper()
            key = self._aliases.get(key, key)
            if key not in self._funds:
                raise ProfileError(f"unknown fund '{name}'; this pack has {', '.join(self._funds)}")
            chosen.append(self._funds[key])
        return chosen

    def infer(self, idea: ProjectIdea | Mapping[str, Any]) -> tuple[ProjectIdea, list[InferredTerm]]:
        """The idea with empty themes, target groups and activities read from its text, and the evidence."""
        model = _as_model(idea, ProjectIdea, "idea")
        empty = [f for f in _INFERRED_FIELDS if not getattr(model, f)]
        vocabulary = _vocabulary(self) if empty else None
        if vocabulary is None:
            return model, []
        found = [t for t in vocabulary.infer(f"{model.title}\n{model.description}") if t.field in empty]
        update = {f: list(dict.fromkeys(t.id for t in found if t.field == f)) for f in empty}
        return model.model_validate({**model.model_dump(), **update}), found

    def profile_from_place(self, place: Place, **overrides: Any) -> Municipality:
        """A profile from a place of the register, derived from THIS pack's tables; ``overrides`` win.

        Population, degree of urbanisation, NUTS code and, where the pack's programme areas know it,
        ``border_region`` are filled in, each with its source, which the match report lists.
        """
        # A pack without programme areas knows no border region: an empty table, not the default period's.
        areas = self._areas if self._areas is not None else InterregAreas({})
        fields, derived = profile_from_place(place, regions=self._regions, areas=areas, **overrides)
        profile = Municipality.model_validate(fields)
        profile._provenance = tuple(derived)
        return profile

    def match(
        self,
        profile: Municipality | Mapping[str, Any],
        idea: ProjectIdea | Mapping[str, Any],
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
        return self._match(_as_model(profile, Municipality, "profile"), idea, IdeaFacts(idea), inferred, chosen)

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

        What depends only on the idea or the pack is done once: the text is read once, and each rule's answer
        is remembered for the facts it reads. ``detail="summary"`` keeps only status, score and money per
        fund (for very large batches); ``progress=True`` shows a progress bar (tqdm if installed).
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
            raise ProfileError(f"detail must be 'full' or 'summary', not {detail!r}")
        chosen = self._select(funds)
        idea, inferred = self.infer(idea)
        # Everything that depends only on the idea is turned into facts once for the whole batch.
        idea_facts = IdeaFacts(idea)
        for profile in with_progress(profiles, progress):
            municipality = _as_model(profile, Municipality, "profile")
            if detail == "summary":
                yield self._summary(municipality, idea_facts, chosen)
            else:
                yield self._match(municipality, idea, idea_facts, inferred, chosen)

    def _facts(
        self, profile: Municipality, idea_facts: IdeaFacts, *, explain: bool = True
    ) -> tuple[Facts, list[DerivedValue]]:
        return idea_facts.with_municipality(profile, self._regions, self._areas, explain=explain)

    def _rank(self, result: FundMatch | FundSummary) -> tuple[bool, float, int, int]:
        return rank_key(result, self._order)

    def _summary(self, profile: Municipality, idea_facts: IdeaFacts, chosen: list[CompiledFund]) -> MatchSummary:
        facts, _ = self._facts(profile, idea_facts, explain=False)
        results = [summarize_fund(fund, facts) for fund in chosen]
        results.sort(key=self._rank)
        return MatchSummary(municipality=profile.name, country=profile.country, nuts=profile.nuts, ranking=results)

    def _match(
        self,
        profile: Municipality,
        idea: ProjectIdea,
        idea_facts: IdeaFacts,
        inferred: list[InferredTerm],
        chosen: list[CompiledFund],
    ) -> MatchReport:
        facts, derived = self._facts(profile, idea_facts)
        results = [evaluate_fund(fund, facts) for fund in chosen]
        results.sort(key=self._rank)
        return MatchReport(
            period=self.period,
            pack_version=self.version,
            municipality=profile,
            idea=idea,
            inferred=inferred,
            derived=derived,
            ranking=results,
            comparison=compare(results[0], results[1]) if len(results) > 1 else None,
        )

    def __repr__(self) -> str:
        return f"<RulePack {self.period} v{self.version}: {', '.join(self._funds)}>"


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
    for fund in pack._funds.values():
        fund.forget()


@lru_cache(maxsize=8)
def shipped_pack(period: str) -> RulePack:
    """The shipped pack of ``period``, loaded once per process and shared."""
    return RulePack(period_folder(period))
