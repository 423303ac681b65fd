"""The facts rules are written over: one flat, typed namespace built from a profile and an idea.

Most facts are the input models' own fields, typed from their annotations, so adding a field to a model
makes it usable in rules. The rest are derived once (partner countries here; category of region, outermost and
border region and the planned end in `fundmatch._derive`, each with its source) so that rule expressions stay
one plain condition each. Every fact knows which input to ask for when it is missing.
"""

from __future__ import annotations

import datetime as _dt
import functools
import operator
import types
import typing
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from fundmatch._countries import COUNTRIES_WITH_OUTERMOST_REGIONS, EU_MEMBER_STATES
from fundmatch._derive import derive_border_region, derive_region, planned_end
from fundmatch._evidence import DerivedValue
from fundmatch._ids import RegionCategory
from fundmatch._inputs import Municipality, ProjectIdea
from fundmatch._interreg_areas import InterregAreas
from fundmatch._regions import RegionTable

#: The type of a fact, by the name of rule-engine's `DataType` (a set is a set of texts). Plain names, not
#: rule-engine's objects: importing rule-engine builds its parser tables (a quarter of a second), and a pack
#: whose expressions are cached (`fundmatch._cache`) never needs it; `fundmatch._parse` maps them.
NUMBER, TEXT, BOOLEAN, DATETIME, TEXTS = "FLOAT", "STRING", "BOOLEAN", "DATETIME", "SET"


@dataclass(frozen=True, slots=True)
class Fact:
    """A symbol rules may read: its type, the input to ask for when it is missing, and the question."""

    name: str
    type: str  # NUMBER, TEXT, BOOLEAN, DATETIME or TEXTS
    asks: str
    question: str
    #: The values it can have but None, where its input fixes them (a boolean, a choice among ids, a whole number
    #: between close bounds), else None. A summary's row program tables what such facts decide (the rules that
    #: read one of them, the rates: `fundmatch._engine._tabled`, `_money_program`); a value outside them is still
    #: decided, only not from the table.
    domain: tuple[Any, ...] | None = None


def _datatype(annotation: Any) -> str | None:
    """The rule type of a model field annotation (None for fields rules read only through facts)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        # A constrained field (`nuts`, `lau`: upper-cased by pydantic) is still its base type to a rule.
        return _datatype(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _datatype(inner[0]) if len(inner) == 1 else None
    if origin is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, (str, Enum)):
            return TEXTS
        return None
    if annotation is bool:
        return BOOLEAN
    if annotation in (int, float):
        return NUMBER
    if annotation is _dt.date:
        return DATETIME
    if isinstance(annotation, type) and issubclass(annotation, (str, Enum)):
        return TEXT
    return None


#: Questions worded for what an officer can answer, where the field's own description would not do: nobody
#: knows their "category of region", but everybody can look up the NUTS code or give the town's name.
_QUESTIONS = {
    "region_category": (
        "What is the municipality's NUTS code (e.g. ITH42), or its name? The category of region follows from it;"
        " where it does not (a region the shipped table lacks), your managing authority knows it."
    ),
}


def _domain(annotation: Any) -> tuple[Any, ...] | None:
    """The values a field of this annotation gives a fact (`Fact.domain`): a boolean's, an enum's ids."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _domain(inner[0]) if len(inner) == 1 else None
    if annotation is bool:
        return (True, False)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return tuple(member.value for member in annotation)
    return None


def _whole_numbers(annotation: Any, metadata: list[Any]) -> tuple[int, ...] | None:
    """The few whole numbers a field of an int between two bounds can give (the degree of urbanisation's 1–3)."""
    inner = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    if inner != [int]:
        return None
    low = next((m.ge for m in metadata if isinstance(getattr(m, "ge", None), int)), None)
    high = next((m.le for m in metadata if isinstance(getattr(m, "le", None), int)), None)
    if low is None or high is None or not 0 <= high - low < 16:
        return None
    return tuple(range(low, high + 1))


def _model_facts(model: type[BaseModel]) -> dict[str, Fact]:
    facts = {}
    for name, info in model.model_fields.items():
        kind = _datatype(info.annotation)
        if kind is not None:
            question = _QUESTIONS.get(name) or info.description or f"What is the {name.replace('_', ' ')}?"
            domain = (
                None if kind == TEXTS else _domain(info.annotation) or _whole_numbers(info.annotation, info.metadata)
            )
            facts[name] = Fact(name, kind, name, question, domain)
    return facts


