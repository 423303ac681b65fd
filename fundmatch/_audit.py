"""The rule-pack audit: per fund, how many rules, how many verified, what each cites, the routes into the fund,
and for each unverified rule or route what would verify it."""

from __future__ import annotations

from fundmatch._pack import RulePack, compiled_funds


def render_audit(pack: RulePack, *, citations: bool = True) -> str:
    """A reviewer's overview of a loaded pack."""
    lines = [f"Rule pack {pack.period}, version {pack.version} ({pack.status}), folder {pack.folder}"]
    total = verified = 0
    for fund in compiled_funds(pack).values():
        n = len(fund.rules)
        ok = sum(r.spec.verified for r in fund.rules)
        total, verified = total + n, verified + ok
        kinds = {k: sum(r.spec.kind.value == k for r in fund.rules) for k in ("requirement", "exclusion", "preference")}
        lines.append("")
        lines.append(
            f"{fund.fund} — {fund.name}: {n} rules ({kinds['requirement']} requirements, "
            f"{kinds['exclusion']} exclusions, {kinds['preference']} preferences), {ok} verified, "
            f"{len(fund.rates)} co-financing rates — {fund.path.name}"
        )
        if fund.routes:
            lines.append("  Routes:")
            for route in fund.routes:
                mark = "verified  " if route.spec.verified else "UNVERIFIED"
                cite = route.citation.act + (f", {route.citation.article}" if route.citation.article else "")
                decides = f" (decides: {', '.join(route.spec.requires)})" if route.spec.requires else ""
                lines.append(f"  {mark} route       {route.spec.name}{decides} — {cite}")
        unverified = [(r.spec.id, r.spec.to_verify or r.spec.note) for r in fund.rules if not r.spec.verified]
        unverified += [
            (f"route {r.spec.id}", r.spec.to_verify or r.spec.note) for r in fund.routes if not r.spec.verified
        ]
        if unverified:
            lines.append("  Unverified, and what would verify them:")
            for what, how in unverified:
                lines.append(f"    {what}: {how or 'no note says'}")
        if citations:
            for rule in fund.rules:
                mark = "verified  " if rule.spec.verified else "UNVERIFIED"
                cite = rule.citation.act + (f", {rule.citation.article}" if rule.citation.article else "")
                lines.append(f"  {mark} {rule.spec.kind.value:<11} {rule.spec.id:<36} {cite}")
            for rate in fund.rates:
                mark = "verified  " if rate.spec.verified else "UNVERIFIED"
                cite = rate.citation.act + (f", {rate.citation.article}" if rate.citation.article else "")
                span = f"{rate.spec.rate:.0%}" + (f"–{rate.spec.rate_max:.0%}" if rate.spec.rate_max else "")
                lines.append(f"  {mark} rate        {rate.spec.id + ' ' + span:<36} {cite}")
    lines.append("")
    lines.append(
        f"Total: {total} rules, {verified} verified ({verified / total:.0%})." if total else "Total: no rules."
    )
    return "\n".join(lines) + "\n"
