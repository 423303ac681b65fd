"""The wheel carries the rule packs: built, installed into a fresh venv, and used from outside the repo."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import fundmatch

REPO = Path(__file__).resolve().parent.parent


def test_wheel_installs_and_finds_its_rules(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = dist.glob("fundmatch-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # The dependencies come from the interpreter running the tests, without a download. Not through
    # `system_site_packages`: inside a venv that reaches the base interpreter, not the venv the tests run in.
    # Plain path lines in a .pth are appended after the new venv's own site-packages, so fundmatch itself
    # still comes only from the wheel.
    (site_packages,) = (env_dir / "lib").glob("python*/site-packages")
    outer = dict.fromkeys(sysconfig.get_path(name) for name in ("purelib", "platlib"))
    (site_packages / "_outer_dependencies.pth").write_text("".join(f"{path}\n" for path in outer))
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--force-reinstall", "-q", str(wheel)], check=True
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code = (
        "import fundmatch, pathlib; pack = fundmatch.load_rules(); "
        "assert 'site-packages' in str(pack.folder), pack.folder; "
        "r = fundmatch.match({'name': 'A', 'country': 'IT', 'nuts': 'ITH42', 'population': 4000}, "
        "{'title': 't', 'themes': ['housing'], 'partners': [{'country': 'AT'}]}); "
        # The inflected country names ship too (a data file beside the modules): "z Italijo", with Italy.
        "s = fundmatch.match({'name': 'B', 'country': 'SI', 'population': 5000}, 'Projekt z Italijo.'); "
        "assert [p.country for p in s.idea.partners] == ['IT'], s.idea.partners; "
        "print(len(pack.funds), r.ranking[0].fund, pathlib.Path(fundmatch.__file__).parent.name)"
    )
    result = subprocess.run([str(python), "-c", code], cwd=outside, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    count, _best, package = result.stdout.split()
    assert count == str(len(fundmatch.load_rules().funds)) and package == "fundmatch"
    cli = subprocess.run(
        [str(env_dir / "bin" / "fundmatch"), "rules", "--brief"], cwd=outside, capture_output=True, text=True
    )
    assert cli.returncode == 0 and "INTERREG" in cli.stdout
