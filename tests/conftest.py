"""Shared fixtures: the shipped pack, a writable copy of it, and small valid inputs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import fundmatch
from fundmatch._resources import period_folder

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def pack() -> fundmatch.RulePack:
    return fundmatch.load_rules()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped 2021–2027 folder, to break on purpose."""
    target = tmp_path / "2021-2027"
    shutil.copytree(period_folder("2021-2027"), target)
    return target


def profile(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Tarvisio",
        "country": "IT",
        "nuts": "ITH42",
        "population": 4100,
        "degurba": 3,
        "border_region": True,
        "leader_lag": True,
        "eu_project_staff_fte": 0.5,
        "third_country_national_share": 0.05,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def idea(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Language café for newcomers",
        "description": "Italian courses and mentoring for refugees.",
        "themes": ["migrant_integration", "language_learning"],
        "target_groups": ["refugees"],
        "activities": ["language_courses", "mentoring"],
        "applicant_type": "municipality",
        "partners": [{"country": "AT", "type": "municipality"}],
        "budget_eur": 100000,
        "duration_months": 24,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


# Hypothesis: a quick default for CI, and `--hypothesis-profile thorough` for a deeper search.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
