"""The evidence a result carries: where a rule comes from, what fundmatch worked out, what it read in the text.

These are made early on the data path (the loader resolves citations, the tables and the places register derive
values, the vocabulary infers terms) and carried unchanged into the report, so they live below all of those
rather than in the report module that shows them last.
"""

from __future__ import annotations

import typing
from typing import Any, ClassVar, NoReturn, Self, SupportsIndex, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

_T = TypeVar("_T")

_new = object.__new__
# The slots every pydantic model has, set directly (what model_construct does, minus its per-field work); the
# instance dict through its own slot, past a model's `__dict__` property (`fundmatch._report.RuleHit`).
_get_dict = BaseModel.__dict__["__dict__"].__get__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class ReadOnlyList(list[_T]):
    """The list of a report's field: a plain list to read (index, iterate, compare, serialise), never changed.

    Equal cases of a batch share their results through the engine's memo, so a list changed in one report
    would change every later report of the same case: a report is a value, as its frozen models are. Copy it
    (``list(report.ranking)``) to change it.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            "a report's lists are read-only (reports of equal cases share them): copy one with list(...) to change it"
        )

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = remove = clear = sort = reverse = _refuse

    def pop(self, index: SupportsIndex = -1) -> NoReturn:
        self._refuse()

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (Dask, Spark, multiprocessing) as its items, not rebuilt by appending them one by one.
        return ReadOnlyList, (list(self),)

    def __copy__(self) -> ReadOnlyList[_T]:
        return self  # unchangeable: a copy would be equal and no safer


def _may_hold_list(annotation: Any) -> bool:
    # A list field, or one of any type (a derived value may be a list of programme names).
    return annotation is list or annotation is Any or typing.get_origin(annotation) is list


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True)

    #: The fields in declaration order, the one fields set every instance made by `_made` shares, and the
    #: fields that may hold a list (a `ReadOnlyList` in every instance, made or validated).
    _order: ClassVar[tuple[str, ...]] = ()
    _all: ClassVar[set[str]] = set()
    _lists: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._order = tuple(cls.model_fields)
        cls._all = set(cls._order)
        cls._lists = tuple(n for n, info in cls.model_fields.items() if _may_hold_list(info.annotation))

    @model_validator(mode="after")
    def _lists_read_only(self) -> Self:
        # A validated output is as read-only as a made one (the same types as `_made` gives, JSON unchanged).
        values = self.__dict__
        for name in self._lists:
            if type(values[name]) is list:
                values[name] = ReadOnlyList(values[name])
        # Some pydantic versions (before 2.14) give a model with a validator an empty private dict, and compare
        # it with `_made`'s None: the same value for an output without private attributes.
        _set_private(self, None)
        return self

    @classmethod
    def _made(cls, **values: Any) -> Self:
        """An instance of values the engine made itself (of the declared types), without validating them again.

        Validation is for what comes in (user input, JSON); a report is built of values the engine made, and
        validating them again copied every list and gave every object its own fields set (a third of a held
        report's memory). The instance equals ``cls.model_validate(instance.model_dump())``: fields in
        declaration order, defaults filled in, every field counted as set (the engine sets them all). The one
        fields set is shared: outputs are frozen, and pydantic copies it before changing it (``model_copy``).
        Callers that pass every field in declaration order skip the reordering; lists are made read-only
        (`ReadOnlyList`; one given as such is kept, not copied).
        """
        if tuple(values) != cls._order:
            values = cls._complete(values)
        for name in cls._lists:
            if type(values[name]) is list:
                values[name] = ReadOnlyList(values[name])
        return cls._exact(values)

    @classmethod
    def _exact(cls, values: dict[str, Any]) -> Self:
        """`_made` for values the caller gives complete: every field in declaration order, lists read-only."""
        made = _new(cls)
        _set_dict(made, values)
        _set_fields_set(made, cls._all)
        _set_extra(made, None)
        _set_private(made, None)
        return made

    @classmethod
    def _complete(cls, values: dict[str, Any]) -> dict[str, Any]:
        fields = cls.model_fields
        unknown = [n for n in values if n not in fields]
        if unknown:
            raise TypeError(f"{cls.__name__} has no field {unknown[0]}")
        state = {}
        for name, info in fields.items():
            if name in values:
                state[name] = values[name]
            elif info.is_required():
                raise TypeError(f"{cls.__name__} needs {name}")
            else:
                state[name] = info.get_default(call_default_factory=True)
        return state


class Citation(_Output):
    """Where a rule comes from: the legal act, the article, and a link."""

    act: str = Field(description="The legal act, e.g. 'Regulation (EU) 2021/1059 (Interreg)'.")
    article: str | None = Field(default=None, description="Article and paragraph, e.g. 'Art. 23(1)'.")
    link: str | None = Field(default=None, description="Where to read the act.")

    def __str__(self) -> str:
        text = self.act + (f", {self.article}" if self.article else "")
        return text + (f" <{self.link}>" if self.link else "")


class DerivedValue(_Output):
    """A profile value fundmatch worked out itself, with where it comes from."""

    field: str
    value: Any
    source: str
    doubtful: bool = False


class InferredTerm(_Output):
    """One theme, target group, activity, partner's country or budget read from the free text, with its evidence."""

    field: str = Field(description="'themes', 'target_groups', 'activities', 'partners' or 'budget_eur'.")
    id: str = Field(
        description="The vocabulary id inferred (for partners: the country's ISO code; for the budget: 'EUR 50,000')."
    )
    matched: str = Field(description="The words of the text that matched.")
    term: str = Field(description="The vocabulary term they matched.")
    language: str = Field(description="Language of that term (ISO 639-1).")
    similarity: float = Field(description="rapidfuzz similarity, 0–100.")
