"""Batches of municipalities: a municipalities table read into profiles, and progress for long batches.

Progress is tqdm when it is installed (``fundmatch[progress]``; it picks the notebook widget itself), else a
line on stderr; library calls show none unless asked.

The one reader of municipalities tables (`read_table`), for ``fundmatch screen``, the web app and
``match_many(DataFrame)``, reads tables as offices have them: Excel's CSV in any EU locale (``;`` or ``,`` or
tab, UTF-8 with or without BOM, UTF-16, or Windows' cp1252), headers in any case, extra columns kept beside
the known ones, ``43 800`` and ``43.800`` as numbers, ``ja``/``nein`` as booleans. A bad row never stops the
good ones: it comes out as a `BadRow` with its line, column, value and reason.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal, TypeVar

from pydantic import ValidationError

from fundmatch._errors import InputFileError, ProfileError, did_you_mean
from fundmatch._inputs import Municipality

T = TypeVar("T")

#: A progress callback receives the number done and the total (None when the input has no length).
ProgressCallback = Callable[[int, int | None], None]


def _plain(total: int | None) -> ProgressCallback:
    last = [0.0]
    start = time.monotonic()

    def report(done: int, _total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            of = f"/{total:,}" if total else ""
            rate = done / max(now - start, 1e-9)
            left = f", about {(total - done) / rate:,.0f} s left" if total and rate > 0 and done < total else ""
            sys.stderr.write(f"\rfundmatch: {done:,}{of} municipalities screened, {rate:,.0f}/s{left}   ")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return report


def with_progress(items: Iterable[T], progress: bool | ProgressCallback) -> Iterator[T]:
    """Yield ``items``, reporting progress as asked (False: silently, the items' own iterator)."""
    if not isinstance(progress, bool) and not callable(progress):
        raise ProfileError(f"progress must be True, False or a callable, not {type(progress).__name__}")
    if progress is False:
        return iter(items)
    return _reporting(items, progress)


def _reporting(items: Iterable[T], progress: Literal[True] | ProgressCallback) -> Iterator[T]:
    """`with_progress` with progress reported."""
    total = len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            callback: ProgressCallback = _plain(total)
        else:
            bar: Any = tqdm(total=total, unit="municipality", desc="fundmatch")
            try:
                for item in items:
                    yield item
                    bar.update(1)
            finally:
                bar.close()
            return
    else:
        callback = progress
    done = 0
    for item in items:
        yield item
        done += 1
        callback(done, total)
    if total is None:
        callback(done, done)


def one_line(exc: ValidationError, path: str) -> str:
    """A pydantic error as one line that names the file (and line) and the first field."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{path}: {where}: {first['msg']}{more}"


# ------------------------------------------------------------------------------------- municipalities tables

#: The reasons a row is refused, as the errors file lists them: line, column, value (cut short), problem.
ERROR_COLUMNS = ("line", "column", "value", "problem")


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row (or the header, line 1) that cannot be screened, and why."""

    line: int
    column: str
    value: str
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value[:200], "problem": self.problem}

    def __str__(self) -> str:
        column = f"{self.column}: " if self.column else ""
        return f"line {self.line}: {column}{self.problem}"


@dataclass(frozen=True, slots=True)
class GoodRow:
    """A row read into a profile, with the cells of the table's other columns, as written."""

    line: int
    profile: Municipality
    extra: dict[str, str]


class TableHeaderError(InputFileError):
    """The header cannot be read (empty file, duplicate or misspelt column): no row can be screened."""

    def __init__(self, where: str, problems: list[BadRow]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{where}:{problems[0].line}: {problems[0].column + ': ' if problems[0].column else ''}"
            f"{problems[0].problem}{more}"
        )