def needed(name: str, facts: dict[str, Any]) -> str:
    """The fact to ask for when ``name`` is missing, given what is known.

    The planned end follows from the end date, or from the start and the duration: with a duration given,
    the start is what is missing, not the end.
    """
    if name == "planned_end" and facts.get("duration_months") is not None and facts.get("start_date") is None:
        return "start_date"
    return name


_NUMBER, _TEXT, _BOOL, _TEXTS = NUMBER, TEXT, BOOLEAN, TEXTS
_TRUTH = (True, False)
#: A category of region of 2014–2020 where the table has one, else "unknown" (`fundmatch._derive`).
_CATEGORIES_2014_2020 = (*(category.value for category in RegionCategory), "unknown")

_DERIVED: tuple[Fact, ...] = (
    Fact("member_state", _BOOL, "country", "Is the applicant in an EU Member State?", _TRUTH),
    Fact("nuts2", _TEXT, "nuts", "What is the municipality's NUTS code (level 2 or 3)?"),
    Fact(
        "region_category_doubtful",
        _BOOL,
        "region_category",
        "Which category of region is the municipality in? (the shipped table is doubtful here)",
        _TRUTH,
    ),
    Fact("partner_count", _NUMBER, "partners", "Which organisations take part besides the applicant?"),
    Fact("partner_countries", _TEXTS, "partners", "In which countries are the partners based?"),
    Fact("partner_types", _TEXTS, "partners", "What kinds of organisation are the partners?"),
    Fact("countries", _TEXTS, "partners", "Which countries do the applicant and partners come from?"),
    Fact("country_count", _NUMBER, "partners", "How many countries do the applicant and partners come from?"),
    Fact("member_states", _TEXTS, "partners", "Which EU Member States do the applicant and partners come from?"),
    Fact(
        "member_state_count", _NUMBER, "partners", "How many EU Member States do the applicant and partners come from?"
    ),
    Fact(
        "foreign_country_count", _NUMBER, "partners", "How many partner countries other than the applicant's are there?"
    ),
    Fact("planned_end", DATETIME, "end_date", "When will the project end (last expenditure)?"),
    # The fund being evaluated: set per fund, so one rule of common.yaml can ask about "this fund".
    Fact("fund", _TEXT, "fund", "Which fund is evaluated?"),
    Fact(
        "region_category_2014_2020",
        _TEXT,
        "region_category_2014_2020",
        "Which category of region was the municipality's region in 2014–2020 (less developed, transition, more"
        " developed)?",
        _CATEGORIES_2014_2020,
    ),
    Fact(
        "region_category_2014_2020_inferred",
        _BOOL,
        "region_category_2014_2020",
        "Which category of region was the municipality's region in 2014–2020? (the shipped table infers it)",
        _TRUTH,
    ),
)

#: Every symbol a rule may read, by name.
FACTS: dict[str, Fact] = {**_model_facts(Municipality), **_model_facts(ProjectIdea)}
FACTS.update({fact.name: fact for fact in _DERIVED})
#: Every symbol, none known: what a case's hashable facts start from.
_NO_FACTS: dict[str, Any] = dict.fromkeys(FACTS)
# "name" (municipality) and "title" are there for explanations; partners are read through the derived facts.


def _members(annotation: Any) -> tuple[Any, ...] | None:
    """The ids a list field of enum items holds (``themes``: the Theme ids)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _members(inner[0]) if len(inner) == 1 else None
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, Enum):
            return tuple(member.value for member in item)
    return None


@functools.cache
def _literal_values() -> dict[str, frozenset[Any]]:
    values: dict[str, frozenset[Any]] = {}
    for model in (Municipality, ProjectIdea):
        for name, info in model.model_fields.items():
            members = _members(info.annotation)
            if members is not None and name in FACTS:
                values[name] = frozenset(members)
    for name, fact in FACTS.items():
        if fact.domain is not None and fact.type != BOOLEAN:
            values[name] = frozenset(fact.domain)
    from fundmatch._countries import ISO_COUNTRIES
    from fundmatch._ids import OrganisationType

    for name in ("country", "partner_countries", "countries"):
        values[name] = ISO_COUNTRIES
    values["member_states"] = EU_MEMBER_STATES
    values["partner_types"] = frozenset(member.value for member in OrganisationType)
    return values


def literal_values(name: str) -> frozenset[Any] | None:
    """The values fact ``name`` (or a member of it, for a list) can have, where its input fixes them: a rule
    comparing it with anything else never matches (``degurba == 4``, ``'refugee' in target_groups``)."""
    return _literal_values().get(name)


def question_for(name: str) -> str:
    """The question to ask for an input (a model field) or a fact."""
    if name in FACTS:
        return FACTS[name].question
    # Inputs rules read only through derived facts (``partners``): the field's own description.
    for model in (Municipality, ProjectIdea):
        if name in model.model_fields and model.model_fields[name].description:
            return str(model.model_fields[name].description)
    return f"What is the {name.replace('_', ' ')}?"


def _plain(value: Any) -> Any:
    """A value as rule-engine wants it: enums as str, lists as sets, dates as UTC datetimes."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple, set, frozenset)):
        return {_plain(v) for v in value} or None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.UTC)
    return value


