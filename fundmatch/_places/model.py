"""A place of the register, and what is known to be shaky about it.

Each place keeps where it came from (the file, its vintage and NUTS version); its caveats say, never smooth
over, what an officer should check: parishes that are not municipalities, NUTS codes that changed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Place(BaseModel):
    """One local administrative unit (municipality, parish …) of the register, as a lookup candidate.

    Example:
        >>> p = Place(lau="05962004", name="Altena, Stadt", country="DE", nuts3="DEA58", degurba=3,
        ...           population=16922, vintage="2019", nuts_version="2016", source="EU-28-LAU-2019-NUTS-2016.xlsx")
        >>> p.nuts2, p.label
        ('DEA5', 'Altena, Stadt (DE, DEA58, LAU 05962004)')
    """

    model_config = ConfigDict(frozen=True)

    lau: str = Field(description="LAU code, unique within a country.")
    name: str = Field(description="Official name in the national language(s).")
    name_latin: str | None = Field(default=None, description="Name in Latin script, where Eurostat gives one.")
    country: str = Field(description="Country code as Eurostat writes it (Greece is EL).")
    population: int | None = Field(default=None, description="Inhabitants; None where Eurostat gives none.")
    population_year: int | None = Field(default=None, description="Reference year of the population.")
    degurba: int | None = Field(default=None, description="Degree of urbanisation 1–3; None when unknown (9).")
    nuts3: str | None = Field(default=None, description="NUTS-3 code, in the register's NUTS version.")
    coastal: bool | None = Field(default=None, description="Coastal area (Eurostat's flag); None when not given.")
    vintage: str = Field(description="Reference year of the LAU list.")
    nuts_version: str | None = Field(default=None, description="NUTS version of the codes (2016, 2021 …).")
    source: str = Field(description="The file the register was built from.")
    score: float = Field(default=100.0, description="How well the name matched the query, 0–100.")

    @property
    def nuts2(self) -> str | None:
        """The NUTS-2 code (the first four characters of the NUTS-3 code)."""
        return self.nuts3[:4] if self.nuts3 else None

    @property
    def label(self) -> str:
        """Name, country and codes, enough to tell two candidates apart."""
        return f"{self.name} ({self.country}, {self.nuts3 or 'no NUTS-3'}, LAU {self.lau})"

    @property
    def notes(self) -> list[str]:
        """What an officer should know before trusting this row."""
        return _caveats(self)


# Known NUTS 2016 → 2021 changes among the codes of the 2019 list (Regulation (EU) 2019/1755 amending the NUTS
# annex). Rows under these prefixes are flagged, not translated: some regions were split or re-cut.
_NUTS_2021_CHANGES: dict[str, str] = {
    "BE32": "Hainaut's NUTS-3 regions were redrawn in NUTS 2021 (BE328–BE32D)",
    "EE006": "Estonia's NUTS-3 regions EE006 and EE007 became EE009 and EE00A in NUTS 2021",
    "EE007": "Estonia's NUTS-3 regions EE006 and EE007 became EE009 and EE00A in NUTS 2021",
    "HR04": "continental Croatia (HR04) was split into HR02, HR05 and HR06 in NUTS 2021",
    "ITG2": "Sardinia's provinces were recoded ITG2D–ITG2H in NUTS 2021",
}


# Where the LAU is not what the officer calls a municipality.
_SUB_MUNICIPAL = {
    "PT": "in Portugal the LAUs are parishes (freguesias), not municipalities (concelhos)",
    "IE": "in Ireland the LAUs are electoral divisions, not local authorities",
}


def _nuts_caveat(nuts3: str | None, nuts_version: str | None) -> str | None:
    """Why a NUTS-3 code may not be the NUTS 2021 code the rule tables use, or None."""
    if not nuts3 or nuts_version == "2021":
        return None
    if nuts_version == "2016":
        for prefix, why in _NUTS_2021_CHANGES.items():
            if nuts3.startswith(prefix):
                return f"{nuts3} is a NUTS 2016 code; {why}: check the NUTS 2021 code"
        return None
    return f"{nuts3} is a NUTS {nuts_version or '(unknown version)'} code; fundmatch's tables use NUTS 2021"


def _caveats(place: Place) -> list[str]:
    """Everything shaky about one row, in words."""
    out: list[str] = []
    if place.population is None:
        out.append(f"Eurostat's LAU {place.vintage} list gives no population for {place.country}")
    if place.degurba is None:
        out.append("degree of urbanisation unknown (DEGURBA 9 or empty in the LAU list)")
    why = _nuts_caveat(place.nuts3, place.nuts_version)
    if why:
        out.append(why)
    if place.country in _SUB_MUNICIPAL:
        out.append(_SUB_MUNICIPAL[place.country])
    return out
