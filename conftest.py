"""Run-wide test settings, for `pytest` anywhere in the repository (tests/ and the example notebooks)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # The example notebooks run as tests when nbmake is installed (the test group has it); without it every
    # other test still runs, instead of pytest refusing a forced --nbmake.
    if config.pluginmanager.has_plugin("nbmake") and hasattr(config.option, "nbmake"):
        config.option.nbmake = True


def pytest_sessionstart(session: pytest.Session) -> None:
    # The load cache (fundmatch._cache) of a test run lives in a folder of its own, removed afterwards: tests
    # start from a fresh parse and never read or fill the user's cache. Subprocesses inherit the variable.
    folder = tempfile.mkdtemp(prefix="fundmatch-test-cache-")
    os.environ["FUNDMATCH_CACHE_DIR"] = folder
    atexit.register(shutil.rmtree, folder, True)
