"""What the web page and the API accept, and how bad input becomes a located, suggested error.

Both front doors end in the same library calls: a `Municipality` (typed in, or from a place of the register with
the officer's values winning), a `ProjectIdea`, and the shipped rule pack. Nothing here knows about HTTP.
"""

from __future__ import annotations

import csv
import io
import re
import reprlib
import time
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

import fundmatch
from fundmatch import Municipality, Place, ProfileError, ProjectIdea, RulePack
from fundmatch._web._core import (
    EMPTY_IDEA,
    ERROR_COLUMNS,
    EU_MEMBER_STATES,
    SUMMARY_COLUMNS,
    GoodRow,
    PlacesRegister,
    ScreenedRows,
    TableHeaderError,
    TextLines,
    amount_of,
    country_from_name,
    country_label,
    did_you_mean,
    empty_idea,
    euro_amount,
    model_at,
    output_columns,
    read_table,
    resolve_place,
    title_from,
    with_extra,
)
from fundmatch._web._core import choose_place as _library_choose_place

# ------------------------------------------------------------------------------------------ structured errors


@dataclass
class Problem:
    """One thing wrong with the input: where (a dotted field path), what, and the closest valid value."""

    field: str
    message: str
    suggestion: str | None = None
    input: Any = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.suggestion is not None:
            data["suggestion"] = self.suggestion
        # The offending value is echoed only when it is small and plain (never a whole sub-document).
        if isinstance(self.input, int | float | bool) or (isinstance(self.input, str) and len(self.input) <= 200):
            data["input"] = self.input
        return data

    def __str__(self) -> str:
        hint = f" (did you mean '{self.suggestion}'?)" if self.suggestion else ""
        where = f"{self.field}: " if self.field else ""
        return f"{where}{self.message}{hint}"


class InputError(Exception):
    """Bad input, as problems each naming its field; ``candidates`` when a place name is ambiguous."""

    def __init__(self, problems: list[Problem], candidates: Sequence[Place] = ()) -> None:
        self.problems = problems
        self.candidates = list(candidates)
        super().__init__("; ".join(str(p) for p in problems))


_QUOTED = re.compile(r"'([^']*)'")
_FIELD_IN_MESSAGE = re.compile(r"^(?P<field>[a-z_]+): (?P<message>.+)$", re.DOTALL)


def problems_from(
    errors: Sequence[Mapping[str, Any]], model: type[BaseModel] | None, prefix: Sequence[Any] = ()
) -> list[Problem]:
    """pydantic's (or FastAPI's) error dicts as `Problem`s, with the library's did-you-mean for unknown keys and
    vocabulary ids; ``model`` is the model the locations start in, ``prefix`` goes in front of them."""
    problems = []
    for error in errors:
        loc = [*prefix, *error["loc"]]
        message = str(error["msg"]).removeprefix("Value error, ")
        suggestion = None
        kind = error["type"]
        if empty_idea(error, model):
            message = EMPTY_IDEA
        elif kind == "extra_forbidden":
            holder = model_at(model, error["loc"][:-1])
            if holder is not None:
                suggestion = did_you_mean(str(error["loc"][-1]), holder.model_fields)
            message = "unknown field"
        elif kind in ("enum", "literal_error") and isinstance(error.get("input"), str):
            expected = _QUOTED.findall(str((error.get("ctx") or {}).get("expected", "")))
            suggestion = did_you_mean(error["input"], expected)
        elif kind == "value_error":
            # Model-level checks name their field in the message ("nuts: 'X' is not in country IT …").
            m = _FIELD_IN_MESSAGE.match(message)
            holder = model_at(model, error["loc"])
            if m and holder is not None and m.group("field") in holder.model_fields:
                loc, message = [*loc, m.group("field")], m.group("message")
        problems.append(
            Problem(".".join(str(p) for p in loc), message, suggestion, error.get("input") if loc else None)
        )
    return problems


def validate(model: type[BaseModel], data: Any, prefix: Sequence[Any] = ()) -> Any:
    """``model.model_validate(data)``, raising `InputError` with located, suggested problems."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc.errors(include_url=False), model, prefix)) from None


# ------------------------------------------------------------------------------------------------- the idea


def idea_from_text(text: str) -> dict[str, Any]:
    """An idea given as one sentence or a paragraph in any language: the description, its title derived."""
    return {"title": title_from(text) or text.strip()[:80], "description": text.strip()}


# ---------------------------------------------------------------------------------------------- the places


_LABEL = re.compile(r"\((?P<country>[A-Z]{2}), [^(),]+, LAU (?P<lau>[^()]+)\)\s*$")


def place_from_label(text: str, register: PlacesRegister) -> Place | None:
    """The place a suggestion's label names exactly (``Altena, Stadt (DE, DEA58, LAU 05962004)``), or None."""
    m = _LABEL.search(text)
    return register.get(m.group("country"), m.group("lau")) if m else None