def _hashable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: frozenset(v) if isinstance(v, set) else v for k, v in values.items()}


class Facts(dict[str, Any]):
    """The facts of one profile and idea, with a hashable copy for memoised answers (built once).

    rule-engine wants sets, but memo keys need hashable values, so both are kept; ``frozen`` has every
    symbol of `FACTS`, None where a fact is missing. ``said`` keeps each fact as the texts say it, formatted
    once per case however many explanations show it (the idea's themes appear in a dozen). ``plans`` is the
    idea's (`IdeaFacts.plans`) when the facts were built from one: what the evaluator compiled for that idea.
    """

    __slots__ = ("frozen", "plans", "row_key", "said")

    def __init__(
        self,
        values: dict[str, Any],
        frozen: dict[str, Any] | None = None,
        said: dict[str, str] | None = None,
        plans: dict[Any, Any] | None = None,
    ) -> None:
        super().__init__(values)
        if frozen is None:
            frozen = _NO_FACTS.copy()
            frozen.update(_hashable(values))
        self.frozen = frozen
        self.said: dict[str, str] = {} if said is None else said
        self.plans = plans
        # The municipality's memo key for a pack's decisions, with the getter that made it (`_engine._decided`).
        self.row_key: tuple[Any, Any] | None = None

    def for_fund(self, fund: str) -> Facts:
        """The same facts with ``fund`` set to the fund being evaluated."""
        if self.get("fund") == fund:
            return self
        values = dict(self)
        values["fund"] = fund
        frozen = self.frozen.copy()
        frozen["fund"] = fund
        # The copies share what is said: all their facts are the same but ``fund``, which is never kept there.
        return Facts(values, frozen, self.said, self.plans)


