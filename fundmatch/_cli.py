"""The ``fundmatch`` command: screen an idea, audit the rule packs.

Bad input files end with exit code 2 and one line naming the file and the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from fundmatch._batch import one_line, read_municipalities
from fundmatch._errors import FundmatchError, InputFileError
from fundmatch._frames import SUMMARY_COLUMNS
from fundmatch._resources import DEFAULT_PERIOD
from fundmatch._yaml import load_yaml

if TYPE_CHECKING:  # pragma: no cover
    # Imported where a command needs a pack: the evaluator imports rule-engine, which `places`, `schema` and
    # `--help` never use (its parser tables take about a quarter of a second to build).
    from fundmatch._pack import RulePack

_M = TypeVar("_M", bound=BaseModel)


def _read(path: str) -> Any:
    file = Path(path)
    if not file.is_file():
        raise InputFileError(f"{path}: no such file")
    if file.suffix.lower() == ".json":
        try:
            return json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise InputFileError(f"{path}: not valid JSON ({exc})") from None
    return load_yaml(file)


def _read_model(path: str, model: type[_M]) -> _M:
    data = _read(path)
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: expected a mapping of {model.__name__} fields")
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise InputFileError(one_line(exc, path)) from None


def _pack(args: argparse.Namespace) -> RulePack:
    # As fundmatch.load_rules does: a folder is read anew, a shipped period once per process.
    from fundmatch._pack import RulePack, shipped_pack

    return RulePack(args.rules) if args.rules is not None else shipped_pack(args.period)


def _cmd_match(args: argparse.Namespace) -> int:
    from fundmatch._inputs import Municipality, ProjectIdea

    profile = _read_model(args.profile, Municipality)
    idea = _read_model(args.idea, ProjectIdea)
    funds = [f.strip() for f in args.funds.split(",")] if args.funds else None
    report = _pack(args).match(profile, idea, funds=funds)
    if args.html:
        Path(args.html).write_text(report._repr_html_(), encoding="utf-8")
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        from fundmatch._text import render_text

        sys.stdout.write(render_text(report, hits=not args.brief))
    return 0


def _cmd_rules(args: argparse.Namespace) -> int:
    from fundmatch._audit import render_audit

    sys.stdout.write(render_audit(_pack(args), citations=not args.brief))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from fundmatch._check import check_folder

    result = check_folder(args.folder)
    for problem in result.problems:
        print(problem)
    print(result.summary())
    return 0 if result.ok else 1


def _cmd_screen(args: argparse.Namespace) -> int:
    import csv

    from fundmatch._inputs import ProjectIdea

    profiles = read_municipalities(args.municipalities)
    idea = _read_model(args.idea, ProjectIdea)
    funds = [f.strip() for f in args.funds.split(",")] if args.funds else None
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    results = _pack(args).iter_match(profiles, idea, funds, detail="summary", progress=progress)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        writer = csv.DictWriter(out, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        for result in results:
            writer.writerows(result.to_rows())
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


_SCHEMAS = {"municipality": "Municipality", "idea": "ProjectIdea", "partner": "Partner", "report": "MatchReport"}


def _cmd_schema(args: argparse.Namespace) -> int:
    from fundmatch._inputs import Municipality, Partner, ProjectIdea
    from fundmatch._report import SCHEMA_VERSION, MatchReport

    models: dict[str, type[BaseModel]] = {
        "Municipality": Municipality,
        "ProjectIdea": ProjectIdea,
        "Partner": Partner,
        "MatchReport": MatchReport,
    }
    names = list(_SCHEMAS) if args.model == "all" else [args.model]
    schemas = {name: models[_SCHEMAS[name]].model_json_schema() for name in names}
    document = schemas[names[0]] if len(names) == 1 else {"schema_version": SCHEMA_VERSION, "schemas": schemas}
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fundmatch",
        description=(
            "Which EU fund fits a municipality's project idea, and why. Ranks AMIF, ESF+, ERDF, EAFRD (LEADER) and "
            "Interreg for a municipality profile and a project idea (YAML or JSON files), explains every rule with "
            "its legal basis, and estimates the EU co-financing."
        ),
        epilog="Example: fundmatch match examples/profiles/bressanone.yaml examples/ideas/ausbildungsbruecke.yaml",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def pack_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--period", default=DEFAULT_PERIOD, help="programming period of the shipped packs (default: %(default)s)"
        )
        p.add_argument("--rules", metavar="DIR", help="use your own rule-pack folder instead of the shipped one")

    m = sub.add_parser("match", help="rank the funds for a municipality and a project idea")
    m.add_argument("profile", metavar="PROFILE", help="municipality profile, YAML or JSON")
    m.add_argument("idea", metavar="IDEA", help="project idea, YAML or JSON")
    m.add_argument("--json", action="store_true", help="print the full report as JSON")
    m.add_argument("--html", metavar="FILE", help="also write the report as HTML to FILE")
    m.add_argument("--funds", metavar="LIST", help="only these funds, comma-separated (e.g. AMIF,ESF+)")
    m.add_argument("--brief", action="store_true", help="leave out the rule-by-rule detail")
    pack_options(m)
    m.set_defaults(run=_cmd_match)

    r = sub.add_parser("rules", help="audit a rule pack: rules, verified share and citations per fund")
    r.add_argument("--brief", action="store_true", help="counts only, no citations")
    pack_options(r)
    r.set_defaults(run=_cmd_rules)

    c = sub.add_parser(
        "check",
        help="validate a rule-pack folder: schema, expressions, citations, and its YAML test cases",
        description=f"Validate a rule-pack folder (e.g. rules/{DEFAULT_PERIOD}). Exit code 1 when anything is wrong.",
    )
    c.add_argument("folder", metavar="RULES_DIR", help="a period folder holding period.yaml, acts.yaml and the packs")
    c.set_defaults(run=_cmd_check)

    b = sub.add_parser(
        "screen",
        help="screen many municipalities (a CSV) for one idea; one CSV row per municipality and fund",
        description=(
            "Screen every municipality of a CSV (columns: the Municipality fields, e.g. name,country,nuts,population,"
            "degurba,leader_lag; empty cells are unknown) for one idea, and write one row per municipality and fund."
        ),
    )
    b.add_argument("municipalities", metavar="MUNICIPALITIES.csv")
    b.add_argument("idea", metavar="IDEA", help="project idea, YAML or JSON")
    b.add_argument("--output", "-o", metavar="FILE", help="write the CSV to FILE instead of standard output")
    b.add_argument("--funds", metavar="LIST", help="only these funds, comma-separated")
    b.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on standard error (default: when it is a terminal)",
    )
    pack_options(b)
    b.set_defaults(run=_cmd_screen)

    from fundmatch._places_cli import add_commands

    add_commands(sub)

    # `fundmatch serve`: argparse only here; the web stack is imported when the command runs.
    from fundmatch._web import add_command as add_serve_command

    add_serve_command(sub)

    s = sub.add_parser(
        "schema",
        help="print the JSON Schema of the inputs and of the report, for apps",
        description="Print JSON Schema (from the pydantic models) so that apps can validate and pin fundmatch's JSON.",
    )
    s.add_argument("--model", choices=["all", *_SCHEMAS], default="all", help="which schema (default: all)")
    s.set_defaults(run=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except FundmatchError as exc:
        print(f"fundmatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
