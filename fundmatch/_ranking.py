"""How funds are ordered, and the one sentence that says why the first is ahead of the second.

An adviser ranks funds by how likely each is to pay: a fund that cannot pay (``ineligible``) comes last
whatever its fit; among the others, the fit (the same scale for every fund) counts as much as the chance that
the open requirements pass. So a well-fitting fund that waits on one likely answer (is the town in a LAG area?)
can rank above a poorly fitting one that is eligible, while its status stays truthfully ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping

from fundmatch._ids import Outcome, RuleKind, Status
from fundmatch._report import FundMatch, FundSummary, RuleHit

_STATUS_ORDER = {Status.ELIGIBLE: 0, Status.UNKNOWN: 1, Status.INELIGIBLE: 2}


def rank_key(result: FundMatch | FundSummary, order: Mapping[str, int]) -> tuple[bool, float, int, int]:
    """Ineligible last; then fit × likelihood; ties by status, then by the period's order of funds."""
    expected = round(result.score * result.likelihood, 3)
    return result.status is Status.INELIGIBLE, -expected, _STATUS_ORDER[result.status], order[result.fund]


def _lower_first(text: str) -> str:
    # "The themes …" and "A population …" start a clause in lower case; "ERDF …" and "LEADER …" stay as they are.
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == " " else text


def _sentence(text: str) -> str:
    # The explanation's own caveat (an unverified basis) stays with the rule hit; the comparison cites the rule.
    text = text.split(" (Legal basis not verified")[0]
    return _lower_first(text.strip().rstrip("."))


def _cited(hit: RuleHit) -> str:
    article = hit.citation.article
    return f" ({hit.citation.act}{', ' + article if article else ''})"


def _strongest(result: FundMatch) -> RuleHit | None:
    """The preference that adds the most fit points to ``result`` (the first of equal ones)."""
    best: RuleHit | None = None
    for h in result.hits:
        if h.outcome is Outcome.PASS and h.kind is RuleKind.PREFERENCE and h.weight > (best.weight if best else 0):
            best = h
    return best


def _open_question(result: FundMatch) -> RuleHit | None:
    """The open requirement or exclusion least likely to pass (the first of equal ones)."""
    found: RuleHit | None = None
    least = 0.0
    for h in result.hits:
        if h.outcome is Outcome.UNKNOWN and h.affects_status and h.kind is not RuleKind.PREFERENCE:
            chance = h.likelihood if h.likelihood is not None else 1.0
            if found is None or chance < least:
                found, least = h, chance
    return found


def _asked(result: FundMatch, hit: RuleHit) -> str:
    """What the officer is asked to settle ``hit`` (its fund's question), or the rule's own words."""
    questions = [m.question for m in result.missing if hit.rule_id in m.rule_ids]
    return " ".join(dict.fromkeys(questions)) if questions else f"{_sentence(hit.explanation)}."


def _reasons(result: FundMatch) -> str:
    return f"{result.fund}: {_sentence(result.reason)}"


def compare(first: FundMatch, second: FundMatch) -> str:
    """One sentence on why ``first`` ranks ahead of ``second``, from the rule hits behind both."""
    lead = f"{first.fund} before {second.fund}"
    if first.status is Status.INELIGIBLE:  # ineligible funds come last: none can pay
        return f"No fund can pay for it as described. {_reasons(first)}; {_reasons(second)}."
    if second.status is Status.INELIGIBLE:
        ruled_out = f"{lead}: {second.fund} cannot pay for it, because {_sentence(second.reason)}"
        if first.score <= 0:
            # Not ruled out is all that puts it first: the officer must not read it as a fit.
            return f"{ruled_out}. {first.fund} is not ruled out, but nothing in the idea fits it yet (fit 0)."
        return f"{ruled_out}."
    strongest = _strongest(first)
    if strongest is not None:
        why_first = f"{_sentence(strongest.explanation)}{_cited(strongest)}"
    elif first.score > second.score:
        why_first = "it fits better on what is known so far"
    else:
        why_first = "it fits as well"
    fit = f"fit {first.score:.0f} against {second.score:.0f}"
    if first.status is Status.UNKNOWN and first.score > second.score:
        question = _open_question(first)
        if question is None:
            return f"{lead} ({fit}): {why_first}; {first.fund} still waits on an answer."
        return (
            f"{lead} ({fit}): {why_first}; {first.fund} still waits on an answer, likely yes"
            f" ({first.likelihood:.0%}): {_asked(first, question)}"
        )
    if second.status is Status.UNKNOWN and first.score * first.likelihood >= second.score * second.likelihood:
        question = _open_question(second)
        if question is not None and second.score >= first.score:
            better = f"{second.fund} would fit as well or better ({second.score:.0f} against {first.score:.0f})"
            if first.status is Status.UNKNOWN:
                return (
                    f"{lead}: both wait on answers; {better} but is less likely to pay ({second.likelihood:.0%}"
                    f" against {first.likelihood:.0%}): {_asked(second, question)}"
                )
            return (
                f"{lead}: {better} but waits on an open question, likely {second.likelihood:.0%}:"
                f" {_asked(second, question)}"
            )
    rival = _strongest(second)
    if second.score <= 0:
        why_second = f"; nothing in the idea fits {second.fund} yet (fit 0)"
    elif rival is not None:
        why_second = f"; {second.fund} would fund it mainly because {_sentence(rival.explanation)}"
    else:
        why_second = ""
    return f"{lead} ({fit}): {why_first}{why_second}."
