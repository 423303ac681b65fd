"""Bad input as an officer can fix it: every problem at once, and the valid name closest to a misspelt one.

pydantic names the field, but says "Extra inputs are not permitted" for ``popualtion`` and lists 22 ids for
``themes: [migration]``. Here an unknown key gets the closest field name (``popualtion`` → ``population``,
``budget`` → ``budget_eur``) and a wrong id the close ids (``migration`` → ``migrant_integration``), with
the unknown keys first: the "Field required" that a typo causes then reads as its consequence.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

_QUOTED = re.compile(r"'([^']*)'")


def close_names(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to a misspelt ``word``: similar spelling, or a name that starts with it or holds it."""
    names = list(candidates)
    folded = word.strip().lower().replace(" ", "_").replace("-", "_")
    found = difflib.get_close_matches(folded, names, n=n, cutoff=0.6)
    # "budget" → "budget_eur", "migra" → "migrant_integration": a prefix or a part is a strong hint too.
    stem = folded[: max(4, len(folded) - 3)]
    for name in names:
        if len(found) >= n:
            break
        if name not in found and len(folded) >= 4 and (name.startswith(folded) or stem in name):
            found.append(name)
    return found


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def model_at(model: type[BaseModel] | None, loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model that holds the last key of ``loc`` (list indices skipped), for suggesting its field names."""
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            return None
        current = _model_in(current.model_fields[part].annotation)
    return current


def _quoted(names: Sequence[str]) -> str:
    return " or ".join(f"'{n}'" for n in names)


EMPTY_IDEA = "the idea is empty: give a title, or write a sentence or two about the project (description)"


def empty_idea(error: Any, model: type[BaseModel] | None) -> bool:
    """Whether ``error`` is an idea's missing or empty title: the idea has no words at all (a description
    would have given it its title), which an officer reads better as that than as "title: Field required"."""
    loc = error["loc"]
    if not loc or loc[-1] != "title" or error["type"] not in ("missing", "string_too_short"):
        return False
    from fundmatch._inputs import ProjectIdea

    return model_at(model, loc[:-1]) is ProjectIdea


def _improved(error: Any, model: type[BaseModel]) -> tuple[str, str] | None:
    """(error type, message) for an error worth rewording, else None."""
    loc = error["loc"]
    if empty_idea(error, model):
        return "empty_idea", EMPTY_IDEA
    if error["type"] == "extra_forbidden" and loc:
        holder = model_at(model, loc[:-1])
        close = close_names(str(loc[-1]), holder.model_fields) if holder is not None else []
        hint = f": did you mean {_quoted(close)}?" if close else ""
        return "unknown_field", f"unknown field{hint}"
    if error["type"] == "enum" and isinstance(error.get("input"), str):
        expected = _QUOTED.findall(str((error.get("ctx") or {}).get("expected", "")))
        close = close_names(error["input"], expected)
        hint = f"did you mean {_quoted(close)}? " if close else ""
        return "unknown_id", f"{error['input']!r} is not a known id: {hint}(known: {', '.join(expected)})"
    return None


def _order(error: Any) -> int:
    return 0 if error["type"] == "extra_forbidden" else 1


def with_suggestions(exc: ValidationError, model: type[BaseModel]) -> ValidationError:
    """The same errors, unknown keys first, misspelt keys and ids with the closest valid names."""
    details: list[InitErrorDetails] = []
    for error in sorted(exc.errors(include_url=False), key=_order):
        better = _improved(error, model)
        if better is not None:
            kind, message = better
            details.append({"type": PydanticCustomError(kind, message), "loc": error["loc"], "input": error["input"]})
        else:
            # pydantic rebuilds its own messages from the type and context.
            item: InitErrorDetails = {"type": error["type"], "loc": error["loc"], "input": error["input"]}
            if "ctx" in error:
                item["ctx"] = error["ctx"]
            details.append(item)
    try:
        return ValidationError.from_exception_data(exc.title, details)
    except (TypeError, ValueError, KeyError):  # an error type pydantic cannot rebuild: keep its own words
        return exc


def problem_lines(exc: ValidationError) -> list[str]:
    """Every error as ``field: message``, one per line (``themes.0: …`` for list items)."""
    lines = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "(top level)"
        message = str(error["msg"]).removeprefix("Value error, ")
        # Model-level checks already name their field ("nuts: 'X' is not in country IT").
        lines.append(message if where == "(top level)" and ": " in message else f"{where}: {message}")
    return lines


def validate(model: type[Any], data: Any) -> Any:
    """``model.model_validate(data)``; a `ValidationError` carries every problem, with suggestions."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise with_suggestions(exc, model) from None
