"""The ``fundmatch`` command: screen an idea, audit the rule packs.

Bad input files end with exit code 2 and one line naming the file and the problem, never a traceback; Ctrl-C
ends with exit code 130 and one line. Every output file is written to a temporary name and renamed once
complete, so a failed or interrupted run leaves the previous one whole. ``screen`` exits 1 when some rows
could not be screened (the good ones are, and the bad ones go to an errors file).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from fundmatch._batch import ERROR_COLUMNS, BadRow, TextLines, output_columns, read_table, with_extra
from fundmatch._errors import FundmatchError, InputFileError
from fundmatch._files import (
    MAX_DATA_FILE,
    REPLACED,
    FileProblem,
    atomic_text,
    check_output,
    decode_utf8,
    read_bytes,
    remove_own_temporaries,
)
from fundmatch._frames import SUMMARY_COLUMNS
from fundmatch._input_errors import problem_lines, validate
from fundmatch._resources import DEFAULT_PERIOD
from fundmatch._yaml import load_yaml

if TYPE_CHECKING:  # pragma: no cover
    # Imported where a command needs a pack: the evaluator imports rule-engine, which `places`, `schema` and
    # `--help` never use (its parser tables take about a quarter of a second to build).
    from fundmatch._pack import RulePack

_M = TypeVar("_M", bound=BaseModel)


def _read(path: str) -> Any:
    file = Path(path)
    if not file.exists():
        raise InputFileError(f"{path}: no such file")
    if file.suffix.lower() == ".json":
        try:
            text = decode_utf8(read_bytes(file, MAX_DATA_FILE))
        except FileProblem as exc:
            raise InputFileError(f"{path}: {exc}") from None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise InputFileError(f"{path}: not valid JSON ({str(exc)[:200]})") from None
        except RecursionError:
            raise InputFileError(f"{path}: not valid JSON (nested too deeply)") from None
    return load_yaml(file)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _output(path: str, what: str = "output") -> Path:
    """The output file, checked before any work: a missing folder or a directory fails now, in one line."""
    target = Path(path)
    problem = check_output(target)
    if problem is not None:
        raise InputFileError(f"{path}: cannot write the {what} here ({problem})")
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except (OSError, RuntimeError, ValueError):
        return False


def _apart(outputs: dict[str, Path | None], inputs: dict[str, Path | None]) -> None:
    """Refuse an output that is one of the inputs or another output: it would be overwritten, and lost."""
    given = {what: path for what, path in inputs.items() if path is not None}
    written: dict[str, Path] = {}
    for what, path in outputs.items():
        if path is None:
            continue
        for other, there in [*given.items(), *written.items()]:
            if _same_file(path, there):
                raise InputFileError(f"{path}: the {what} would overwrite the {other}; choose another file")
        written[what] = path


def _read_model(path: str, model: type[_M]) -> _M:
    data = _read(path)
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: expected a mapping of {model.__name__} fields")
    try:
        return validate(model, dict(data))  # type: ignore[no-any-return]
    except ValidationError as exc:
        # Every problem, each on its line, misspelt names with the closest valid one.
        lines = problem_lines(exc)
        if len(lines) == 1:
            raise InputFileError(f"{path}: {lines[0]}") from None
        raise InputFileError(f"{path}: {len(lines)} problems:\n  " + "\n  ".join(lines)) from None


def _pack(args: argparse.Namespace) -> RulePack:
    # As fundmatch.load_rules does: a folder is read anew, a shipped period once per process.
    from fundmatch._pack import RulePack, shipped_pack

    return RulePack(args.rules) if args.rules is not None else shipped_pack(args.period)


def _cmd_match(args: argparse.Namespace) -> int:
    from fundmatch._inputs import Municipality, ProjectIdea

    html = _output(args.html, "HTML report") if args.html else None
    pack = _pack(args)
    files = list(args.files)
    if len(files) > (0 if args.idea_text is not None else 1) + (0 if args.place is not None else 1):
        raise InputFileError("too many files: give PROFILE IDEA, or --place with IDEA, or --idea with PROFILE")
    if len(files) == 1 and args.idea_text is None and args.place is None:
        # Which one is missing is the officer's to say: a profile alone and an idea alone look the same here.
        raise InputFileError(
            f"only one file given ({files[0]}): give PROFILE IDEA, or PROFILE --idea 'one or two sentences',"
            " or --place 'Altena, DE' IDEA"
        )
    # With --place the profile file is optional (its values win); with --idea the idea file is left out.
    idea_file = files.pop() if args.idea_text is None and files else None
    profile_file = files.pop() if files else None
    if args.idea_text is None and idea_file is None:
        raise InputFileError("give the idea: an IDEA file, or --idea 'one or two sentences'")
    if args.place is None and profile_file is None:
        raise InputFileError("give the municipality: a PROFILE file, or --place 'Altena, DE'")
    _apart(
        {"HTML report": html},
        {
            "profile file": Path(profile_file) if profile_file else None,
            "idea file": Path(idea_file) if idea_file else None,
        },
    )
    idea: ProjectIdea | str = args.idea_text if idea_file is None else _read_model(idea_file, ProjectIdea)
    if args.place is not None:
        from fundmatch._places import choose_place

        given = _read(profile_file) if profile_file else {}
        if not isinstance(given, dict):
            raise InputFileError(f"{profile_file}: expected a mapping of Municipality fields")
        try:
            profile = pack.profile_from_place(choose_place(args.place), **given)
        except ValidationError as exc:
            lines = problem_lines(exc)
            raise InputFileError(f"{profile_file or '--place'}: " + "; ".join(lines)) from None
    else:
        assert profile_file is not None
        profile = _read_model(profile_file, Municipality)
    funds = [f.strip() for f in args.funds.split(",")] if args.funds else None
    report = pack.match(profile, idea, funds=funds)
    if html is not None:
        with atomic_text(html) as out:
            out.write(report.to_html())
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        from fundmatch._text import render_text

        text = render_text(report, hits=not args.brief)
        # Names and pack texts are data: an ESC sequence in them must not drive the officer's terminal.
        sys.stdout.write(_CONTROL.sub("\ufffd", text))
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
    from fundmatch._inputs import ProjectIdea

    idea = _read_model(args.idea, ProjectIdea)
    source = Path(args.municipalities)
    if not source.is_file():
        raise InputFileError(f"{args.municipalities}: no such file")
    output = _output(args.output) if args.output else None
    errors_path = Path(args.errors) if args.errors else (output.with_suffix(".errors.csv") if output else None)
    if errors_path is not None:
        _output(str(errors_path), "errors file")
    _apart(
        {"output": output, "errors file": errors_path},
        {"municipalities file": source, "idea file": Path(args.idea)},
    )
    funds = [f.strip() for f in args.funds.split(",")] if args.funds else None
    pack = _pack(args)
    pack._select(funds)  # an unknown fund fails now, before the table is read
    show = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        handle = source.open("rb")
    except OSError as exc:
        raise InputFileError(f"{args.municipalities}: cannot read ({exc.strerror})") from None
    with handle:
        lines = TextLines(handle)
        table = read_table(lines, args.municipalities)
        bad: list[BadRow] = []
        extras = table.extra_columns
        progress = _ScreenProgress(lines, source.stat().st_size) if show else None
        fieldnames = output_columns(SUMMARY_COLUMNS, extras)
        screened = [0]

        def profiles() -> Any:
            for row in table.rows:
                if isinstance(row, list):
                    bad.extend(row)
                    continue
                screened[0] += 1
                current.append(row.extra)
                yield row.profile
                if progress is not None:
                    progress.update(screened[0])

        current: deque[dict[str, str]] = deque()

        def write(out: Any) -> None:
            writer = csv.DictWriter(out, fieldnames=fieldnames)
            writer.writeheader()
            for result in pack.iter_match(profiles(), idea, funds, detail="summary"):
                writer.writerows(with_extra(result.to_rows(), current.popleft(), SUMMARY_COLUMNS))

        if output is None:
            write(sys.stdout)
        else:
            with atomic_text(output, newline="") as out:
                write(out)
        if progress is not None:
            progress.close(screened[0])
    if screened[0] == 0 and not bad:
        raise InputFileError(f"{args.municipalities}: no municipalities in the table (only a header?)")
    if lines.encoding != "utf-8":
        print(f"fundmatch: note: {args.municipalities} was read as {lines.encoding}", file=sys.stderr)
    if errors_path is not None:
        if bad:
            with atomic_text(errors_path, newline="") as out:
                writer = csv.DictWriter(out, fieldnames=ERROR_COLUMNS)
                writer.writeheader()
                writer.writerows(b.as_dict() for b in bad)
        else:
            errors_path.unlink(missing_ok=True)  # an errors file of an earlier run would mislead
    if bad:
        rows = len({b.line for b in bad})
        where = f"; see {errors_path}" if errors_path is not None else ""
        print(f"fundmatch: {rows:,} row(s) could not be screened, {screened[0]:,} were{where}", file=sys.stderr)
        if errors_path is None:
            for b in bad[:20]:
                column = f" {b.column}:" if b.column else ""
                print(f"{args.municipalities}:{b.line}:{column} {b.problem}", file=sys.stderr)
            if len(bad) > 20:
                print(f"… and {len(bad) - 20:,} more (use --errors FILE for all)", file=sys.stderr)
        return 1
    return 0


class _ScreenProgress:
    """Progress while the table is still being read: rows done, rate, and time left from the bytes read."""

    def __init__(self, lines: TextLines, size: int) -> None:
        self._lines, self._size = lines, max(size, 1)
        self._start = time.monotonic()
        self._last = 0.0
        self._bar: Any = None
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return
        self._bar = tqdm(total=self._size, unit="B", unit_scale=True, desc="fundmatch screen")

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.5:
            return
        self._last = now
        if self._bar is not None:
            self._bar.update(min(self._lines.bytes_read, self._size) - self._bar.n)
            self._bar.set_postfix(municipalities=done, refresh=False)
            return
        elapsed = max(now - self._start, 1e-9)
        fraction = min(self._lines.bytes_read / self._size, 1.0)
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else 0.0
        sys.stderr.write(
            f"\rfundmatch: {done:,} municipalities screened, {done / elapsed:,.0f}/s,"
            f" {fraction:.0%} of the file, about {left:,.0f} s left   "
        )
        sys.stderr.flush()

    def close(self, done: int) -> None:
        if self._bar is not None:
            self._bar.update(self._size - self._bar.n)
            self._bar.close()
            return
        elapsed = max(time.monotonic() - self._start, 1e-9)
        sys.stderr.write(f"\rfundmatch: {done:,} municipalities screened in {elapsed:,.1f} s{' ' * 30}\n")


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

    m = sub.add_parser(
        "match",
        help="rank the funds for a municipality and a project idea",
        usage="fundmatch match [PROFILE] [IDEA] [--place NAME] [--idea TEXT] [options]",
        epilog=(
            "Examples: fundmatch match examples/profiles/ydre.yaml examples/ideas/sprakcafe.yaml; "
            "fundmatch match --place 'Altena, DE' --idea 'Sprachcafé für geflüchtete Familien'"
        ),
    )
    m.add_argument(
        "files",
        nargs="*",
        metavar="PROFILE IDEA",
        help="municipality profile and project idea, YAML or JSON (either may be replaced by --place / --idea)",
    )
    m.add_argument(
        "--place",
        metavar="NAME",
        help="the municipality from the places register: 'Altena, DE', 'Brixen, Italien' or a LAU code"
        " (a PROFILE file given too supplies values that win)",
    )
    m.add_argument("--idea", dest="idea_text", metavar="TEXT", help="the idea in a sentence or two, any language")
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
            "degurba,leader_lag, in any case; empty cells are unknown; other columns are copied to the output) for "
            "one idea, and write one row per municipality and fund. Excel's CSV of any locale is read (';' or ',', "
            "UTF-8, UTF-16 or cp1252). Rows that cannot be read go to an errors file with their line and reason, "
            "and the exit code is then 1."
        ),
    )
    b.add_argument("municipalities", metavar="MUNICIPALITIES.csv")
    b.add_argument("idea", metavar="IDEA", help="project idea, YAML or JSON")
    b.add_argument("--output", "-o", metavar="FILE", help="write the CSV to FILE instead of standard output")
    b.add_argument(
        "--errors",
        metavar="FILE",
        help="write the rows that could not be screened to FILE (default: OUTPUT with .errors.csv; else stderr)",
    )
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


def _utf8_arguments(args: argparse.Namespace) -> None:
    """Refuse a text argument that is not UTF-8: the shell hands such bytes over as lone surrogates, which
    nothing downstream reads (a Latin-1 "für" from an old script). File names may be any bytes."""
    for name in ("idea_text", "place"):
        value = getattr(args, name, None)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                byte = ord(value[exc.start]) - 0xDC00 if 0xDC80 <= ord(value[exc.start]) <= 0xDCFF else None
                what = f" (byte 0x{byte:02x} at character {exc.start + 1})" if byte is not None else ""
                option = "--" + name.removesuffix("_text").replace("_", "-")
                raise InputFileError(f"{option}: not UTF-8 text{what}; write it in UTF-8") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    before = len(REPLACED)  # a program may call main more than once: only this call's outputs count
    try:
        _utf8_arguments(args)
        return int(args.run(args))
    except FundmatchError as exc:
        print(f"fundmatch: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # a value no command checked first: its fields' problems, never a traceback
        print("fundmatch: error: " + "; ".join(problem_lines(exc)), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        # Outputs are renamed into place only once complete, so nothing half-written is left behind; a
        # temporary the interrupt caught before its own clean-up could start is removed here.
        remove_own_temporaries()
        if REPLACED[before:]:
            written = ", ".join(dict.fromkeys(str(path) for path in REPLACED[before:]))
            print(f"fundmatch: interrupted; already written in full: {written}", file=sys.stderr)
        else:
            print("fundmatch: interrupted; no output file was changed", file=sys.stderr)
        return 130
    except MemoryError:
        print(
            "fundmatch: error: out of memory (is the input file far larger than a LAU list or a table?)",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:  # a full disk, a folder that vanished: one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"fundmatch: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
