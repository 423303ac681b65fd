"""The plain-text form of a match report, for terminals and logs.

Written for the officer who reads it: ids in words, one list of the questions still open (a question several
funds wait for is asked once, with the funds named), no fit figure for a fund that is out anyway, short
sources (the full ones are in the JSON), and lines wrapped to the terminal's width.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import textwrap
from typing import TYPE_CHECKING, Any

from fundmatch._ids import Outcome, RuleKind, Status, label

if TYPE_CHECKING:  # pragma: no cover
    # The report imports its renderers when asked to render; at run time they need none of its names.
    from fundmatch._report import FundMatch, MatchReport

_MARK = {Outcome.PASS: "+", Outcome.FAIL: "x", Outcome.UNKNOWN: "?"}

#: The fields a derived value may fill, as an officer calls them.
_FIELD_WORDS = {
    "region_category": "category of region",
    "region_category_2014_2020": "category of region in 2014–2020",
    "degurba": "degree of urbanisation",
    "border_region": "border region",
    "outermost_region": "outermost region",
    "interreg_programmes": "Interreg programmes",
    "nuts": "NUTS code",
    "lau": "LAU code",
}


def field_words(field: str) -> str:
    """A profile field as an officer calls it ("degurba" → "degree of urbanisation")."""
    return _FIELD_WORDS.get(field, field.replace("_", " "))


_FIELD_KIND = {
    "themes": "theme",
    "target_groups": "target group",
    "activities": "activity",
    "partners": "a partner's country",
    "budget_eur": "the budget",
}


def kind_words(field: str) -> str:
    """What an inferred term is, in words ("target_groups" → "target group")."""
    return _FIELD_KIND.get(field, field)


# Where a table row was copied from (a repository, a commit, a file path) is for maintainers; the JSON keeps it.
_MAINTAINER_DETAIL = re.compile(r"\s*\((?=[^()]*(?:\brepo\b|@[0-9a-f]{6,}|\bfile\b))[^()]*\)")


def format_value(value: Any, field: str | None = None) -> str:
    """A fact as an officer reads it in an explanation: ids as words, shares as per cent, yes/no."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(format_value(v, field) for v in value)) or "none"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if field is not None and field.endswith("_share") and isinstance(value, (int, float)):
        # A share is stored as 0–1 (0.09) and said as per cent (9 %).
        return f"{value * 100:.0f} %" if value * 100 >= 1 or value == 0 else f"{value * 100:.1f} %"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, str):
        return label(value)
    return str(value)


def width() -> int:
    """The terminal's width (``$COLUMNS`` first), kept between 60 and 120 columns; 100 when there is none."""
    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


def _wrap(text: str, indent: str, columns: int) -> str:
    return textwrap.fill(
        text,
        width=columns,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _short_source(source: str) -> str:
    """A derived value's source without the maintainers' detail: its first part, no file paths or commits."""
    short = _MAINTAINER_DETAIL.sub("", source.split(" | ", 1)[0])
    # A web address, and the note on what was taken from it ("(names, Italian exonyms)"), are the JSON's.
    return re.sub(r":?\s*\(?https?://[^\s()]+(?:\s*\([^()]*\))?\)?", "", short).strip()


def render_fund(rank: int, item: FundMatch, *, hits: bool = True, columns: int | None = None) -> list[str]:
    """Lines for one fund of a report (its open questions are listed once for the report, not here)."""
    columns = columns or width()
    # An ineligible fund's fit says nothing an officer can use: it is left out, not shown as a top score.
    fit = "" if item.status is Status.INELIGIBLE else f", fit {item.score:.0f}/100"
    if item.status is Status.UNKNOWN:
        fit += f", likely {item.likelihood:.0%}"
    lines = [
        _wrap(
            f"{rank}. {item.fund} — {item.name}: {item.status.value.upper()}{fit}, "
            f"EU co-financing {item.co_financing.describe()}",
            "",
            columns,
        ),
        _wrap(item.reason, "   ", columns),
    ]
    if item.co_financing.note:
        lines.append(_wrap(f"Rate: {item.co_financing.note}", "   ", columns))
    if hits:
        for hit in item.hits:
            kind = "" if hit.kind is RuleKind.REQUIREMENT else f" [{hit.kind.value}]"
            lines.append(
                _wrap(
                    f"[{_MARK[hit.outcome]}] {hit.explanation}{kind} — {hit.citation.act}"
                    + (f", {hit.citation.article}" if hit.citation.article else ""),
                    "     ",
                    columns,
                )
            )
    for route in item.routes:
        why = f" — {' '.join(route.missing)}" if route.missing else ""
        lines.append(_wrap(f"Route ({route.status.value}): {route.name}{why}", "   ", columns))
    for step in item.next_steps:
        lines.append(_wrap(f"Next: {step}", "   ", columns))
    return lines


def render_text(report: MatchReport, *, hits: bool = True, columns: int | None = None) -> str:
    """A readable summary: the ranking, each fund's reasons, and what the officer still has to find out."""
    columns = columns or width()
    m = report.municipality
    population = getattr(m, "population", None)
    head = [
        _wrap(f"fundmatch {report.period} (rules v{report.pack_version}) — {report.idea.title}", "", columns),
        f"{m.name} ({m.country}{', ' + m.nuts if m.nuts else ''})"
        + (f", population {population:,}" if population is not None else ""),
    ]
    if report.comparison:
        head.append(_wrap(f"Why this order: {report.comparison}", "", columns))
    # Values from the places register share one source: said once, after the values ("From Eurostat LAU …").
    by_source: dict[str, list[str]] = {}
    for value in report.derived:
        flag = " (doubtful: check it)" if value.doubtful else ""
        what = field_words(value.field)
        shown = format_value(value.value, value.field) if value.value is not None else "unknown"
        detail, sep, register = value.source.rpartition(" — ")
        if sep and register.startswith("Eurostat LAU"):
            note = f" ({_short_source(detail)})" if value.doubtful else ""
            by_source.setdefault(_short_source(register), []).append(f"{what} {shown}{flag}{note}")
        else:
            head.append(_wrap(f"Worked out: {what} = {shown}{flag} — {_short_source(value.source)}", "", columns))
    for source, values in by_source.items():
        head.insert(2, _wrap(f"From {source}: {'; '.join(values)}", "", columns))
    if report.inferred:
        read = ", ".join(f"'{t.matched}' as {label(t.id)} ({kind_words(t.field)})" for t in report.inferred)
        head.append(_wrap(f"Read from the description: {read}", "", columns))
    for note in getattr(report, "notes", ()):
        head.append(_wrap(f"Note: {note}", "", columns))
    body: list[str] = []
    for rank, item in enumerate(report.ranking, start=1):
        body.append("")
        body.extend(render_fund(rank, item, hits=hits, columns=columns))
    if report.questions:
        # A question several funds wait for is asked once, with the funds named.
        body.extend(["", "To find out:"])
        for question in report.questions:
            funds = ", ".join(str(f) for f in question.funds)
            body.append(_wrap(f"- {question.question} ({funds})", "   ", columns))
    if report.warnings:
        body.extend(["", "Warnings:"])
        for warning in report.warnings:
            funds = ", ".join(str(f) for f in warning.funds)
            cite = warning.citation.act + (f", {warning.citation.article}" if warning.citation.article else "")
            body.append(_wrap(f"! {warning.text} ({funds}) — {cite}", "   ", columns))
    return "\n".join(head + body) + "\n"
