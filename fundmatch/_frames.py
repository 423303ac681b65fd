"""Reports as pandas DataFrames: one row per fund, or per municipality × fund. pandas stays optional."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fundmatch._ids import Status

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from fundmatch._report import MatchReport, MatchSummary

COLUMNS = (
    "municipality",
    "country",
    "nuts",
    "population",
    "idea",
    "rank",
    "fund",
    "status",
    "score",
    "likelihood",
    "rate",
    "rate_max",
    "eu_amount_eur",
    "eu_amount_max_eur",
    "reason",
    "failed_rules",
    "missing",
    "next_step",
)


#: The columns of a summary row: what ``detail="summary"`` keeps, and what ``fundmatch screen`` writes.
SUMMARY_COLUMNS = (
    "municipality",
    "country",
    "nuts",
    "rank",
    "fund",
    "status",
    "score",
    "likelihood",
    "rate",
    "rate_max",
    "eu_amount_eur",
    "failed_rules",
    "missing",
)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "DataFrames need pandas, which fundmatch does not install by default: pip install 'fundmatch[pandas]'"
        ) from None
    return pandas


#: Columns that hold money or a rate: float in a frame even when every value is unknown (NaN), never object.
_NUMERIC = ("population", "score", "rate", "rate_max", "eu_amount_eur", "eu_amount_max_eur")


def _typed(pandas: Any, df: Any) -> Any:
    """Numeric money and rate columns, and ``status`` as an ordered category (eligible < unknown < ineligible
    in ranking order), so that ``df.sort_values("status")`` and ``df[df.status <= "unknown"]`` work."""
    for column in _NUMERIC:
        if column in df.columns:
            df[column] = pandas.to_numeric(df[column], errors="coerce").astype("float64")
    if "status" in df.columns:
        df["status"] = pandas.Categorical(df["status"], categories=[s.value for s in Status], ordered=True)
    return df


def report_rows(report: MatchReport) -> list[dict[str, Any]]:
    """One plain row per fund of a report, in ranking order."""
    m = report.municipality
    rows = []
    for rank, item in enumerate(report.ranking, start=1):
        cf = item.co_financing
        rows.append(
            {
                "municipality": m.name,
                "country": m.country,
                "nuts": m.nuts,
                "population": m.population,
                "idea": report.idea.title,
                "rank": rank,
                "fund": str(item.fund),
                "status": item.status.value,
                "score": item.score,
                "likelihood": item.likelihood,
                "rate": cf.rate,
                "rate_max": cf.rate_max if cf.rate_max is not None else cf.rate,
                "eu_amount_eur": cf.amount_eur,
                "eu_amount_max_eur": cf.amount_max_eur if cf.amount_max_eur is not None else cf.amount_eur,
                "reason": item.reason,
                "failed_rules": ", ".join(h.rule_id for h in item.failed()),
                "missing": "; ".join(q.question for q in item.missing),
                "next_step": item.next_steps[0] if item.next_steps else None,
            }
        )
    return rows


def frame(reports: Iterable[MatchReport]) -> pd.DataFrame:
    """A DataFrame with one row per report × fund."""
    pandas = _pandas()
    rows = [row for report in reports for row in report_rows(report)]
    return _typed(pandas, pandas.DataFrame(rows, columns=list(COLUMNS)))


def summary_rows(summary: MatchSummary) -> list[dict[str, Any]]:
    """One plain row per fund of a summary, in ranking order (the columns of `SUMMARY_COLUMNS`)."""
    return [
        {
            "municipality": summary.municipality,
            "country": summary.country,
            "nuts": summary.nuts,
            "rank": rank,
            "fund": str(item.fund),
            "status": item.status.value,
            "score": item.score,
            "likelihood": item.likelihood,
            "rate": item.rate,
            "rate_max": item.rate_max if item.rate_max is not None else item.rate,
            "eu_amount_eur": item.amount_eur,
            "failed_rules": ", ".join(item.failed),
            "missing": ", ".join(item.missing),
        }
        for rank, item in enumerate(summary.ranking, start=1)
    ]


def summary_frame(summaries: Iterable[MatchSummary]) -> pd.DataFrame:
    """A DataFrame with one row per summary × fund."""
    pandas = _pandas()
    rows = [row for summary in summaries for row in summary_rows(summary)]
    return _typed(pandas, pandas.DataFrame(rows, columns=list(SUMMARY_COLUMNS)))
