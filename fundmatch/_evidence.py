"""The evidence a result carries: where a rule comes from, what fundmatch worked out, what it read in the text.

These are made early on the data path (the loader resolves citations, the tables and the places register derive
values, the vocabulary infers terms) and carried unchanged into the report, so they live below all of those
rather than in the report module that shows them last.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Output(BaseModel):
    model_config = ConfigDict(frozen=True)


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
    """One theme, target group, activity or partner's country read from the free text, with its evidence."""

    field: str = Field(description="'themes', 'target_groups', 'activities' or 'partners'.")
    id: str = Field(description="The vocabulary id inferred (for partners: the country's ISO code).")
    matched: str = Field(description="The words of the text that matched.")
    term: str = Field(description="The vocabulary term they matched.")
    language: str = Field(description="Language of that term (ISO 639-1).")
    similarity: float = Field(description="rapidfuzz similarity, 0–100.")
