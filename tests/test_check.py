"""``fundmatch check``: the shipped packs pass; a broken pack or a wrong case is reported where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundmatch._check import check_folder
from fundmatch._cli import main
from fundmatch._resources import period_folder


def test_shipped_packs_pass_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(period_folder("2021-2027"))]) == 0
    out = capsys.readouterr().out
    assert ": OK — " in out and "test cases pass" in out


def test_wrong_expectation_is_located(pack_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (pack_copy / "tests" / "wrong.yaml").write_text(
        "# a case whose expectation is wrong on purpose\n"
        "- name: A single-country idea is wrongly expected to be eligible for Interreg.\n"
        "  profile: {name: Gorizia, country: IT, population: 34000}\n"
        "  idea: {title: Festival, themes: [culture_sport], partners: [{country: IT}]}\n"
        "  expect: {INTERREG: eligible}\n",
        encoding="utf-8",
    )
    assert main(["check", str(pack_copy)]) == 1
    out = capsys.readouterr().out
    assert "tests/wrong.yaml:2: case 'A single-country idea" in out
    assert "INTERREG: expected eligible, got ineligible" in out


def test_broken_pack_is_located(pack_copy: Path) -> None:
    path = pack_copy / "eafrd.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("when: member_state", "when: member_sate", 1), encoding="utf-8"
    )
    result = check_folder(pack_copy)
    assert not result.ok
    assert (
        "eafrd.yaml:" in result.problems[0]
        and "member_sate" in result.problems[0]
        and "did you mean 'member_state'" in result.problems[0]
    )


def test_folder_without_cases_is_a_problem(pack_copy: Path) -> None:
    for file in (pack_copy / "tests").glob("*.yaml"):
        file.unlink()
    result = check_folder(pack_copy)
    assert any("no YAML test cases" in p for p in result.problems)


def test_malformed_case_file(pack_copy: Path) -> None:
    (pack_copy / "tests" / "broken.yaml").write_text("- name: Too short\n  profile: {}\n", encoding="utf-8")
    result = check_folder(pack_copy)
    assert any("broken.yaml:1" in p for p in result.problems)