_FIELDS = tuple(Municipality.model_fields)
_BOOLEANS = {n for n, f in Municipality.model_fields.items() if f.annotation in (bool, bool | None)}
_INTEGERS = {n for n, f in Municipality.model_fields.items() if f.annotation in (int, int | None)}
_FLOATS = {n for n, f in Municipality.model_fields.items() if f.annotation in (float, float | None)}
# Yes and no in the languages of the offices that use fundmatch (and English); anything else is refused.
_TRUE = {"true", "yes", "y", "1", "ja", "j", "oui", "si", "sì", "sí", "sim", "tak", "da", "igen", "kyllä", "jah", "ano"}
_FALSE = {"false", "no", "n", "0", "nein", "nej", "non", "não", "nao", "nie", "ne", "nem", "ei", "ez"}
# 43 800, 43.800, 43,800, 43'800 (with no decimals: a population or a DEGURBA class is whole).
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:([.,'’])\d{3})(?:\1\d{3})*$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
#: The longest cell accepted (Python's csv refuses more than 131,072 characters itself).
MAX_CELL = 100_000


def _header_key(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lstrip("\ufeff")).lower()


#: The fields a summary row shows already; every other column of a table is copied beside it, as written.
_SHOWN = ("name", "country", "nuts")


@dataclass(slots=True)
class _Columns:
    names: list[str]
    fields: dict[int, str] = field(default_factory=dict)
    extra: dict[int, str] = field(default_factory=dict)

    @property
    def passthrough(self) -> list[int]:
        """The columns copied to the output: the extra ones, and the fields a summary does not show (lau …)."""
        return [i for i in range(len(self.names)) if i in self.extra or self.fields.get(i) not in (*_SHOWN, None)]


#: The most columns a municipalities table may have: a real one has a few dozen at most, and each unknown
#: column is compared with every field's name (a 400,000-column upload kept the web page busy for minutes).
MAX_COLUMNS = 1000


def _columns(header: Sequence[str], where: str) -> _Columns:
    """Which column is which field; a repeated or misspelt field name refuses the table (a typo would turn
    a column's facts silently into unknowns), any other column is kept as it is."""
    if len(header) > MAX_COLUMNS:
        raise TableHeaderError(
            where,
            [BadRow(1, "", "", f"{len(header):,} columns: a municipalities table has at most {MAX_COLUMNS:,}")],
        )
    names = [str(h).strip().lstrip("\ufeff") for h in header]
    result = _Columns(names)
    problems: list[BadRow] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        key = _header_key(name)
        if not key:
            if i == len(names) - 1 and len(names) > 1:
                continue  # Excel's trailing separator
            problems.append(BadRow(1, f"column {i + 1}", "", "a column without a name"))
            continue
        if key in seen:
            problems.append(BadRow(1, name, "", f"column named twice (columns {seen[key] + 1} and {i + 1})"))
            continue
        seen[key] = i
        if key in Municipality.model_fields:
            result.fields[i] = key
        else:
            hint = did_you_mean(key, _FIELDS)
            if hint is not None and _similar(key, hint):
                problems.append(BadRow(1, name, "", f"unknown column (did you mean '{hint}'?)"))
            else:
                result.extra[i] = name
    if not names or not any(names):
        problems.append(BadRow(1, "", "", "no header row: the file is empty"))
    if problems:
        raise TableHeaderError(where, problems)
    return result


def _similar(word: str, other: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, word, other).ratio() >= 0.8


def _cell_value(name: str, text: str) -> Any:
    if name in _BOOLEANS:
        word = text.lower()
        return True if word in _TRUE else False if word in _FALSE else text
    if name in _INTEGERS:
        compact = _SPACES.sub("", text)
        if _GROUPED.match(compact):
            return re.sub(r"[.,'’]", "", compact)
        return compact
    if name in _FLOATS:
        compact = _SPACES.sub("", text)
        return compact.replace(",", ".") if compact.count(",") == 1 and "." not in compact else compact
    return text


def profile_row(line: int, cells: Sequence[str], columns: _Columns) -> GoodRow | list[BadRow] | None:
    """One table row → a `GoodRow`, its problems, or None for a blank row."""
    if not any(c.strip() for c in cells):
        return None
    names = columns.names
    if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
        return [BadRow(line, "", "", f"more cells ({len(cells)}) than the header has ({len(names)})")]
    data: dict[str, Any] = {}
    raw: dict[str, str] = {}
    for i, name in columns.fields.items():
        text = cells[i].strip() if i < len(cells) else ""
        if len(text) > MAX_CELL:
            return [BadRow(line, names[i], text[:40] + "…", f"a cell of over {MAX_CELL:,} characters")]
        if text:  # an empty cell is unknown, never false or zero
            data[name] = _cell_value(name, text)
            raw[name] = text
    extra = {names[i]: (cells[i] if i < len(cells) else "") for i in columns.passthrough}
    try:
        return GoodRow(line, Municipality.model_validate(data), extra)
    except ValidationError as exc:
        bad = []
        for error in exc.errors(include_url=False):
            loc = error["loc"][0] if error["loc"] else ""
            column = next((names[i] for i, f in columns.fields.items() if f == loc), str(loc))
            bad.append(BadRow(line, column, raw.get(str(loc), ""), error["msg"]))
        return bad


def sniff_delimiter(header_line: str) -> str:
    """The separator of a CSV from its header line: the most frequent of ``;``, ``,`` and tab outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# A line break of a bare CR (not followed by LF): the lines are split after it, the CR kept.
_BARE_CR = re.compile(r"(?<=\r)(?!\n)(?=.)", re.DOTALL)


class TextLines:
    """The lines of a table file as text, decoded as Excel writes them, counting the bytes read (for progress).

    A UTF-8 or UTF-16 BOM decides the encoding; without one, lines are UTF-8 until one is not, and from that
    line on Windows' cp1252 (Latin-1 for the five bytes cp1252 leaves undefined). ``encoding`` names the
    encoding used last, so a caller can say how the file was read.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.bytes_read = 0
        head = handle.read(4)
        self.bytes_read = len(head)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encoding = "utf-16"
            self._pending = b""
            # Rare (Excel's "Unicode text"): read whole, as UTF-16 cannot be split at newline bytes.
            data = head + handle.read()
            self.bytes_read = len(data)
            self._text: list[str] | None = data.decode("utf-16", errors="replace").splitlines(keepends=True)
        else:
            self.encoding = "utf-8"
            self._text = None
            self._pending = head[3:] if head.startswith(codecs.BOM_UTF8) else head

    def __iter__(self) -> Iterator[str]:
        for line in self._lines():
            # Old Excel for the Mac ends lines with a bare CR: the csv reader, fed "\n"-lines, would see one.
            if "\r" in line.rstrip("\r\n"):
                yield from _BARE_CR.split(line)
            else:
                yield line

    def _lines(self) -> Iterator[str]:
        if self._text is not None:
            yield from self._text
            return
        # The bytes sniffed for a BOM may already hold a line break (a header "a\nb"): lines are split again.
        pending = self._pending
        for raw in self._handle:
            self.bytes_read += len(raw)
            if pending:
                raw, pending = pending + raw, b""
                *lines, raw = raw.split(b"\n")
                for line in lines:
                    yield self._decode(line + b"\n")
                if not raw:
                    continue
            yield self._decode(raw)
        if pending:
            *lines, last = pending.split(b"\n")
            yield from (self._decode(line + b"\n") for line in lines)
            if last:
                yield self._decode(last)

    def _decode(self, raw: bytes) -> str:
        if self.encoding == "utf-8":
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                self.encoding = "cp1252"
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


@dataclass(slots=True)
class Table:
    """A municipalities table being read: its columns, and its rows one at a time (`GoodRow` or `BadRow` lists)."""

    columns: _Columns
    rows: Iterator[GoodRow | list[BadRow]]

    @property
    def extra_columns(self) -> list[str]:
        """The columns copied to the output beside the summary's (see `_Columns.passthrough`)."""
        return [self.columns.names[i] for i in self.columns.passthrough]

    @property
    def field_columns(self) -> dict[str, str]:
        """Field → the column's name as the table writes it."""
        return {f: self.columns.names[i] for i, f in self.columns.fields.items()}


def read_table(lines: Iterable[str], where: str, *, max_rows: int | None = None) -> Table:
    """Read a municipalities CSV from its text lines (see the module's docstring).

    Raises:
        TableHeaderError: the header cannot be read; every header problem is listed.
    """
    iterator = iter(lines)
    header_line = next(iterator, "")
    delimiter = sniff_delimiter(header_line)
    reader = csv.reader(_chain(header_line, iterator), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise TableHeaderError(where, [BadRow(1, "", "", f"not a CSV header ({exc})")]) from None
    columns = _columns(header, where)

    def rows() -> Iterator[GoodRow | list[BadRow]]:
        count = 0
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield [BadRow(reader.line_num, "", "", f"not a CSV row ({exc})")]
                continue
            line = reader.line_num
            row = profile_row(line, cells, columns)
            if row is None:
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                yield [BadRow(line, "", "", f"more than {max_rows:,} rows")]
                return
            yield row

    return Table(columns, rows())


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def frame_records(frame: Any) -> Iterator[dict[str, Any]]:
    """The rows of a pandas DataFrame as profile mappings: NaN/NA/None are unknown, headers as `read_table`
    reads them, columns that are no field left out, numpy scalars turned into Python ones."""
    columns = _columns([str(c) for c in frame.columns], "DataFrame")
    positions = list(columns.fields.items())
    for values in frame.itertuples(index=False, name=None):
        record: dict[str, Any] = {}
        for i, name in positions:
            value = values[i]
            if value is None or _is_na(value):
                continue
            record[name] = value.item() if hasattr(value, "item") else value
        yield record


def _is_na(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    try:
        import pandas

        return bool(pandas.isna(value)) if not isinstance(value, (str, bytes, list, tuple, dict)) else False
    except (ImportError, TypeError, ValueError):
        return False


def is_frame(value: Any) -> bool:
    """Is this a pandas DataFrame (checked without importing pandas)?"""
    return type(value).__name__ == "DataFrame" and hasattr(value, "itertuples") and hasattr(value, "columns")


def as_profiles(profiles: Any) -> Iterable[Municipality | Mapping[str, Any]]:
    """``match_many``'s profiles: a DataFrame becomes its records; anything else must be iterable."""
    if is_frame(profiles):
        return _Sized(frame_records(profiles), len(profiles))
    if isinstance(profiles, (str, bytes, Mapping)) or not hasattr(profiles, "__iter__"):
        raise ProfileError(f"profiles must be an iterable of profiles or a DataFrame, not {type(profiles).__name__}")
    return profiles  # type: ignore[no-any-return]


class _Sized:
    """An iterator that knows its length, so progress can show time left."""

    def __init__(self, items: Iterator[Any], length: int) -> None:
        self._items, self._length = items, length

    def __iter__(self) -> Iterator[Any]:
        return self._items

    def __len__(self) -> int:
        return self._length


def output_columns(summary_columns: Sequence[str], extra_columns: Sequence[str]) -> list[str]:
    """The columns of a screening output: the summary's, then the table's others (renamed on a clash)."""
    return [*summary_columns, *(_output_name(c, summary_columns) for c in extra_columns)]


def _output_name(column: str, summary_columns: Sequence[str]) -> str:
    return f"input_{column}" if column in summary_columns else column


def with_extra(
    rows: Iterable[dict[str, Any]], extra: Mapping[str, str], summary_columns: Sequence[str]
) -> Iterator[dict[str, Any]]:
    """Summary rows of one municipality with the cells of its table's other columns beside them."""
    cells = {_output_name(c, summary_columns): v for c, v in extra.items()}
    for row in rows:
        yield row | cells


class ScreenedRows(list[Municipality]):
    """Profiles read from a table, with each row's other cells (`extras`) and their columns, in table order."""

    def __init__(self, rows: Iterable[GoodRow], extra_columns: Sequence[str]) -> None:
        rows = list(rows)
        super().__init__(r.profile for r in rows)
        self.extras = [r.extra for r in rows]
        self.extra_columns = list(extra_columns)