def find_candidates(text: str, register: PlacesRegister, country: str | None = None, limit: int = 10) -> list[Place]:
    """Places like the officer's text: an exact label first; else by name, within ``country`` when given."""
    exact = place_from_label(text, register)
    if exact is not None:
        return [exact]
    if country:
        return fundmatch.find_place(text, country, register=register, limit=limit)
    return resolve_place(text, register=register, limit=limit)


def choose_place(text: str, register: PlacesRegister, country: str | None = None) -> Place:
    """The one place the text means; an ambiguous or unknown name is an `InputError`, never a guess.

    The library's rule, as ``match(place=...)``: the best candidate is taken only when no other comes close.
    """
    exact = place_from_label(text, register)
    if exact is not None:
        return exact
    try:
        return _library_choose_place(text, register=register, country=country)
    except fundmatch.AmbiguousPlaceError as exc:
        raise InputError(
            [
                Problem(
                    "place", f"{reprlib.repr(text)} matches {len(exc.candidates)} places about equally well: choose one"
                )
            ],
            candidates=exc.candidates,
        ) from None
    except ProfileError:
        where = f" in {country}" if country else ""
        raise InputError(
            [Problem("place", f"no place like {reprlib.repr(text)}{where} in the places register")]
        ) from None


#: Municipality fields that may be given beside a place; each wins over the register's value.
ProfileValues = create_model(  # type: ignore[call-overload]
    "ProfileValues",
    __config__=ConfigDict(extra="forbid", str_strip_whitespace=True),
    __doc__="Municipality fields that win over the places register's values (all optional).",
    **{
        name: (info.annotation | None, Field(default=None, description=info.description))  # type: ignore[operator]
        for name, info in Municipality.model_fields.items()
    },
)


def profile_for_place(place: Place, values: Mapping[str, Any], prefix: str = "profile") -> Municipality:
    """`Municipality.from_place` with the officer's values winning; bad values as located problems."""
    try:
        return Municipality.from_place(place, **dict(values))
    except ValidationError as exc:
        raise InputError(problems_from(exc.errors(include_url=False), Municipality, (prefix,))) from None
    except ProfileError as exc:
        # A value the register lacks (France has no population): the library says why, at that field.
        where = f"{prefix}.{exc.field}" if exc.field else prefix
        raise InputError([Problem(where, str(exc))]) from None


# ---------------------------------------------------------------------------------------------- the API's input


class MatchRequest(BaseModel):
    """What ``POST /api/match`` takes: a profile, or a place of the register (and values that win), an idea."""

    model_config = ConfigDict(extra="forbid")

    profile: Municipality | None = Field(default=None, description="The municipality, typed in (or give `place`).")
    place: str | None = Field(
        default=None,
        max_length=200,
        description="A place of the register instead of a profile: 'Altena, DE', or a label from /api/places.",
    )
    values: ProfileValues | None = Field(  # type: ignore[valid-type]
        default=None, description="With `place`: municipality values that win over the register's (all optional)."
    )
    idea: ProjectIdea = Field(description="The project idea; a plain string is read as its description, any language.")
    funds: list[str] | None = Field(default=None, max_length=20, description="Only these funds (default: all).")
    period: str = Field(default=fundmatch.DEFAULT_PERIOD, max_length=20, description="Programming period.")

    @model_validator(mode="before")
    @classmethod
    def _idea_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("idea"), str):
            return {**data, "idea": idea_from_text(data["idea"])}
        return data

    @model_validator(mode="after")
    def _profile_or_place(self) -> MatchRequest:
        if (self.profile is None) == (self.place is None):
            raise ValueError("profile: give either a profile or a place, not both and not neither")
        if self.values is not None and self.place is None:
            raise ValueError("values: only with a place (put the values in the profile)")
        return self


def pack_for(period: str) -> RulePack:
    """The shipped pack of a period, loaded once per process (`fundmatch.load_rules` caches it)."""
    try:
        return fundmatch.load_rules(period)
    except fundmatch.FundmatchError as exc:
        raise InputError([Problem("period", str(exc))]) from None


def check_funds(pack: RulePack, funds: Sequence[str] | None) -> list[str] | None:
    """The funds as the pack names them; an unknown one is a problem with the closest fund id."""
    if not funds:
        return None
    aliases = {"ESF": "ESF+", "ESFPLUS": "ESF+", "LEADER": "EAFRD"}
    chosen, problems = [], []
    for i, name in enumerate(funds):
        key = aliases.get(name.strip().upper(), name.strip().upper())
        if key in pack.funds:
            chosen.append(key)
        else:
            problems.append(
                Problem(
                    f"funds.{i}",
                    f"unknown fund; this pack has {', '.join(pack.funds)}",
                    did_you_mean(key, pack.funds),
                    name,
                )
            )
    if problems:
        raise InputError(problems)
    return chosen


