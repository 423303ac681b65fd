"""The HTML form of a match report, for notebooks.

Self-contained (inline styles only, no external CSS or JS), readable on light and dark notebook themes
(text keeps the theme's colour; only badges and bars are coloured, white on saturated colours), bounded in
size (rule hits folded and capped), and every piece of user text escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from fundmatch._evidence import Citation
from fundmatch._ids import Outcome, Status
from fundmatch._inputs import describe_place

if TYPE_CHECKING:  # pragma: no cover
    # The report imports its renderers when asked to render; at run time they need none of its names.
    from fundmatch._report import FundMatch, MatchReport

_COLOUR = {Status.ELIGIBLE: "#1a7f37", Status.UNKNOWN: "#9a6700", Status.INELIGIBLE: "#cf222e"}
_MARK = {Outcome.PASS: ("✓", "#1a7f37"), Outcome.FAIL: ("✗", "#cf222e"), Outcome.UNKNOWN: ("?", "#9a6700")}
_MAX_HITS = 40
_MAX_ITEMS = 20
_BADGE = "color:#fff;border-radius:4px;padding:1px 7px;font-size:90%;white-space:nowrap;"
_CELL = "padding:4px 8px;vertical-align:top;text-align:left;border-top:1px solid #8884;"


def _cite(citation: Citation) -> str:
    text = escape(citation.act + (f", {citation.article}" if citation.article else ""))
    if citation.link and citation.link.startswith(("http://", "https://")):
        return f'<a href="{escape(citation.link)}" target="_blank" rel="noopener">{text}</a>'
    return text


def _fund_row(item: FundMatch) -> str:
    colour = _COLOUR[item.status]
    hits = []
    for hit in item.hits[:_MAX_HITS]:
        mark, mark_colour = _MARK[hit.outcome]
        kind = "" if hit.kind.value == "requirement" else f" <small>[{hit.kind.value}]</small>"
        hits.append(
            f'<li><b style="color:{mark_colour}">{mark}</b> {escape(hit.explanation)}{kind} '
            f"<small>— {_cite(hit.citation)}</small></li>"
        )
    if len(item.hits) > _MAX_HITS:
        hits.append(f"<li>… and {len(item.hits) - _MAX_HITS} more rules</li>")
    extra = ""
    if item.routes:
        routes = "".join(
            f"<li><b>{escape(r.status.value)}</b>: {escape(r.name)}"
            + (f" — {escape(' '.join(r.missing))}" if r.missing else "")
            + f" <small>({_cite(r.citation)})</small></li>"
            for r in item.routes[:_MAX_ITEMS]
        )
        extra += f"<p style='margin:4px 0'><b>Routes</b></p><ul style='margin:0'>{routes}</ul>"
    if item.missing:
        questions = "".join(f"<li>{escape(m.question)}</li>" for m in item.missing[:_MAX_ITEMS])
        extra += f"<p style='margin:4px 0'><b>To find out</b></p><ul style='margin:0'>{questions}</ul>"
    if item.next_steps:
        steps = "".join(f"<li>{escape(s)}</li>" for s in item.next_steps[:_MAX_ITEMS])
        extra += f"<p style='margin:4px 0'><b>Next steps</b></p><ul style='margin:0'>{steps}</ul>"
    rate_note = f"<br><small>{escape(item.co_financing.note)}</small>" if item.co_financing.note else ""
    score = max(0.0, min(100.0, item.score))
    return (
        "<tr>"
        f'<td style="{_CELL}"><b>{escape(str(item.fund))}</b><br><small>{escape(item.name)}</small></td>'
        f'<td style="{_CELL}"><span style="{_BADGE}background:{colour}">{escape(item.status.value)}</span></td>'
        f'<td style="{_CELL}"><div style="background:#8883;width:80px;height:8px;border-radius:4px">'
        f'<div style="background:{colour};width:{score * 0.8:.0f}px;height:8px;border-radius:4px"></div></div>'
        f"<small>{score:.0f}/100"
        + (f", likely {item.likelihood:.0%}" if item.status is Status.UNKNOWN else "")
        + "</small></td>"
        f'<td style="{_CELL}">{escape(item.co_financing.describe())}</td>'
        f'<td style="{_CELL}">{escape(item.reason)}'
        f"<details><summary>{len(item.hits)} rules, {len(item.missing)} open questions</summary>"
        f"<ul style='margin:0'>{''.join(hits)}</ul>{rate_note}{extra}</details></td>"
        "</tr>"
    )


def _folded_list(title: str, count: int, items: Iterable[str]) -> str:
    return f"<details><summary>{title} ({count})</summary><ul>{''.join(items)}</ul></details>"


def render_html(report: MatchReport) -> str:
    """A ranked table, each fund's rule hits folded in a ``<details>`` section."""
    m = report.municipality
    where = describe_place(m)
    notes = []
    if report.inferred:
        items = (
            f"<li>{escape(t.field)}: <b>{escape(t.id)}</b> from “{escape(t.matched)}” "
            f"(term “{escape(t.term)}”, {escape(t.language)}, {t.similarity:.0f}%)</li>"
            for t in report.inferred[:_MAX_ITEMS]
        )
        notes.append(_folded_list("Read from the description", len(report.inferred), items))
    if report.derived:
        items = (
            f"<li>{escape(d.field)} = <b>{escape(str(d.value))}</b>{' (doubtful)' if d.doubtful else ''}: "
            f"{escape(d.source)}</li>"
            for d in report.derived[:_MAX_ITEMS]
        )
        notes.append(_folded_list("Worked out by fundmatch", len(report.derived), items))
    if report.questions:
        items = (
            f"<li>{escape(q.question)} <small>[{escape(', '.join(str(f) for f in q.funds))}]</small></li>"
            for q in report.questions[:_MAX_ITEMS]
        )
        notes.append(_folded_list("To find out (once for all funds)", len(report.questions), items))
    if report.warnings:
        items = (
            f"<li>{escape(w.text)} <small>[{escape(', '.join(str(f) for f in w.funds))}] — "
            f"{_cite(w.citation)}</small></li>"
            for w in report.warnings[:_MAX_ITEMS]
        )
        notes.append(_folded_list("Warnings", len(report.warnings), items))
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("Fund", "Status", "Fit", "EU co-financing", "Why"))
    return (
        '<div class="fundmatch-report">'
        f"<p><b>{escape(report.idea.title)}</b> — {escape(where)}<br>"
        f"<small>fundmatch rules {escape(report.period)} v{escape(report.pack_version)}</small></p>"
        + (f"<p><b>Why this order:</b> {escape(report.comparison)}</p>" if report.comparison else "")
        + f"{''.join(notes)}"
        f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(_fund_row(item) for item in report.ranking)}</tbody></table></div>"
    )
