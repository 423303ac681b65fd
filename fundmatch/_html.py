"""The HTML form of a match report: a fragment for notebooks and the web page, and a document to send.

The fragment is self-contained (inline styles only, no external CSS or JS), readable on light and dark
notebook themes (text keeps the theme's colour; only badges are coloured, white on saturated colours, which is
above 4.5:1 whatever the background), bounded in size (rule hits folded and capped), and every piece of user
text escaped. A narrow pane scrolls the table inside its box instead of squeezing the reasons to a few letters.

`render_document` wraps the fragment in a complete page (doctype, charset, title, viewport, print styles) that
stacks the table into cards below 640 px and prints with every fold open. Citations link to the article on
EUR-Lex over https, not to the act's first page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from fundmatch._evidence import Citation
from fundmatch._ids import Outcome, Status, label
from fundmatch._text import field_words, kind_words

if TYPE_CHECKING:  # pragma: no cover
    # The report imports its renderers when asked to render; at run time they need none of its names.
    from fundmatch._report import FundMatch, MatchReport

# White text on these is above WCAG AA's 4.5:1 (5.1, 4.9 and 5.4 to 1).
_COLOUR = {Status.ELIGIBLE: "#1a7f37", Status.UNKNOWN: "#9a6700", Status.INELIGIBLE: "#cf222e"}
_MARK = {Outcome.PASS: ("✓", "#1a7f37"), Outcome.FAIL: ("✗", "#cf222e"), Outcome.UNKNOWN: ("?", "#9a6700")}
_MARK_WORD = {Outcome.PASS: "met", Outcome.FAIL: "not met", Outcome.UNKNOWN: "not decided"}
_MAX_HITS = 40
_MAX_ITEMS = 20
_BADGE = "color:#fff;border-radius:4px;padding:1px 7px;font-size:90%;white-space:nowrap;"
_TICK = "color:#fff;border-radius:3px;padding:0 4px;font-weight:bold;"
_CELL = "padding:4px 8px;vertical-align:top;text-align:left;border-top:1px solid #8884;"

# ELI addresses of EU acts: the kind of act, its year and number (reg/2021/1060, dec_impl/2021/1130).
_ELI = re.compile(r"^https?://data\.europa\.eu/eli/(?P<kind>[a-z]+)(?:_[a-z]+)?/(?P<year>\d{4})/(?P<number>\d+)")
# CELEX sector 3 (legal acts): R regulation, L directive, D decision.
_CELEX_TYPE = {"reg": "R", "dir": "L", "dec": "D"}
_ARTICLE = re.compile(r"^Art(?:icle)?s?\.?\s*(?P<number>\d+[a-z]?)", re.IGNORECASE)
_ANNEX = re.compile(r"^Annex\s+(?P<number>[IVXLC]+)\b")
_URL = re.compile(r"https?://[^\s<>\"')]+")


def article_link(citation: Citation) -> str | None:
    """Where to read the cited article: EUR-Lex's HTML text at the article (or annex), over https.

    Example: CPR, Art. 63(6) → ``https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:32021R1060#art_63``.
    A link that is not an ELI address is kept (made https where it was http); None when there is none.
    """
    link = citation.link
    if not link or not link.startswith(("http://", "https://")):
        return None
    m = _ELI.match(link)
    if not m or m.group("kind") not in _CELEX_TYPE:
        return "https://" + link.removeprefix("http://") if link.startswith("http://") else link
    celex = f"3{m.group('year')}{_CELEX_TYPE[m.group('kind')]}{int(m.group('number')):04d}"
    url = f"https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:{celex}"
    article = (citation.article or "").strip()
    if found := _ARTICLE.match(article):
        # EUR-Lex's consolidated HTML numbers its article anchors art_1, art_2 …; an annex is anx_I, anx_II …
        return f"{url}#art_{found.group('number')}"
    if found := _ANNEX.match(article):
        return f"{url}#anx_{found.group('number')}"
    return url


def _cite(citation: Citation) -> str:
    text = escape(citation.act + (f", {citation.article}" if citation.article else ""))
    link = article_link(citation)
    if link:
        return f'<a href="{escape(link)}" target="_blank" rel="noopener">{text}</a>'
    return text


def _linked(text: str) -> str:
    """Escaped text with its web addresses as links (the sources of derived values)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        url = m.group(0).rstrip(".,;")
        out.append(escape(text[last : m.start()]))
        out.append(f'<a href="{escape(url)}" target="_blank" rel="noopener">{escape(url)}</a>')
        last = m.start() + len(url)
    out.append(escape(text[last:]))
    return "".join(out)


