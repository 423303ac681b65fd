"""Profile values worked out from a period's tables, each with its source: the one place that derives them.

A value the user gave always wins and is not reported. A value derived is reported as a `DerivedValue` naming
the table row it came from (and whether that row is doubtful); a value the tables cannot give stays unknown,
never silently false: the category of region and outermost status from the table of regions, the border region
from the Interreg programme areas, the planned end of a project from its start and duration.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from fundmatch._countries import COUNTRIES_WITH_OUTERMOST_REGIONS
from fundmatch._evidence import DerivedValue
from fundmatch._ids import RegionCategory
from fundmatch._inputs import Municipality, ProjectIdea
from fundmatch._interreg_areas import InterregAreas, Programme
from fundmatch._regions import RegionTable


def derive_region(
    municipality: Municipality, regions: RegionTable | None, *, explain: bool = True
) -> tuple[dict[str, Any], list[DerivedValue]]:
    """``region_category`` (and whether its row is doubtful), its 2014–2020 category and ``outermost_region`` from
    the table of regions.

    Returns the facts to set and (if ``explain``) the values derived, with sources.
    """
    country = municipality.country
    nuts = municipality.nuts
    own: dict[str, Any] = {}
    derived: list[DerivedValue] = []
    region = regions.lookup(nuts) if (regions is not None and nuts) else None
    own["region_category_doubtful"] = None
    if municipality.region_category is not None:
        own["region_category_doubtful"] = False
    elif region is not None:
        own["region_category"] = region.category.value
        own["region_category_doubtful"] = region.doubtful
        if explain:
            of_act = f" of {regions.act}" if regions is not None and regions.act else ""
            derived.append(
                DerivedValue(
                    field="region_category",
                    value=region.category.value,
                    source=f"{region.nuts2} {region.name} in the shipped table{of_act}: {region.source_2021_2027}",
                    doubtful=region.doubtful,
                )
            )
    elif nuts is not None and explain:
        uses = f" (it uses NUTS {regions.nuts_version} codes)" if regions is not None and regions.nuts_version else ""
        derived.append(
            DerivedValue(
                field="region_category",
                value=None,
                source=f"NUTS-2 region {nuts[:4]} is not in the shipped table{uses}",
                doubtful=True,
            )
        )

    # The 2014–2020 category is an explicit 'unknown' where the table has none, not a missing fact: the rates
    # that need it are then not chosen, and the range of the category's rates is shown instead.
    own["region_category_2014_2020"] = "unknown"
    own["region_category_2014_2020_inferred"] = False
    if region is not None and region.category_2014_2020 is not None:
        own["region_category_2014_2020"] = region.category_2014_2020.value
        own["region_category_2014_2020_inferred"] = region.inferred_2014_2020
        if explain:
            derived.append(
                DerivedValue(
                    field="region_category_2014_2020",
                    value=region.category_2014_2020.value,
                    source=f"{region.nuts2} {region.name} in the shipped table: {region.source_2014_2020}",
                    doubtful=region.inferred_2014_2020,
                )
            )
    elif region is not None and region.category is not RegionCategory.LESS_DEVELOPED and explain:
        # Said where it decides a rate (CPR Art. 112(3)(b)-(d)): why a range is shown.
        derived.append(
            DerivedValue(
                field="region_category_2014_2020",
                value="unknown",
                source=f"{region.nuts2} {region.name}: the shipped table has no 2014–2020 category for it, so the"
                " co-financing rates that depend on it are shown as a range",
            )
        )

    if municipality.outermost_region is None:
        # Only France, Spain and Portugal have outermost regions (TFEU Art. 349).
        if country not in COUNTRIES_WITH_OUTERMOST_REGIONS:
            own["outermost_region"] = False
        elif region is not None:
            own["outermost_region"] = region.outermost
            if explain:
                derived.append(
                    DerivedValue(
                        field="outermost_region",
                        value=region.outermost,
                        source=f"{region.nuts2} in the shipped table",
                    )
                )
    return own, derived


def cross_border_programmes(areas: InterregAreas, nuts: str) -> list[Programme]:
    """The cross-border (strand A) programmes known to cover a region: the ones that make it a border region."""
    return [p for p in areas.programmes_for(nuts) if p.cross_border]


def derive_border_region(
    areas: InterregAreas | None, nuts: str | None, given: bool | None, *, explain: bool = True
) -> tuple[bool | None, list[DerivedValue]]:
    """``border_region`` from the programme areas, and (if ``explain``) what was derived, with sources.

    Positive evidence only: a region found in a cross-border (strand A) programme area is a border region;
    a region not found stays unknown (None), never False. A value the user gave wins.
    """
    if areas is None or not nuts:
        return given, []
    programmes = areas.programmes_for(nuts)
    if not programmes:
        return given, []
    if not explain:
        return (True if given is None and any(p.cross_border for p in programmes) else given), []
    derived = [
        DerivedValue(
            field="interreg_programmes",
            value=[p.name for p in programmes],
            source="; ".join(f"{p.name}, strand {p.strand}: {p.source}" for p in programmes),
        )
    ]
    cross_border = [p for p in programmes if p.cross_border]
    if given is None and cross_border:
        names = ", ".join(p.name for p in cross_border)
        derived.append(DerivedValue(field="border_region", value=True, source=f"{nuts} is in the area of {names}"))
        return True, derived
    return given, derived


def planned_end(idea: ProjectIdea) -> _dt.date | None:
    """The project's last day: its end date, or its start plus its duration in months."""
    end = idea.end_date
    if end is None and idea.start_date is not None and idea.duration_months is not None:
        end = _add_months(idea.start_date, idea.duration_months)
    return end


def _add_months(day: _dt.date, months: int) -> _dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
        # Past what a date can hold: the project ends after (or before) every date a rule can name.
        return _dt.date.max if months > 0 else _dt.date.min
    # Clamp to the month's last day (31 January + 1 month is 28/29 February).
    for last in (day.day, 30, 29, 28):
        try:
            return _dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
