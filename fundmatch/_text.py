"""The plain-text form of a match report, for terminals and logs."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from fundmatch._ids import Outcome, RuleKind, Status
from fundmatch._inputs import describe_place

if TYPE_CHECKING:  # pragma: no cover
    # The report imports its renderers when asked to render; at run time they need none of its names.
    from fundmatch._report import FundMatch, MatchReport

_MARK = {Outcome.PASS: "+", Outcome.FAIL: "x", Outcome.UNKNOWN: "?"}


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent + "  ")


def render_fund(rank: int, item: FundMatch, *, hits: bool = True, asked: dict[str, int] | None = None) -> list[str]:
    """Lines for one fund of a report; ``asked`` numbers the report's questions, which are then only referred to."""
    lines = [
        f"{rank}. {item.fund} — {item.name}: {item.status.value.upper()}, fit {item.score:.0f}/100"
        + (f", likely {item.likelihood:.0%}" if item.status is Status.UNKNOWN else "")
        + f", EU co-financing {item.co_financing.describe()}",
        _wrap(item.reason, "   "),
    ]
    if item.co_financing.note:
        lines.append(_wrap(f"Rate: {item.co_financing.note}", "   "))
    if hits:
        for hit in item.hits:
            kind = "" if hit.kind is RuleKind.REQUIREMENT else f" [{hit.kind.value}]"
            lines.append(
                _wrap(
                    f"[{_MARK[hit.outcome]}] {hit.explanation}{kind} — {hit.citation.act}"
                    + (f", {hit.citation.article}" if hit.citation.article else ""),
                    "     ",
                )
            )
    for route in item.routes:
        why = f" — {' '.join(route.missing)}" if route.missing else ""
        lines.append(_wrap(f"Route ({route.status.value}): {route.name}{why}", "   "))
    if asked is not None:
        numbers = sorted({asked[m.field] for m in item.missing if m.field in asked})
        if numbers:
            lines.append(_wrap(f"Open questions: {', '.join(f'Q{n}' for n in numbers)} (above)", "   "))
    else:
        for missing in item.missing:
            lines.append(_wrap(f"To find out: {missing.question}", "   "))
    for step in item.next_steps:
        lines.append(_wrap(f"Next: {step}", "   "))
    return lines


def render_text(report: MatchReport, *, hits: bool = True) -> str:
    """A readable summary: the ranking, each fund's reasons, and what the officer still has to find out."""
    m = report.municipality
    head = [
        f"fundmatch {report.period} (rules v{report.pack_version}) — {report.idea.title}",
        describe_place(m),
    ]
    if report.comparison:
        head.append(_wrap(f"Why this order: {report.comparison}", ""))
    for value in report.derived:
        flag = " (doubtful)" if value.doubtful else ""
        head.append(_wrap(f"Derived {value.field} = {value.value}{flag}: {value.source}", ""))
    if report.inferred:
        read = ", ".join(f"'{t.matched}' as {t.id}" for t in report.inferred)
        head.append(_wrap(f"Read from the description: {read}", ""))
    # The questions every fund waits for are asked once, above the funds, which refer to them by number.
    asked = {q.field: n for n, q in enumerate(report.questions, start=1)}
    if report.questions:
        head.append("")
        head.append("To find out (once for all funds):")
        for n, question in enumerate(report.questions, start=1):
            funds = ", ".join(str(f) for f in question.funds)
            head.append(_wrap(f"Q{n}. {question.question} [{funds}]", "  "))
    if report.warnings:
        head.append("")
        head.append("Warnings:")
        for warning in report.warnings:
            funds = ", ".join(str(f) for f in warning.funds)
            cite = warning.citation.act + (f", {warning.citation.article}" if warning.citation.article else "")
            head.append(_wrap(f"! {warning.text} [{funds}] — {cite}", "  "))
    body: list[str] = []
    for rank, item in enumerate(report.ranking, start=1):
        body.append("")
        body.extend(render_fund(rank, item, hits=hits, asked=asked))
    return "\n".join(head + body) + "\n"
