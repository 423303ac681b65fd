"""Evaluation of one compiled fund pack against the facts of one profile and idea.

Three-valued: a rule whose facts are missing is ``unknown`` and never counts as failed. Requirements and
exclusions decide the status; preferences only add to the fit score (an unknown preference counts half, so
missing information neither rewards nor punishes).
"""

from __future__ import annotations

from fundmatch._compiled import CompiledFund, CompiledRule
from fundmatch._errors import RulePackError
from fundmatch._expressions import ExpressionProblem, render
from fundmatch._facts import FACTS, Facts, needed, question_for
from fundmatch._ids import Outcome, RuleKind, Status
from fundmatch._report import CoFinancing, FundMatch, FundSummary, MissingInfo, RuleHit

_UNVERIFIED = " (Legal basis not verified against the act's text: check with your managing authority.)"


_SUMMARY_LIMIT = 65_536


def _question(fact: str) -> tuple[str, str]:
    """The input to ask for when ``fact`` is missing, and the question."""
    asks = FACTS[fact].asks
    return asks, question_for(asks)


def _lower_first(text: str) -> str:
    """The text to go mid-sentence: its first letter in lower case, unless it starts a name ("ESF+", "AMIF")."""
    word = text.split(" ", 1)[0]
    if not text or any(c.isupper() for c in word[1:]) or not word[:1].isupper():
        return text
    return text[0].lower() + text[1:]


def _missing_text(names: list[str]) -> str:
    return "; ".join(_question(n)[1] for n in dict.fromkeys(_question(n)[0] for n in names))


def _outcome(fund: CompiledFund, rule: CompiledRule, facts: Facts) -> tuple[Outcome, list[str]]:
    """What one rule finds, and the facts it missed."""
    try:
        holds = rule.condition.decide(facts)
    except ExpressionProblem as exc:
        raise RulePackError(exc.problem, path=rule.path or fund.path, line=rule.line, rule_id=rule.spec.id) from None
    if isinstance(holds, list):
        return Outcome.UNKNOWN, [needed(name, facts) for name in holds]
    passed = not holds if rule.spec.kind is RuleKind.EXCLUSION else holds
    return (Outcome.PASS if passed else Outcome.FAIL), []


_HIT_LIMIT = 1024


def _hit(rule: CompiledRule, outcome: Outcome, missing: list[str], facts: Facts) -> RuleHit:
    frozen = facts.frozen
    key = (outcome, *missing, None, *[frozen[name] for name in rule._shown])
    hit = rule._hits.get(key)
    if hit is None:
        hit = _new_hit(rule, outcome, missing, facts)
        if len(rule._hits) < _HIT_LIMIT:
            rule._hits[key] = hit
    return hit


def _new_hit(rule: CompiledRule, outcome: Outcome, missing: list[str], facts: Facts) -> RuleHit:
    spec = rule.spec
    if outcome is Outcome.UNKNOWN:
        text = (
            render(spec.unknown, facts)
            if spec.unknown
            else f"Not decided yet ({_lower_first(spec.title)}): {_missing_text(missing)}"
        )
    else:
        text = render(spec.pass_ if outcome is Outcome.PASS else spec.fail, facts)
    if not spec.verified:
        text += _UNVERIFIED
    return RuleHit(
        rule_id=spec.id,
        title=spec.title,
        kind=spec.kind,
        outcome=outcome,
        explanation=text,
        citation=rule.citation,
        verified=spec.verified,
        weight=spec.weight or 0.0,
        missing=list(dict.fromkeys(_question(n)[0] for n in missing)),
        affects_status=_holds_status(rule),
    )


def _holds_status(rule: CompiledRule) -> bool:
    return rule.spec.kind is not RuleKind.PREFERENCE and rule.spec.unknown_effect == "status"


def _co_financing(fund: CompiledFund, facts: Facts) -> tuple[CoFinancing, list[str]]:
    budget = facts.get("budget_eur")
    for rate in fund.rates:
        spec = rate.spec
        if rate.condition is not None:
            try:
                holds = rate.condition.decide(facts)
            except ExpressionProblem as exc:
                raise RulePackError(exc.problem, path=fund.path, rule_id=f"co_financing.{spec.id}") from None
            if isinstance(holds, list):
                note = f"The rate depends on what is not known yet: {_missing_text(holds)}"
                return CoFinancing(rate=None, basis=fund.basis, note=note, citation=rate.citation), holds
            if not holds:
                continue
        note = render(spec.note, facts) if spec.note else ""
        if (
            rate.condition is not None
            and "region_category" in rate.condition.reads
            and facts.get("region_category_doubtful")
        ):
            note += (
                " The category of region comes from a doubtful row of the shipped table:"
                " confirm it with your managing authority."
            )
        if not spec.verified:
            note += " Rate not verified against the act's text."
        rate_max = spec.rate_max if spec.rate_max not in (None, spec.rate) else None
        return (
            CoFinancing(
                rate=spec.rate,
                rate_max=rate_max,
                amount_eur=round(budget * spec.rate, 2) if budget is not None else None,
                amount_max_eur=round(budget * rate_max, 2) if budget is not None and rate_max is not None else None,
                tier=spec.label,
                basis=fund.basis,
                note=note.strip(),
                citation=rate.citation,
                verified=spec.verified,
            ),
            [],
        )
    return CoFinancing(rate=None, basis=fund.basis, note="No co-financing rate of this pack applies to this case."), []