def run_match(request: MatchRequest, register: PlacesRegister | None) -> fundmatch.MatchReport:
    """The report for an API request (the same engine and data as the page)."""
    pack = pack_for(request.period)
    funds = check_funds(pack, request.funds)
    if request.place is not None:
        if register is None:
            raise InputError([Problem("place", "no places register on this server: give a profile instead")])
        values: dict[str, Any] = request.values.model_dump(exclude_none=True) if request.values is not None else {}
        profile = profile_for_place(choose_place(request.place, register), values, prefix="values")
    else:
        assert request.profile is not None  # checked by the model
        profile = request.profile
    try:
        return pack.match(profile, request.idea, funds=funds)
    except ProfileError as exc:
        raise InputError([Problem("", str(exc))]) from None


# -------------------------------------------------------------------------------------------- the page's form


#: The officer's form: every field a string as the browser sends it.
FORM_FIELDS = (
    "place", "country", "population", "degurba", "nuts", "border_region", "leader_lag",
    "title", "description", "partners", "budget_eur", "duration_months", "applicant_type",
)  # fmt: skip

#: The longest name the page looks up (the API's `place` has the same bound).
_MAX_NAME = 200

#: Municipality fields the form names differently.
_FORM_NAME = {"name": "place"}

#: Names of the EU-27 for the country choice (CLDR's English names).
COUNTRY_NAMES = {code: country_label(code) for code in sorted(EU_MEMBER_STATES)}


def _number(text: str, *, integer: bool) -> float | int | str:
    """A number as officers write it: spaces, apostrophes and thousands separators allowed ("16.922", "60 000")."""
    raw = re.sub(r"[\s'’\u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", raw):
        raw = re.sub(r"[.,]", "", raw)
    elif not integer:
        raw = raw.replace(",", ".")
    try:
        return int(raw) if integer else float(raw)
    except ValueError:
        return text  # pydantic names it as not a number, with the field


def _tristate(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)


def partner_countries(text: str) -> list[dict[str, str]]:
    """Partners' countries written as codes or names (in any EU language), separated by commas, semicolons or
    spaces."""
    parts = [p.strip() for p in re.split(r"[,;\n]+", text) if p.strip()]
    words: list[str] = []
    for part in parts:
        words.extend([part] if country_from_name(part) else part.split())
    return [{"country": country_from_name(w) or w} for w in words]


def form_errors(problems: Sequence[Problem]) -> dict[str, str]:
    """One message per form field (the first problem of each), e.g. ``{"population": "Field required"}``."""
    by_field: dict[str, str] = {}
    for p in problems:
        head, _, rest = p.field.partition(".")
        name = _FORM_NAME.get(head, head) or "place"
        # "partners.1.country" → "partner 2: …": the form has one field for every partner.
        where = f"partner {int(rest.split('.')[0]) + 1}: " if head == "partners" and rest[:1].isdigit() else ""
        hint = f" (did you mean '{p.suggestion}'?)" if p.suggestion else ""
        by_field.setdefault(name, f"{where}{p.message}{hint}")
    return by_field


@dataclass
class FormResult:
    """The form read: the profile and idea to match, or the problems by form field."""

    values: dict[str, str]
    profile: Municipality | None = None
    idea: ProjectIdea | None = None
    place: Place | None = None
    problems: list[Problem] = field(default_factory=list)
    candidates: list[Place] = field(default_factory=list)

    def errors_by_field(self) -> dict[str, str]:
        """One message per form field (the first problem of each), e.g. ``{"population": "Field required"}``."""
        return form_errors(self.problems)


def form_values(form: Mapping[str, Any]) -> dict[str, str]:
    """The form's known fields as trimmed strings (unknown fields ignored, files never)."""
    return {k: str(form.get(k) or "").strip() for k in FORM_FIELDS if isinstance(form.get(k) or "", str)}


def idea_from_form(values: Mapping[str, str]) -> dict[str, Any]:
    """The ProjectIdea fields of the form (title derived from the description when left empty)."""
    data: dict[str, Any] = {}
    description = values.get("description", "")
    title = values.get("title", "") or title_from(description)
    if title:
        data["title"] = title
    if description:
        data["description"] = description
    if values.get("partners"):
        data["partners"] = partner_countries(values["partners"])
    if values.get("budget_eur"):
        budget = _number(values["budget_eur"], integer=False)
        if isinstance(budget, str):
            # "50 000 EUR", "€ 50.000", "1,5 Mio": the field is in euro, so an amount without a currency is too.
            term = euro_amount(budget) or euro_amount(f"{budget} EUR")
            budget = amount_of(term) if term is not None else budget
        data["budget_eur"] = budget
    if values.get("duration_months"):
        data["duration_months"] = _number(values["duration_months"], integer=True)
    if values.get("applicant_type"):
        data["applicant_type"] = values["applicant_type"]
    return data


