"""Run-wide test settings, for `pytest` anywhere in the repository (tests/ and the example notebooks)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # The example notebooks run as tests when nbmake is installed (the test group has it); without it every
    # other test still runs, instead of pytest refusing a forced --nbmake.
    if config.pluginmanager.has_plugin("nbmake") and hasattr(config.option, "nbmake"):
        config.option.nbmake = True