def _fit(item: FundMatch) -> str:
    colour = _COLOUR[item.status]
    if item.status is Status.INELIGIBLE:
        # A full bar for a fund one cannot apply to reads as "very good" or as a contradiction: none is drawn.
        return "<small>— (not eligible)</small>"
    score = max(0.0, min(100.0, item.score))
    return (
        f'<div role="img" aria-label="fit {score:.0f} of 100" '
        'style="background:#8883;width:80px;height:8px;border-radius:4px">'
        f'<div style="background:{colour};width:{score * 0.8:.0f}px;height:8px;border-radius:4px"></div></div>'
        f"<small>{score:.0f}/100"
        + (f", likely {item.likelihood:.0%}" if item.status is Status.UNKNOWN else "")
        + "</small>"
    )


def _fund_row(item: FundMatch) -> str:
    colour = _COLOUR[item.status]
    hits = []
    for hit in item.hits[:_MAX_HITS]:
        mark, mark_colour = _MARK[hit.outcome]
        kind = "" if hit.kind.value == "requirement" else f" <small>[{hit.kind.value}]</small>"
        hits.append(
            f'<li><span style="{_TICK}background:{mark_colour}" title="{_MARK_WORD[hit.outcome]}">{mark}</span> '
            f"{escape(hit.explanation)}{kind} <small>— {_cite(hit.citation)}</small></li>"
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
    if item.next_steps:
        steps = "".join(f"<li>{escape(s)}</li>" for s in item.next_steps[:_MAX_ITEMS])
        extra += f"<p style='margin:4px 0'><b>Next steps</b></p><ul style='margin:0'>{steps}</ul>"
    rate_note = f"<br><small>{escape(item.co_financing.note)}</small>" if item.co_financing.note else ""
    questions = len(item.missing)
    asked = f", {questions} open question{'s' if questions != 1 else ''}" if questions else ""
    return (
        '<tr class="fm-fund">'
        f'<td style="{_CELL}" data-label="Fund"><b>{escape(str(item.fund))}</b><br>'
        f"<small>{escape(item.name)}</small></td>"
        f'<td style="{_CELL}" data-label="Status">'
        f'<span style="{_BADGE}background:{colour}">{escape(item.status.value)}</span></td>'
        f'<td style="{_CELL}" data-label="Fit">{_fit(item)}</td>'
        f'<td style="{_CELL}" data-label="EU co-financing">{escape(item.co_financing.describe())}</td>'
        f'<td style="{_CELL}min-width:16em" data-label="Why">{escape(item.reason)}'
        f"<details><summary>{len(item.hits)} rules{asked}</summary>"
        f"<ul style='margin:0'>{''.join(hits)}</ul>{rate_note}{extra}</details></td>"
        "</tr>"
    )


def _folded_list(title: str, count: int, items: Iterable[str]) -> str:
    return f"<details><summary>{title} ({count})</summary><ul>{''.join(items)}</ul></details>"


def _questions(report: MatchReport) -> str:
    """The report's open questions, each once, with the funds that wait for it."""
    if not report.questions:
        return ""
    items = "".join(
        f"<li>{escape(q.question)} <small>({escape(', '.join(str(f) for f in q.funds))})</small></li>"
        for q in report.questions[:_MAX_ITEMS]
    )
    more = f"<li>… and {len(report.questions) - _MAX_ITEMS} more</li>" if len(report.questions) > _MAX_ITEMS else ""
    return f"<p style='margin:8px 0 4px'><b>To find out</b></p><ul style='margin:0'>{items}{more}</ul>"


def render_html(report: MatchReport) -> str:
    """A ranked table, each fund's rule hits folded in a ``<details>`` section, and the open questions once."""
    m = report.municipality
    population = getattr(m, "population", None)
    where = f"{m.name} ({m.country}{', ' + m.nuts if m.nuts else ''})" + (
        f", population {population:,}" if population is not None else ""
    )
    notes = [f'<p role="note"><b>Note:</b> {escape(note)}</p>' for note in report.notes]
    if report.inferred:
        items = (
            f"<li>{escape(kind_words(t.field))}: <b>{escape(label(t.id))}</b> "
            f"from “{escape(t.matched)}” (term “{escape(t.term)}”, {escape(t.language)}, {t.similarity:.0f}%)</li>"
            for t in report.inferred[:_MAX_ITEMS]
        )
        notes.append(_folded_list("Read from the description", len(report.inferred), items))
    if report.derived:
        items = (
            f"<li>{escape(field_words(d.field))} = <b>{escape(str(d.value))}</b>"
            f"{' (doubtful)' if d.doubtful else ''}: {_linked(d.source)}</li>"
            for d in report.derived[:_MAX_ITEMS]
        )
        notes.append(_folded_list("Worked out by fundmatch", len(report.derived), items))
    if report.warnings:
        items = (
            f"<li>{escape(w.text)} <small>[{escape(', '.join(str(f) for f in w.funds))}] — "
            f"{_cite(w.citation)}</small></li>"
            for w in report.warnings[:_MAX_ITEMS]
        )
        notes.append(_folded_list("Warnings", len(report.warnings), items))
    head = "".join(
        f'<th scope="col" style="{_CELL}">{h}</th>' for h in ("Fund", "Status", "Fit", "EU co-financing", "Why")
    )
    return (
        '<div class="fundmatch-report">'
        f"<p><b>{escape(report.idea.title)}</b> — {escape(where)}<br>"
        f"<small>fundmatch rules {escape(report.period)} v{escape(report.pack_version)}</small></p>"
        + (f"<p><b>Why this order:</b> {escape(report.comparison)}</p>" if report.comparison else "")
        + f"{''.join(notes)}"
        '<div class="fm-scroll" style="overflow-x:auto;max-width:100%">'
        f'<table style="border-collapse:collapse"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(_fund_row(item) for item in report.ranking)}</tbody></table></div>"
        f"{_questions(report)}</div>"
    )


# The page around the fragment: the fragment's inline styles stay, so the stacked layout needs !important.
_DOCUMENT_CSS = """
:root { color-scheme: light dark; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 0 auto;
       max-width: 72rem; padding: 1rem; color: #1f2328; background: #fff; overflow-wrap: anywhere; }
a { color: #0550ae; }
summary { cursor: pointer; }
@media (prefers-color-scheme: dark) {
  body { color: #e6edf3; background: #0d1117; }
  a { color: #79c0ff; }
}
@media (max-width: 640px) {
  .fundmatch-report table, .fundmatch-report tbody, .fundmatch-report tr, .fundmatch-report td {
    display: block !important; width: auto !important; min-width: 0 !important; }
  .fundmatch-report thead { display: none; }
  .fundmatch-report tr.fm-fund { border-top: 2px solid #8886; padding: 6px 0; }
  .fundmatch-report td { border: 0 !important; padding: 2px 4px !important; }
  .fundmatch-report td[data-label]::before { content: attr(data-label) ": "; font-weight: bold; }
  .fundmatch-report td[data-label="Fund"]::before, .fundmatch-report td[data-label="Why"]::before { content: none; }
}
@media print {
  body { font-size: 10.5pt; max-width: none; color: #000; background: #fff; }
  a { color: #000; }
  details > summary { list-style: none; font-weight: bold; }
  details::details-content { content-visibility: visible; display: block; }
  tr { break-inside: avoid; }
  .fm-scroll { overflow: visible !important; }
}
"""


def render_document(report: MatchReport) -> str:
    """The report as a complete HTML page to save, send or print (``fundmatch match … --html FILE``)."""
    title = f"fundmatch: {report.idea.title} — {report.municipality.name}"
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="generator" content="fundmatch rules {escape(report.period)} v{escape(report.pack_version)}">\n'
        f"<style>{_DOCUMENT_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<h1 style='font-size:1.4rem'>Which EU fund fits: {escape(report.idea.title)}</h1>\n"
        f"{render_html(report)}\n</main>\n</body>\n</html>\n"
    )
