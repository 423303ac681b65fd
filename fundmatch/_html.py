"""The HTML form of a match report, for notebooks: a compact, self-contained, escaped table."""

from __future__ import annotations

from html import escape

from fundmatch._codes import Outcome, Status
from fundmatch._report import MatchReport

_COLOUR = {Status.ELIGIBLE: "#1a7f37", Status.UNKNOWN: "#9a6700", Status.INELIGIBLE: "#cf222e"}
_MARK = {Outcome.PASS: "✓", Outcome.FAIL: "✗", Outcome.UNKNOWN: "?"}
_MAX_HITS = 40
_BADGE = "color:#fff;border-radius:4px;padding:0 6px;"


def render_html(report: MatchReport) -> str:
    """A ranked table with each fund's rule hits folded in a ``<details>`` section."""
    rows = []
    for item in report.ranking:
        colour = _COLOUR[item.status]
        hits = []
        for hit in item.hits[:_MAX_HITS]:
            cite = escape(str(hit.citation.act) + (f", {hit.citation.article}" if hit.citation.article else ""))
            if hit.citation.link:
                cite = f'<a href="{escape(hit.citation.link)}">{cite}</a>'
            hits.append(f"<li>{_MARK[hit.outcome]} {escape(hit.explanation)} <small>({cite})</small></li>")
        if len(item.hits) > _MAX_HITS:
            hits.append(f"<li>… {len(item.hits) - _MAX_HITS} more</li>")
        missing = "".join(f"<li>{escape(m.question)}</li>" for m in item.missing)
        rows.append(
            "<tr>"
            f"<td><b>{escape(item.fund.value)}</b></td>"
            f'<td><span style="{_BADGE}background:{colour}">{item.status.value}</span></td>'
            f'<td><div style="background:#8884;width:80px">'
            f'<div style="background:{colour};width:{item.score * 0.8:.0f}px">&nbsp;</div></div>{item.score:.0f}</td>'
            f"<td>{escape(item.co_financing.describe())}</td>"
            f"<td>{escape(item.reason)}<details><summary>{len(item.hits)} rules</summary><ul>{''.join(hits)}</ul>"
            + (f"<p>To find out:</p><ul>{missing}</ul>" if missing else "")
            + "</details></td></tr>"
        )
    title = escape(f"{report.idea.title} — {report.municipality.name} ({report.municipality.country})")
    return (
        f"<div><p><b>{title}</b> <small>rules {escape(report.period)} v{escape(report.pack_version)}</small></p>"
        "<table><thead><tr><th>Fund</th><th>Status</th><th>Fit</th><th>EU co-financing</th><th>Why</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
