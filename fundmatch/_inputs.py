"""The inputs: a municipality profile, a project idea and its partners (pydantic v2 models).

Field descriptions double as the questions fundmatch asks when a rule needs a field that was left empty, so
they are written for a municipal officer, not a programmer.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from fundmatch._countries import ISO_COUNTRIES, NUTS_CODE, NUTS_PREFIX, to_iso
from fundmatch._country_names import country_from_name
from fundmatch._ids import Activity, OrganisationType, RegionCategory, TargetGroup, Theme


def _country(value: Any) -> Any:
    if not isinstance(value, str) or value in ISO_COUNTRIES:  # a code as ISO writes it: the commonest row
        return value
    # Eurostat writes Greece as EL and the UK as UK; ISO 3166-1 says GR and GB. A name in an EU language
    # ("Austria", "Österreich") is read too, as officers write it.
    code = to_iso(value) if len(value.strip()) == 2 else (country_from_name(value) or value)
    if code not in ISO_COUNTRIES:
        raise ValueError(
            f"'{str(value)[:40]}' is not an ISO 3166-1 alpha-2 country code (e.g. 'IT', 'DE', 'SE')"
            " nor a country's name"
        )
    return code


def title_from(text: str, limit: int = 80) -> str:
    """A title for an idea given as free text: its first sentence, cut at a word near ``limit`` characters."""
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].strip().rstrip(".")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


CountryCode = Annotated[str, Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 country code")]
# Upper case in pydantic's own validator (a Python validator costs a call per row of a batch); stripped by the
# models' ``str_strip_whitespace``.
_Upper = Annotated[str, StringConstraints(to_upper=True)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Partner(_Input):
    """An organisation taking part in the project besides the applicant."""

    country: CountryCode = Field(description="Which country is the partner organisation based in?")
    type: OrganisationType = Field(
        default=OrganisationType.OTHER_PUBLIC_BODY, description="What kind of organisation is the partner?"
    )
    name: str | None = Field(default=None, description="Name of the partner organisation.")

    _check_country = field_validator("country", mode="before")(_country)


class Municipality(_Input):
    """A municipality profile: where the applicant is and what it is like.

    Example:
        >>> Municipality(name="Tarvisio", country="IT", nuts="ITH42", population=4100).country
        'IT'
    """

    name: str = Field(min_length=1, description="Name of the municipality.")
    country: CountryCode = Field(description="In which country is the municipality?")
    nuts: _Upper | None = Field(
        default=None,
        description="What is the municipality's NUTS code (level 2 or 3, e.g. ITH42)?",
    )
    lau: _Upper | None = Field(
        default=None, description="What is the municipality's LAU (local administrative unit) code?"
    )
    population: int | None = Field(
        default=None,
        ge=0,
        le=50_000_000,
        description="How many inhabitants does the municipality (or the area the applicant acts for) have?",
    )
    degurba: int | None = Field(
        default=None,
        ge=1,
        le=3,
        description="What is the degree of urbanisation (1 city, 2 town or suburb, 3 rural area; Eurostat DEGURBA)?",
    )
    region_category: RegionCategory | None = Field(
        default=None,
        description="Which category of region (less developed, transition, more developed) is the municipality in?",
    )
    border_region: bool | None = Field(
        default=None, description="Does the municipality lie in an Interreg cross-border programme area?"
    )
    outermost_region: bool | None = Field(
        default=None, description="Does the municipality lie in an outermost region of the EU (TFEU Art. 349)?"
    )
    leader_lag: bool | None = Field(
        default=None, description="Is the municipality covered by a LEADER local action group (LAG)?"
    )
    eu_project_staff_fte: float | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="How much staff time (in full-time equivalents) is available for EU projects?",
    )
    third_country_national_share: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="What share of residents are third-country nationals (as a fraction: 0.09 is 9 %)?",
    )

    _check_country = field_validator("country", mode="before")(_country)

    @property
    def provenance(self) -> list[Any]:
        """The `DerivedValue`s behind fields filled from a place (empty for a profile typed in)."""
        private = self.__pydantic_private__
        return list(private.get("provenance", ())) if private else []

    @classmethod
    def from_place(cls, place: Any, **overrides: Any) -> Municipality:
        """A profile from a place of the register (see `fundmatch.find_place`); ``overrides`` win.

        Population, degree of urbanisation, NUTS code and, where the shipped programme areas know it,
        ``border_region`` are filled in, each with its source, which the match report lists. The tables are
        the default period's; `RulePack.profile_from_place` uses a given pack's.
        """
        # The one import up the layers: a place's profile is derived from a period's tables, which the pack
        # holds; `RulePack.profile_from_place` is the real home, this is the default period's shortcut.
        from fundmatch._pack import shipped_pack
        from fundmatch._resources import DEFAULT_PERIOD

        return shipped_pack(DEFAULT_PERIOD).profile_from_place(place, **overrides)

    @model_validator(mode="after")
    def _nuts_matches_country(self) -> Municipality:
        if self.nuts is None:
            return self
        if not NUTS_CODE.match(self.nuts):
            raise ValueError(
                f"nuts: '{self.nuts}' is not a NUTS level-2 or level-3 code"
                " (two letters and 2–3 characters, e.g. 'ITH42')"
            )
        prefix = NUTS_PREFIX.get(self.country, self.country)  # `to_eurostat` of a code validated already
        if self.nuts[:2] != prefix:
            raise ValueError(
                f"nuts: '{self.nuts}' is not in country {self.country} (NUTS codes there start with '{prefix}')"
            )
        return self


def with_provenance(profile: Municipality, derived: list[Any]) -> Municipality:
    """``profile``, now saying where its fields were derived from (kept out of the model's fields and JSON).

    Kept in pydantic's store of private values (copied, pickled and compared with the instance) without a
    declared private attribute: declaring one makes pydantic call a Python function for every profile it
    validates, a fifth of the validation of a batch's row.
    """
    object.__setattr__(profile, "__pydantic_private__", {"provenance": tuple(derived)})
    return profile


class ProjectIdea(_Input):
    """A project idea: what the municipality wants to do, for whom, with whom and for how much.

    Themes, target groups and activities left empty are inferred from the title and description.
    """

    title: str = Field(min_length=1, max_length=500, description="Short title of the project.")
    description: str = Field(
        default="", max_length=20_000, description="What is the project about, in a few sentences?"
    )
    themes: list[Theme] = Field(default_factory=list, description="What themes does the project address?")
    target_groups: list[TargetGroup] = Field(
        default_factory=list, description="Who is the project for (target groups)?"
    )
    activities: list[Activity] = Field(default_factory=list, description="What will the project do (activities)?")
    applicant_type: OrganisationType = Field(
        default=OrganisationType.MUNICIPALITY, description="What kind of organisation applies?"
    )
    partners: list[Partner] = Field(
        default_factory=list, max_length=200, description="Which organisations take part besides the applicant?"
    )
    budget_eur: float | None = Field(
        default=None, ge=0, le=1e11, description="What is the total cost of the project in EUR?"
    )
    duration_months: int | None = Field(default=None, ge=1, le=240, description="How many months will the project run?")
    start_date: date | None = Field(default=None, description="When will the project start?")
    end_date: date | None = Field(default=None, description="When will the project end (last expenditure)?")
    completed_before_application: bool | None = Field(
        default=None, description="Has the project already been completed before applying for funding?"
    )
    programme_confirmed: list[str] | None = Field(
        default=None,
        max_length=50,
        description="Ask your managing authority: does its programme have a priority and an open call for this"
        " operation? fundmatch cannot see the programmes (CPR Art. 73(2)(a) and (g)). List the funds whose"
        " authority confirmed it (e.g. ESF+, ERDF).",
    )

    @field_validator("programme_confirmed")
    @classmethod
    def _fund_ids(cls, value: list[str] | None) -> list[str] | None:
        # Fund ids as the packs write them (upper case); the pack's aliases are not known here.
        return None if value is None else list(dict.fromkeys(v.strip().upper() for v in value))

    @classmethod
    def from_text(cls, text: str, **fields: Any) -> ProjectIdea:
        """An idea written as a sentence or a paragraph, in any language: the description, its title derived.

        Example:
            >>> ProjectIdea.from_text("Sprachkurse für geflüchtete Jugendliche. Mit Mentoring.").title
            'Sprachkurse für geflüchtete Jugendliche'
        """
        return cls.model_validate({"description": text.strip(), **fields})

    @model_validator(mode="before")
    @classmethod
    def _title_from_description(cls, data: Any) -> Any:
        # A description is enough to screen an idea: its first sentence stands in for a missing title.
        blank = not str(data.get("title") or "").strip() if isinstance(data, dict) else False
        if isinstance(data, dict) and blank and isinstance(data.get("description"), str):
            title = title_from(data["description"])
            if title:
                return {**data, "title": title}
        return data

    @field_validator("themes", "target_groups", "activities")
    @classmethod
    def _unique(cls, value: list[Any]) -> list[Any]:
        # Order kept, duplicates dropped: the lists are sets with a stable order for reports.
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _dates_in_order(self) -> ProjectIdea:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date: the project cannot end before it starts")
        return self
