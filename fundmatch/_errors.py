"""The one error tree of fundmatch.

::

    FundmatchError                 base of everything fundmatch raises on purpose
    ├── RulePackError (ValueError) a rule file or rule folder is wrong: file, line, rule id, field, suggestion
    ├── ProfileError (ValueError)  an argument to match() is wrong in a way pydantic cannot name
    │   └── AmbiguousPlaceError    a place name several places share about equally well: the candidates
    ├── PlacesError (ValueError)   the places register is missing, or a LAU file cannot be read
    └── InputFileError (ValueError) an input file of the command line cannot be read: file, line, what

Bad input models raise pydantic's own ``ValidationError`` (also a ``ValueError``), which names the field.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class FundmatchError(Exception):
    """Base class of every error fundmatch raises on purpose."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt ``word``, or None when nothing is close."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


class RulePackError(FundmatchError, ValueError):
    """A rule pack (or one of its data files) is wrong.

    Attributes:
        path: the file at fault, when there is one.
        line: 1-based line in that file, when known.
        rule_id: the rule at fault, when the problem is inside a rule.
        field: the key or symbol at fault, when there is one.
        suggestion: the closest valid name to a misspelt one.
        problem: the problem alone, without the location.
    """

    def __init__(
        self,
        problem: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        rule_id: str | None = None,
        field: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.problem = problem
        self.path = Path(path) if path is not None else None
        self.line = line
        self.rule_id = rule_id
        self.field = field
        self.suggestion = suggestion
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path) + (f":{self.line}" if self.line else "") + ": "
        rule = f"rule '{self.rule_id}': " if self.rule_id else ""
        hint = f" (did you mean '{self.suggestion}'?)" if self.suggestion else ""
        return f"{where}{rule}{self.problem}{hint}"

    def __str__(self) -> str:
        return self._format()


class ProfileError(FundmatchError, ValueError):
    """An argument to ``match`` is unusable (not a profile or idea, an unknown fund or period).

    Attributes:
        field: the profile field at fault, when there is one (a value the places register lacks).
    """

    field: str | None = None


class AmbiguousPlaceError(ProfileError):
    """A place name that several places of the register match about equally well; never a silent guess.

    Attributes:
        text: the name as given.
        candidates: the `Place`s it could mean, best first; each one's ``lau`` code picks it.
    """

    def __init__(self, text: str, candidates: list[Any]) -> None:
        self.text = text
        self.candidates = list(candidates)
        listed = "; ".join(getattr(c, "label", str(c)) for c in self.candidates[:8])
        more = f" and {len(self.candidates) - 8} more" if len(self.candidates) > 8 else ""
        first = self.candidates[0] if self.candidates else None
        example = f" (e.g. '{first.country} {first.lau}')" if first is not None else ""
        countries = {getattr(c, "country", None) for c in self.candidates}
        # Places of one country: the country was given, or does not tell them apart; the LAU code does.
        hint = (
            f"They are all in {first.country}: give the LAU code{example}."
            if first is not None and len(countries) == 1
            else f"Add the country, or give the LAU code{example}."
        )
        super().__init__(f"{reprlib.repr(text)} matches several places about equally well: {listed}{more}. {hint}")


class PlacesError(FundmatchError, ValueError):
    """The places register is missing, or a LAU file cannot be read (says which file and what)."""


class InputFileError(FundmatchError, ValueError):
    """A profile, idea or municipalities file cannot be read or holds a bad value (says file, line and what)."""


class ExpressionProblem(Exception):
    """An expression or template is wrong; the loader adds file, line and rule id (a `RulePackError`).

    Internal: it never leaves fundmatch. It lives here, below both the rule-engine side of expressions
    (`fundmatch._parse`) and the side that runs without rule-engine (`fundmatch._expressions`).
    """

    def __init__(self, problem: str, field: str | None = None, suggestion: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field
        self.suggestion = suggestion