def _field_reader(model: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """The model's fields that are facts, each with whether its value needs `_plain` (enums, lists, dates)."""
    reader = []
    for name, info in model.model_fields.items():
        if name not in FACTS:
            continue
        annotation = info.annotation
        optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
        inner = [a for a in typing.get_args(annotation) if a is not type(None)] if optional else [annotation]
        inner = [typing.get_args(a)[0] if typing.get_origin(a) is typing.Annotated else a for a in inner]
        plain = all(a in (bool, int, float, str) for a in inner)
        reader.append((name, not plain))
    return tuple(reader)


_MUNICIPALITY_FIELDS = _field_reader(Municipality)
_IDEA_FIELDS = _field_reader(ProjectIdea)

#: The facts that follow from the idea alone: the same for every municipality matched with one idea (the
#: partner facts that involve the applicant's country, ``countries`` and the counts, are the municipality's).
IDEA_FACTS = frozenset(
    {name for name, _ in _IDEA_FIELDS} | {"partner_count", "partner_countries", "partner_types", "planned_end"}
)


_IDEA_ORDER = tuple(sorted(IDEA_FACTS))


class IdeaFacts:
    """The facts of one idea, built once and shared by every municipality matched with it.

    In a batch the idea is the same for every row: its fields, partners and dates are turned into facts
    (and their hashable copies) here once, so a row only adds the municipality's own facts.
    """

    __slots__ = ("_every", "_frozen", "_partner_countries", "_values", "plans")

    def __init__(self, idea: ProjectIdea) -> None:
        fields = idea.__dict__
        values = {name: _plain(fields[name]) if convert else fields[name] for name, convert in _IDEA_FIELDS}
        partners = idea.partners
        self._partner_countries = frozenset(p.country for p in partners)
        values["partner_count"] = len(partners)
        values["partner_countries"] = set(self._partner_countries)
        values["partner_types"] = {p.type.value for p in partners}
        values["planned_end"] = _plain(planned_end(idea))
        self._values = values
        self._frozen = _NO_FACTS.copy()
        self._frozen.update(_hashable(values))
        # Every fact, the idea's set (`row_values` adds the municipality's; made for a summary batch only).
        self._every: dict[str, Any] | None = None
        # Each fund's rules specialised on this idea (`fundmatch._engine.plan`), made at its first municipality.
        # None: evaluated whole (one municipality, whose plans nobody keeps, costs less without them).
        self.plans: dict[Any, Any] | None = {}

    def key(self) -> tuple[Any, ...]:
        """The idea's facts, as a hashable tuple: equal for equal ideas (their plans are the same)."""
        frozen = self._frozen
        return tuple(frozen[name] for name in _IDEA_ORDER)

    def row_keys(
        self,
        reads: tuple[str, ...],
        limits: Mapping[str, Callable[[Any], Any]],
        regions: RegionTable | None,
        areas: InterregAreas | None,
        limit: int,
    ) -> RowKeys | None:
        """A `RowKeys` for the municipalities matched with this idea, or None where a field it reads would need
        converting (then the facts are built for each municipality)."""
        if any(convert for name, convert in _MUNICIPALITY_FIELDS if name in reads and name not in _DERIVED_FROM):
            return None
        return RowKeys(self, reads, limits, regions, areas, limit)

    def with_municipality(
        self,
        municipality: Municipality,
        regions: RegionTable | None,
        areas: InterregAreas | None = None,
        *,
        explain: bool = True,
    ) -> tuple[Facts, list[DerivedValue]]:
        """The facts of this idea for ``municipality``, and (if ``explain``) the values derived, with sources."""
        own, derived = self.own_facts(municipality, regions, areas, explain=explain)
        frozen = self._frozen.copy()
        frozen.update(own)
        values = self._values.copy()
        values.update(own)
        # rule-engine's set operators want sets; the frozen copy keeps the frozensets for memo keys.
        values["countries"] = set(own["countries"])
        values["member_states"] = set(own["member_states"])
        if not explain:  # nothing to show: the provenance (a copy per row) is not even looked at
            return Facts(values, frozen, plans=self.plans), []
        return Facts(values, frozen, plans=self.plans), [*municipality.provenance, *derived]

    def row_values(
        self, municipality: Municipality, regions: RegionTable | None, areas: InterregAreas | None
    ) -> dict[str, Any]:
        """The facts of this idea for ``municipality`` as a summary's row programs read them: one dict of every
        fact (None where missing), sets as rule-engine wants them; no hashable copy, no `Facts`."""
        own, _ = self.own_facts(municipality, regions, areas, explain=False)
        every = self._every
        if every is None:
            every = self._every = {**_NO_FACTS, **self._values}
        values = every.copy()
        values.update(own)
        values["countries"] = set(own["countries"])
        values["member_states"] = set(own["member_states"])
        return values

    def row_builder(
        self, reads: Collection[str], regions: RegionTable | None, areas: InterregAreas | None
    ) -> Callable[[Municipality], dict[str, Any]]:
        """`row_values` for row programs that read only the facts ``reads``: a function of a municipality giving
        those facts (and perhaps a few more of the same groups), each with the value `row_values` gives it.

        A summary's row programs read a dozen of the some 60 facts, and the derived ones are most of a row's
        facts' cost: a group of derived facts (the region's, the border region, the partner facts with the
        applicant's country) is worked out only where one of its facts is read, from the tables turned here,
        before any row, into one lookup per municipality (`_RowTables`). Nothing is kept between rows.
        """
        reads = frozenset(reads)
        every = {**_NO_FACTS, **self._values}
        base = {name: every[name] for name in reads if name in every}
        region_of = _region_rows(regions) if not reads.isdisjoint(_REGION_FACTS) else None
        border = _border_codes(areas) if "border_region" in reads else None
        # The fields taken as given (those the region's and the border's facts are derived over are set there).
        derived = (_REGION_FACTS if region_of is not None else set()) | (
            {"border_region"} if border is not None else set()
        )
        plain = tuple(n for n, convert in _MUNICIPALITY_FIELDS if n in reads and not convert and n not in derived)
        converted = tuple(n for n, convert in _MUNICIPALITY_FIELDS if n in reads and convert and n not in derived)
        fields: Callable[[dict[str, Any]], Any] | None = operator.itemgetter(*plain) if plain else None
        one_field = len(plain) == 1
        member = "member_state" in reads
        nuts2 = "nuts2" in reads
        # The partner facts with the applicant's country: the sets only where read, the counts from the
        # idea's partners' countries (the same counts as the sets' sizes).
        sets = not reads.isdisjoint({"countries", "member_states"})
        counts = not reads.isdisjoint(_PARTNER_ROW_FACTS)
        partner_countries = self._partner_countries
        partner_count = len(partner_countries)
        partner_member_count = len(partner_countries & EU_MEMBER_STATES)
        outermost_countries, member_states = COUNTRIES_WITH_OUTERMOST_REGIONS, EU_MEMBER_STATES
        tail = _NUTS_TAIL

        def build(municipality: Municipality) -> dict[str, Any]:
            given = municipality.__dict__
            values = base.copy()
            if fields is not None:
                if one_field:
                    values[plain[0]] = fields(given)
                else:
                    values.update(zip(plain, fields(given), strict=True))
            for name in converted:
                values[name] = _plain(given[name])
            country = given["country"]
            nuts = given["nuts"]
            if member:
                values["member_state"] = country in member_states
            if nuts2:
                values["nuts2"] = nuts[:4] if nuts else None
            if region_of is not None:
                # `derive_region` without its explanations.
                region = region_of.get(nuts[:4].upper()) if region_of and nuts else None
                if given["region_category"] is not None:
                    values["region_category"] = _plain(given["region_category"])
                    values["region_category_doubtful"] = False
                elif region is not None:
                    values["region_category"], values["region_category_doubtful"] = region[0], region[1]
                else:
                    values["region_category"] = values["region_category_doubtful"] = None
                if region is not None and region[2] is not None:
                    values["region_category_2014_2020"], values["region_category_2014_2020_inferred"] = region[2:4]
                else:
                    values["region_category_2014_2020"], values["region_category_2014_2020_inferred"] = "unknown", False
                outermost = given["outermost_region"]
                if outermost is None:
                    if country not in outermost_countries:
                        outermost = False
                    elif region is not None:
                        outermost = region[4]
                values["outermost_region"] = outermost
            if border is not None:
                # `derive_border_region` without its explanations: a code found in a cross-border programme's
                # area (itself, or as a NUTS-3 code, the NUTS-2 region above it) is a border region.
                given_border = given["border_region"]
                if given_border is None and nuts and border:
                    code = nuts.strip().upper()
                    if code in border or (len(code) == 5 and code[:4] in border and code[4] in tail):
                        given_border = True
                values["border_region"] = given_border
            if sets:
                countries = partner_countries | {country}
                values["countries"] = set(countries)
                values["member_states"] = set(countries & member_states)
            if counts:
                known = country in partner_countries
                values["country_count"] = partner_count if known else partner_count + 1
                values["member_state_count"] = (
                    partner_member_count + 1 if not known and country in member_states else partner_member_count
                )
                values["foreign_country_count"] = partner_count - 1 if known else partner_count
            return values

        return build

    def own_facts(
        self, municipality: Municipality, regions: RegionTable | None, areas: InterregAreas | None, *, explain: bool
    ) -> tuple[dict[str, Any], list[DerivedValue]]:
        """The municipality's facts (hashable: sets as frozensets) for this idea, and the values derived."""
        fields = municipality.__dict__
        own = {name: _plain(fields[name]) if convert else fields[name] for name, convert in _MUNICIPALITY_FIELDS}

        country = municipality.country
        nuts = municipality.nuts
        own["member_state"] = country in EU_MEMBER_STATES
        own["nuts2"] = nuts[:4] if nuts else None

        region_facts, derived = derive_region(municipality, regions, explain=explain)
        own.update(region_facts)
        own["border_region"], from_areas = derive_border_region(
            areas, nuts, municipality.border_region, explain=explain
        )

        # The partner facts that depend on the applicant's country.
        partner_countries = self._partner_countries
        countries = partner_countries | {country}
        member_states = countries & EU_MEMBER_STATES
        own["countries"] = countries
        own["country_count"] = len(countries)
        own["member_states"] = member_states
        own["member_state_count"] = len(member_states)
        own["foreign_country_count"] = len(partner_countries - {country})
        return own, [*derived, *from_areas] if explain else []


#: The facts `derive_region` sets, and those of the partners that involve the applicant's country: groups a row
#: builder (`IdeaFacts.row_builder`) works out only where one of their facts is read.
_REGION_FACTS = frozenset(
    {
        "region_category",
        "region_category_doubtful",
        "region_category_2014_2020",
        "region_category_2014_2020_inferred",
        "outermost_region",
    }
)
_PARTNER_ROW_FACTS = frozenset(
    {"countries", "country_count", "member_states", "member_state_count", "foreign_country_count"}
)
#: What may follow a NUTS-2 code in a NUTS-3 code (`fundmatch._countries.NUTS_CODE`'s last character).
_NUTS_TAIL = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@functools.lru_cache(maxsize=8)
def _region_rows(regions: RegionTable | None) -> dict[str, tuple[Any, ...]]:
    """The table of regions as `derive_region` reads it, one tuple per NUTS-2 code: the category, whether it is
    doubtful, the 2014–2020 category (None where the table has none) and whether it is inferred, outermost.
    Made once per table (a pack's, read-only: nothing of a row's is in it)."""
    if regions is None:
        return {}
    return {
        region.nuts2: (
            region.category.value,
            region.doubtful,
            None if region.category_2014_2020 is None else region.category_2014_2020.value,
            region.inferred_2014_2020,
            region.outermost,
        )
        for region in regions
    }


@functools.lru_cache(maxsize=8)
def _border_codes(areas: InterregAreas | None) -> frozenset[str]:
    """The codes of the programme areas whose programmes include a cross-border one (`derive_border_region`),
    made once per table."""
    if areas is None:
        return frozenset()
    return frozenset(programme.region for programme in areas if programme.cross_border)


#: The municipality's fields its other facts are derived from, with the pack's tables and the idea's partners
#: (`IdeaFacts.with_municipality`): every fact that is not one of its other fields as given is a function of
#: these.
_DERIVED_FROM = ("country", "nuts", "region_category", "border_region", "outermost_region")
_OWN_FIELDS = frozenset(name for name, _ in _MUNICIPALITY_FIELDS)


class RowKeys:
    """The key of a municipality's facts that a whole ranking of one idea is a function of, without its facts.

    The key a pack's funds decide by (`fundmatch._engine.share_row_key`: what any fund reads of the
    municipality, numbers by the interval they fall in) in two parts: the facts derived from `_DERIVED_FROM`
    (category of region, border region, the partner counts with the applicant's country ...), kept by the
    values of those fields (a few thousand NUTS codes in all Europe), and the other fields read, taken from the
    validated profile as they are. Building a municipality's facts (two dicts of some 45 facts) is left to the
    rows whose key has not been seen. ``limit`` bounds what is kept (nothing at 0).
    """

    __slots__ = (
        "_areas",
        "_derived",
        "_derived_reads",
        "_idea",
        "_inputs",
        "_limit",
        "_numbers",
        "_plain",
        "_regions",
    )

    def __init__(
        self,
        idea: IdeaFacts,
        reads: tuple[str, ...],
        limits: Mapping[str, Callable[[Any], Any]],
        regions: RegionTable | None,
        areas: InterregAreas | None,
        limit: int,
    ) -> None:
        self._idea, self._regions, self._areas, self._limit = idea, regions, areas, limit
        derived = tuple(n for n in reads if n not in _OWN_FIELDS or n in _DERIVED_FROM)
        self._derived_reads = tuple((n, limits.get(n)) for n in derived)
        self._inputs = operator.itemgetter(*_DERIVED_FROM)
        fields = [n for n in reads if n not in derived]
        # The fields read as given, and the numbers read by the interval they fall in (None stays None).
        plain = tuple(n for n in fields if n not in limits)
        self._plain: Callable[[dict[str, Any]], Any] = operator.itemgetter(*plain) if plain else lambda given: ()
        self._numbers = tuple((n, limits[n]) for n in fields if n in limits)
        self._derived: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def __call__(self, municipality: Municipality) -> tuple[Any, ...]:
        given = municipality.__dict__
        inputs = self._inputs(given)
        derived = self._derived.get(inputs)
        if derived is None:
            own, _ = self._idea.own_facts(municipality, self._regions, self._areas, explain=False)
            derived = tuple(own[n] if interval is None else interval(own[n]) for n, interval in self._derived_reads)
            if len(self._derived) < self._limit:
                self._derived[inputs] = derived
        numbers = [None if (value := given[n]) is None else interval(value) for n, interval in self._numbers]
        return (derived, self._plain(given), *numbers)