def read_form(form: Mapping[str, Any], register: PlacesRegister | None) -> FormResult:
    """The officer's form as a profile and an idea; every problem named by its form field."""
    values = form_values(form)
    # A place picked from the list of equally good candidates replaces the name typed.
    choice = form.get("place_choice")
    if isinstance(choice, str) and choice.strip():
        values["place"] = choice.strip()
    result = FormResult(values)
    given: dict[str, Any] = {}
    if values.get("population"):
        given["population"] = _number(values["population"], integer=True)
    if values.get("degurba"):
        given["degurba"] = values["degurba"]
    if values.get("nuts"):
        given["nuts"] = values["nuts"]
    for key in ("border_region", "leader_lag"):
        if _tristate(values.get(key, "")) is not None:
            given[key] = _tristate(values[key])
    country = values.get("country") or None
    name = values.get("place", "")

    try:
        if not name:
            raise InputError([Problem("place", "give the municipality's name")])
        if len(name) > _MAX_NAME:
            # Names are short; a long text would only make the fuzzy search slow.
            raise InputError([Problem("place", f"a name of at most {_MAX_NAME} characters, please")])
        if register is not None:
            try:
                result.place = choose_place(name, register, country)
            except InputError as exc:
                # A name the register does not know is fine when the officer typed the profile in by hand.
                if exc.candidates or not (country and "population" in given):
                    raise
        if result.place is not None:
            # A country chosen on the form only narrowed the search; the register's country stands.
            result.profile = profile_for_place(result.place, given)
        else:
            if country:
                given["country"] = country
            result.profile = validate(Municipality, {"name": name, **given})
    except InputError as exc:
        result.problems.extend(exc.problems)
        result.candidates = exc.candidates
    try:
        result.idea = validate(ProjectIdea, idea_from_form(values))
    except InputError as exc:
        result.problems.extend(exc.problems)
    return result


# ---------------------------------------------------------------------------------------------- screening a CSV


class TimeLimitExceeded(Exception):
    """The work took longer than the request's time limit; what was done is dropped."""


def decode_csv(data: bytes, name: str) -> str:
    """The upload's text, decoded as `fundmatch screen` decodes a file (UTF-8, UTF-16, or Excel's cp1252)."""
    return "".join(TextLines(io.BytesIO(data)))


def read_municipalities(text: str, max_rows: int) -> tuple[list[Municipality], list[dict[str, Any]]]:
    """The rows of a municipalities CSV (the columns of `fundmatch screen`), and one error row per bad cell.

    The table is read by the reader `fundmatch screen` uses (any delimiter, any header case, ``ja``/``nein``,
    ``43 800``); every bad row is reported with its line, none is dropped silently.
    """
    try:
        table = read_table(io.StringIO(text, newline=""), "upload", max_rows=max_rows)
    except TableHeaderError as exc:
        return [], [p.as_dict() for p in exc.problems]
    good: list[GoodRow] = []
    errors: list[dict[str, Any]] = []
    for row in table.rows:
        if isinstance(row, list):
            errors.extend(p.as_dict() for p in row)
        else:
            good.append(row)
    return ScreenedRows(good, table.extra_columns), errors


def csv_text(columns: Sequence[str], rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def errors_csv(errors: list[dict[str, Any]]) -> str:
    """The errors file: one row per bad cell (line, column, value, problem), as `fundmatch screen` reports them."""
    return csv_text(ERROR_COLUMNS, errors)


def screen(
    pack: RulePack, profiles: list[Municipality], idea: ProjectIdea, funds: list[str] | None, deadline: float
) -> str:
    """The results CSV of `fundmatch screen`: one row per municipality × fund, stopped at the deadline."""

    extras = getattr(profiles, "extras", None) or [{}] * len(profiles)
    columns = output_columns(SUMMARY_COLUMNS, getattr(profiles, "extra_columns", ()))

    def rows() -> Iterator[dict[str, Any]]:
        results = pack.iter_match(profiles, idea, funds, detail="summary")
        for result, extra in zip(results, extras, strict=True):
            if time.monotonic() > deadline:
                raise TimeLimitExceeded
            yield from with_extra(result.to_rows(), extra, SUMMARY_COLUMNS)

    return csv_text(columns, rows())


# -------------------------------------------------------------------------------------------------- file names


def file_stem(text: str) -> str:
    """An ASCII file name part from a municipality's name ("Bressanone/Brixen" → "bressanone-brixen")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-").lower()[:60]
    return slug or "report"
