"""Hypothesis strategies for fundmatch's inputs, for rule authors' property tests.

They draw valid, realistic profiles and ideas across the whole input space: every ISO country (EU Member
States more often), NUTS codes that exist in the shipped table of regions, all three degrees of
urbanisation, populations from 50 to 3 million, 0–12 partners, and optional fields left out. Use them to
check that your own rule pack behaves on inputs nobody thought of::

    from hypothesis import given
    import fundmatch
    from fundmatch.testing import municipalities, project_ideas

    pack = fundmatch.load_rules(path="my_rules/<period>")

    @given(municipalities(), project_ideas())
    def test_never_crashes(profile, idea):
        report = pack.match(profile, idea)
        assert all(0 <= r.score <= 100 for r in report.ranking)

Requires ``hypothesis`` (``pip install 'fundmatch[testing]'``).
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("fundmatch.testing needs hypothesis: pip install 'fundmatch[testing]'") from exc

from fundmatch._countries import EU_MEMBER_STATES, ISO_COUNTRIES, to_eurostat
from fundmatch._ids import Activity, Fund, OrganisationType, RegionCategory, TargetGroup, Theme
from fundmatch._inputs import Municipality, Partner, ProjectIdea

__all__ = ("countries", "member_states", "municipalities", "nuts_codes", "partners", "project_ideas")

_EU = sorted(EU_MEMBER_STATES)
_ALL = sorted(ISO_COUNTRIES)
_NUTS3_SUFFIX = "123456789ABC"


@lru_cache(maxsize=1)
def _regions_by_country() -> dict[str, list[str]]:
    from fundmatch._regions import shipped_regions

    codes: dict[str, list[str]] = {}
    for region in shipped_regions():
        codes.setdefault(region.nuts2[:2], []).append(region.nuts2)
    return codes


def member_states() -> st.SearchStrategy[str]:
    """An EU Member State (ISO 3166-1 alpha-2)."""
    return st.sampled_from(_EU)


def countries() -> st.SearchStrategy[str]:
    """Any ISO country; EU Member States three times out of four."""
    return st.one_of(member_states(), member_states(), member_states(), st.sampled_from(_ALL))


def nuts_codes(country: str) -> st.SearchStrategy[str | None]:
    """A NUTS-2 or NUTS-3 code of ``country`` from the shipped table (None where it has none)."""
    known = _regions_by_country().get(to_eurostat(country), [])
    if not known:
        return st.none()
    nuts2 = st.sampled_from(known)
    return st.one_of(nuts2, st.builds(lambda code, tail: code + tail, nuts2, st.sampled_from(_NUTS3_SUFFIX)))


def partners() -> st.SearchStrategy[Partner]:
    """A partner organisation from any country."""
    return st.builds(Partner, country=countries(), type=st.sampled_from(list(OrganisationType)))


def _optional(strategy: st.SearchStrategy, missing: bool) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy) if missing else strategy


@st.composite
def municipalities(draw: st.DrawFn, *, missing: bool = True) -> Municipality:
    """A municipality profile; with ``missing`` (default) optional fields are sometimes left out."""
    country = draw(countries())
    return Municipality(
        name=draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip())),
        country=country,
        nuts=draw(_optional(nuts_codes(country), missing)),
        population=draw(_optional(st.integers(50, 3_000_000), missing)),
        degurba=draw(_optional(st.integers(1, 3), missing)),
        region_category=draw(st.one_of(st.none(), st.sampled_from(list(RegionCategory)))),
        border_region=draw(_optional(st.booleans(), missing)),
        # Only France, Spain and Portugal have outermost regions (TFEU Art. 349).
        outermost_region=draw(st.one_of(st.none(), st.booleans())) if country in ("ES", "FR", "PT") else None,
        leader_lag=draw(_optional(st.booleans(), missing)),
        eu_project_staff_fte=draw(_optional(st.floats(0, 20, allow_nan=False), missing)),
        third_country_national_share=draw(_optional(st.floats(0, 1, allow_nan=False), missing)),
    )


@st.composite
def project_ideas(draw: st.DrawFn, *, missing: bool = True, max_partners: int = 12) -> ProjectIdea:
    """A project idea with ids drawn from the vocabularies; lists may be empty when ``missing``."""
    low = 0 if missing else 1
    start = draw(_optional(st.dates(_dt.date(2021, 1, 1), _dt.date(2029, 6, 30)), missing))
    duration = draw(_optional(st.integers(1, 96), missing))
    end = None
    if start is not None and draw(st.booleans()):
        end = start + _dt.timedelta(days=draw(st.integers(30, 2000)))
        # A realistic idea's duration agrees with its dates: whole months from start that still end by `end`.
        months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
        duration = months if months >= 1 else None
    return ProjectIdea(
        title=draw(st.text(min_size=1, max_size=60).filter(lambda s: s.strip())),
        description=draw(st.text(max_size=200)),
        themes=draw(st.lists(st.sampled_from(list(Theme)), min_size=low, max_size=5)),
        target_groups=draw(st.lists(st.sampled_from(list(TargetGroup)), min_size=low, max_size=4)),
        activities=draw(st.lists(st.sampled_from(list(Activity)), min_size=low, max_size=5)),
        applicant_type=draw(st.sampled_from(list(OrganisationType))),
        partners=draw(st.lists(partners(), max_size=max_partners)),
        budget_eur=draw(_optional(st.floats(1_000, 50_000_000, allow_nan=False), missing)),
        duration_months=duration,
        start_date=start,
        end_date=end,
        completed_before_application=draw(st.one_of(st.none(), st.booleans())) if missing else False,
        # The funds whose managing authority confirmed a priority and a call (the programme question).
        programme_confirmed=draw(st.one_of(st.none(), st.lists(st.sampled_from([f.value for f in Fund]), max_size=3))),
    )