_Found = list[tuple[CompiledRule, Outcome, list[str]]]


def _status(found: _Found) -> Status:
    deciding = [(rule, outcome) for rule, outcome, _ in found if rule.spec.kind is not RuleKind.PREFERENCE]
    if any(outcome is Outcome.FAIL for _, outcome in deciding):
        return Status.INELIGIBLE
    if any(outcome is Outcome.UNKNOWN and _holds_status(rule) for rule, outcome in deciding):
        return Status.UNKNOWN
    return Status.ELIGIBLE


def _score(found: _Found) -> float:
    preferences = [
        (rule.spec.weight or 0.0, outcome) for rule, outcome, _ in found if rule.spec.kind is RuleKind.PREFERENCE
    ]
    total = sum(weight for weight, _ in preferences)
    if not total:
        return 0.0
    got = sum(weight for weight, outcome in preferences if outcome is Outcome.PASS)
    got += 0.5 * sum(weight for weight, outcome in preferences if outcome is Outcome.UNKNOWN)
    return round(100.0 * got / total, 1)


def _reason(status: Status, hits: list[RuleHit]) -> str:
    deciding = [h for h in hits if h.kind is not RuleKind.PREFERENCE]
    if status is Status.INELIGIBLE:
        return next(h.explanation for h in deciding if h.outcome is Outcome.FAIL)
    if status is Status.UNKNOWN:
        return next(h.explanation for h in deciding if h.outcome is Outcome.UNKNOWN and h.affects_status)
    best = [h for h in hits if h.kind is RuleKind.PREFERENCE and h.outcome is Outcome.PASS]
    best.sort(key=lambda h: -h.weight)
    lead = f"All {len(deciding)} requirements and exclusions are met"
    return lead + (f"; {_lower_first(best[0].explanation)}" if best else ".")


def summarize_fund(fund: CompiledFund, facts: Facts) -> FundSummary:
    """Status, score and money of ``fund`` without the explained trace (for large batches)."""
    key = fund._key(facts.frozen)
    summary = fund._summaries.get(key)
    if summary is None:
        summary = _summarize(fund, facts)
        if len(fund._summaries) < _SUMMARY_LIMIT:
            fund._summaries[key] = summary
    return summary


def _summarize(fund: CompiledFund, facts: Facts) -> FundSummary:
    found = [(rule, *_outcome(fund, rule, facts)) for rule in fund.rules]
    status = _status(found)
    co_financing, _ = _co_financing(fund, facts)
    return FundSummary(
        fund=fund.fund,
        status=status,
        score=_score(found),
        rate=co_financing.rate,
        rate_max=co_financing.rate_max,
        amount_eur=co_financing.amount_eur,
        failed=[
            rule.spec.id
            for rule, outcome, _ in found
            if outcome is Outcome.FAIL and rule.spec.kind is not RuleKind.PREFERENCE
        ],
        missing=sorted({_question(n)[0] for _, _, missing in found for n in missing}),
    )


def evaluate_fund(fund: CompiledFund, facts: Facts) -> FundMatch:
    """Apply every rule of ``fund`` to ``facts`` and explain the result."""
    found = [(rule, *_outcome(fund, rule, facts)) for rule in fund.rules]
    hits = [_hit(rule, outcome, missing, facts) for rule, outcome, missing in found]
    status = _status(found)
    co_financing, rate_missing = _co_financing(fund, facts)

    waiting: dict[str, list[str]] = {}
    for hit in hits:
        for name in hit.missing:
            waiting.setdefault(name, []).append(hit.rule_id)
    for fact in rate_missing:
        waiting.setdefault(_question(fact)[0], []).append("co_financing")
    missing = [MissingInfo(field=name, question=question_for(name), rule_ids=ids) for name, ids in waiting.items()]

    steps = []
    for step in fund.next_steps:
        if status not in step.spec.status:
            continue
        if step.condition is not None:
            try:
                holds = step.condition.decide(facts)
            except ExpressionProblem as exc:
                raise RulePackError(exc.problem, path=fund.path, rule_id="next_steps") from None
            # A step whose condition cannot be decided yet is not shown.
            if holds is not True:
                continue
        steps.append(render(step.spec.text, facts))

    return FundMatch(
        fund=fund.fund,
        name=fund.name,
        status=status,
        score=_score(found),
        reason=_reason(status, hits),
        hits=hits,
        missing=missing,
        co_financing=co_financing,
        next_steps=steps,
    )
