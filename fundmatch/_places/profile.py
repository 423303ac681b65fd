"""A municipality profile from a place of the register, each value with its source.

The border region comes from a period's Interreg programme areas (positive evidence only): a region not found
is left unknown, never set to False.
"""

from __future__ import annotations

from typing import Any

from fundmatch._countries import to_iso
from fundmatch._derive import cross_border_programmes
from fundmatch._evidence import DerivedValue
from fundmatch._interreg_areas import shipped_areas
from fundmatch._places.model import _SUB_MUNICIPAL, Place, _nuts_caveat


def profile_from_place(
    place: Place,
    *,
    regions: Any = None,
    areas: Any = None,
    **overrides: Any,
) -> tuple[dict[str, Any], list[DerivedValue]]:
    """The Municipality fields a place gives, and each derived value with its source.

    Args:
        place: a candidate from `find_place` the officer has chosen.
        regions: a `RegionTable`; when given, a NUTS-2 code the table does not know is flagged.
        areas: `InterregAreas` (default: the programme areas of the default period); a NUTS-3 region found in
            a cross-border (strand A) programme area gives ``border_region=True``. Not found is unknown:
            ``border_region`` is then left out, never set to False.
        **overrides: Municipality fields the officer gives; they win and are not reported as derived.

    Returns:
        ``(fields, derived)``: a dict for ``Municipality(**fields)`` and the `DerivedValue` list. ``population``
        is left out when the register has none (France, Cyprus): the officer must give it.
    """
    src = f"Eurostat LAU {place.vintage} ({place.source})"
    sub_municipal = _SUB_MUNICIPAL.get(place.country)
    fields: dict[str, Any] = {}
    derived: list[DerivedValue] = []

    def put(field: str, value: Any, source: str, doubtful: bool = False) -> None:
        # What the officer says wins, and is not reported as derived.
        if field in overrides:
            return
        if value is not None:
            fields[field] = value
        derived.append(DerivedValue(field=field, value=value, source=source, doubtful=doubtful))

    iso = to_iso(place.country)
    parish = f"; {sub_municipal}" if sub_municipal else ""
    put("name", place.name, f"official name of LAU {place.lau} — {src}{parish}", doubtful=bool(sub_municipal))
    put("country", iso, f"country of LAU {place.country} {place.lau} — {src}")
    put("lau", place.lau, f"LAU code — {src}{parish}", doubtful=bool(sub_municipal))
    if place.nuts3:
        note = f"NUTS-3 region of LAU {place.lau} (NUTS {place.nuts_version or 'version unknown'}) — {src}"
        why = _nuts_caveat(place.nuts3, place.nuts_version)
        if why:
            note += f"; {why}"
        unknown = regions is not None and regions.lookup(place.nuts3) is None
        if unknown:
            note += f"; NUTS-2 region {place.nuts3[:4]} is not in the table of regions"
        put("nuts", place.nuts3, note, doubtful=bool(why) or unknown)
    if place.population is not None:
        year = f" ({place.population_year})" if place.population_year else ""
        put(
            "population",
            place.population,
            f"population{year} — {src}" + (f"; of the LAU only{parish}" if sub_municipal else ""),
            doubtful=bool(sub_municipal),
        )
    else:
        put("population", None, f"no population for {place.country} in {src}: give it yourself", doubtful=True)
    if place.degurba is not None:
        put("degurba", place.degurba, f"degree of urbanisation {place.degurba} — {src}")
    else:
        put("degurba", None, f"degree of urbanisation unknown (DEGURBA 9 or empty) — {src}", doubtful=True)

    if place.nuts3 and "border_region" not in overrides:
        if areas is None:
            areas = shipped_areas()
        cross_border = cross_border_programmes(areas, place.nuts3)
        if cross_border:
            names = "; ".join(f"{p.name} ({p.source})" for p in cross_border)
            why = _nuts_caveat(place.nuts3, place.nuts_version)
            put(
                "border_region",
                True,
                f"{place.nuts3} is in the area of {names}" + (f"; {why}" if why else ""),
                doubtful=bool(why),
            )
    fields.update(overrides)
    return fields, derived
