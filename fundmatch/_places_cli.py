"""``fundmatch places``: build the local places register from Eurostat's LAU list and look names up in it.

``places import FILE`` reads a downloaded file, ``places download`` fetches it from Eurostat, and
``places find NAME`` shows the candidates with their codes and caveats, so an officer can pick the right one.
"""

from __future__ import annotations

import argparse
import json
import sys

from fundmatch._places import (
    EUROSTAT_LAU_FILES,
    PlacesRegister,
    download_register,
    find_place,
    import_register,
    load_register,
    resolve_place,
)


def _summary(register: PlacesRegister) -> str:
    where = f" in {register.path}" if register.path else ""
    nuts = f", NUTS {register.nuts_version}" if register.nuts_version else ""
    return (
        f"places register{where}: {len(register):,} LAUs in {len(register.countries)} countries,"
        f" Eurostat LAU {register.vintage}{nuts} ({register.source})\n"
    )


def _cmd_import(args: argparse.Namespace) -> int:
    register = import_register(args.file, data_dir=args.data_dir, vintage=args.year)
    sys.stdout.write(_summary(register))
    return 0


def _cmd_download(args: argparse.Namespace) -> int:
    register = download_register(args.year, url=args.url, data_dir=args.data_dir)
    sys.stdout.write(_summary(register))
    return 0


def _cmd_find(args: argparse.Namespace) -> int:
    register = load_register(data_dir=args.data_dir)
    if args.country:
        places = find_place(args.name, args.country, register=register, limit=args.limit)
    else:
        places = resolve_place(args.name, register=register, limit=args.limit)
    if args.json:
        data = [p.model_dump(mode="json") | {"nuts2": p.nuts2, "notes": p.notes} for p in places]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0 if places else 1
    if not places:
        shown = args.name if len(args.name) <= 80 else args.name[:80] + "…"
        sys.stdout.write(f"no place like '{shown}' in Eurostat LAU {register.vintage}\n")
        return 1
    if len(places) > 1:
        first = places[0]
        sys.stdout.write(
            f"{len(places)} candidates; pick one by its LAU code"
            f" (fundmatch match --place '{first.country} {first.lau}' …, or place='{first.country} {first.lau}'):\n"
        )
    for p in places:
        pop = (
            f"{p.population:,} inhabitants ({p.population_year or '?'})"
            if p.population is not None
            else "population unknown"
        )
        degurba = f"DEGURBA {p.degurba}" if p.degurba is not None else "DEGURBA unknown"
        sys.stdout.write(f"{p.score:5.1f}  {p.label}: {pop}, {degurba}\n")
        for note in p.notes:
            sys.stdout.write(f"       note: {note}\n")
    sys.stdout.write(f"source: Eurostat LAU {register.vintage} ({register.source})\n")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``places import|download|find`` to the ``fundmatch`` command line."""
    places = subparsers.add_parser("places", help="the local register of municipalities (Eurostat LAU list)")
    sub = places.add_subparsers(dest="places_command", required=True, metavar="ACTION")

    def data_dir_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data-dir",
            metavar="DIR",
            help="folder of the register (default: $FUNDMATCH_DATA_DIR or the user data folder)",
        )

    i = sub.add_parser("import", help="build the register from a downloaded Eurostat LAU file (xlsx or CSV)")
    i.add_argument("file", metavar="FILE", help="e.g. EU-27-LAU-2023-NUTS-2021.xlsx")
    i.add_argument("--year", type=int, help="reference year of the list, when the file name does not say it")
    data_dir_option(i)
    i.set_defaults(run=_cmd_import)

    d = sub.add_parser("download", help="fetch Eurostat's LAU file and build the register (needs a network)")
    d.add_argument(
        "--year",
        type=int,
        help=f"reference year (known: {', '.join(map(str, sorted(EUROSTAT_LAU_FILES)))}; default the latest)",
    )
    d.add_argument("--url", help="fetch from this address instead of Eurostat's usual one")
    data_dir_option(d)
    d.set_defaults(run=_cmd_download)

    f = sub.add_parser("find", help="look a municipality up by name")
    f.add_argument("name", metavar="NAME", help='the name, optionally with a country: "Altena, DE"')
    f.add_argument("--country", metavar="CC", help="only this country (ISO or Eurostat code)")
    f.add_argument("--limit", type=int, default=10, help="at most this many candidates (default: %(default)s)")
    f.add_argument("--json", action="store_true", help="print the candidates as JSON")
    data_dir_option(f)
    f.set_defaults(run=_cmd_find)
