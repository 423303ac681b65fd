"""Nothing is lost: ``places import``, ``places download`` and ``screen`` killed at any point (by PID) leave the
previous cache or output whole and no litter once the next run has started.

Each test starts its own ``fundmatch`` processes and kills only them, by PID; the download test talks to a
server on 127.0.0.1 started here, whose handler sends a bounded number of bytes.
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fundmatch._places import load_register

REPO = Path(__file__).resolve().parent.parent
LAU = REPO / "tests" / "data" / "lau_fixture.csv"
IDEA = str(REPO / "examples" / "ideas" / "sprakcafe.yaml")
HEADER = "country,lau_code,name,name_latin,population,population_year,degurba,nuts3_code,nuts_version,source,coastal\n"


def _fundmatch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fundmatch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _kill_when(process: subprocess.Popen[str], ready: Callable[[], bool], sig: int, limit: float = 30.0) -> bool:
    """Send ``sig`` to our own child once ``ready()`` holds (polled); False if it ended first."""
    end = time.monotonic() + limit
    while time.monotonic() < end and process.poll() is None:
        if ready():
            os.kill(process.pid, sig)
            return True
        time.sleep(0.005)
    return False


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover - only on a hang, which is the failure
        os.kill(process.pid, signal.SIGKILL)
        _, err = process.communicate()
    return process.returncode, err


def _litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "fundmatch-tmp" in p.name)


_BIG = 120_000


@pytest.fixture(scope="module")
def big_lau(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LAU list large enough (120,000 rows) that an import takes well over a second, also once `fundmatch`
    no longer imports rule-engine for it (the "mid" kill must find the import still running)."""
    path = tmp_path_factory.mktemp("lau") / "LAU-2019-NUTS-2016.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(_BIG):
            out.write(f"DE,{i:08d},Gemeinde {i} am See,,{1000 + i},2019,2,DE123,2016,test,no\n")
    return path


def _moment(name: str, folder: Path, started: float) -> Callable[[], bool]:
    if name == "while the temporary file is written":
        return lambda: bool(_litter(folder))
    delay = {"early": 0.3, "mid": 0.9}[name]
    return lambda: time.monotonic() - started > delay


@pytest.mark.parametrize("moment", ["early", "mid", "while the temporary file is written"])
def test_a_killed_import_keeps_the_old_cache_and_the_next_run_cleans_up(
    tmp_path: Path, big_lau: Path, moment: str
) -> None:
    dd = tmp_path / "dd"
    assert _finish(_fundmatch("places", "import", str(LAU), "--data-dir", str(dd)))[0] == 0
    before = (dd / "places.sqlite").read_bytes()
    process = _fundmatch("places", "import", str(big_lau), "--data-dir", str(dd))
    killed = _kill_when(process, _moment(moment, dd, time.monotonic()), signal.SIGKILL)
    code, _ = _finish(process)
    assert killed and code == -signal.SIGKILL
    # Killed before the rename: the old cache, byte for byte; after it (the import was done): the whole new one.
    if (dd / "places.sqlite").read_bytes() == before:
        assert len(load_register(data_dir=dd)) == 33
    else:
        assert moment == "mid" and len(load_register(data_dir=dd)) == _BIG
    if moment == "while the temporary file is written":
        assert _litter(dd)  # SIGKILL leaves the temporary file (it cannot be caught) …
    # What the killed process left (if anything) carries its PID; the next import removes it.
    assert _finish(_fundmatch("places", "import", str(LAU), "--data-dir", str(dd)))[0] == 0
    assert _litter(dd) == []


def test_ctrl_c_in_an_import_is_exit_130_one_line_and_no_litter(tmp_path: Path, big_lau: Path) -> None:
    dd = tmp_path / "dd"
    assert _finish(_fundmatch("places", "import", str(LAU), "--data-dir", str(dd)))[0] == 0
    before = (dd / "places.sqlite").read_bytes()
    process = _fundmatch("places", "import", str(big_lau), "--data-dir", str(dd))
    assert _kill_when(process, lambda: bool(_litter(dd)), signal.SIGINT)
    code, err = _finish(process)
    assert code == 130 and err.strip().splitlines() == ["fundmatch: interrupted; no output file was changed"]
    assert (dd / "places.sqlite").read_bytes() == before and _litter(dd) == []


@pytest.fixture(scope="module")
def big_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("table") / "m.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("name,country,nuts,population,degurba,leader_lag,code\n")
        for i in range(8_000):
            out.write(f"Gemeinde {i},DE,DE123,{1000 + i},2,yes,C{i}\n")
    return path


@pytest.mark.parametrize(("sig", "moment"), [(signal.SIGKILL, 0.2), (signal.SIGKILL, None), (signal.SIGINT, None)])
def test_a_killed_screen_keeps_the_previous_output(
    tmp_path: Path, big_table: Path, sig: int, moment: float | None
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("the previous output\n", encoding="utf-8")
    process = _fundmatch("screen", str(big_table), IDEA, "-o", str(out), "--no-progress")
    started = time.monotonic()

    def writing() -> bool:  # the temporary output exists and has rows in it
        return any(p.stat().st_size > 10_000 for p in tmp_path.iterdir() if "fundmatch-tmp" in p.name)

    ready = (lambda: time.monotonic() - started > moment) if moment is not None else writing
    assert _kill_when(process, ready, sig)
    code, err = _finish(process)
    assert out.read_text(encoding="utf-8") == "the previous output\n"
    if sig == signal.SIGINT:
        assert code == 130 and "Traceback" not in err and _litter(tmp_path) == []
    else:
        assert code == -signal.SIGKILL
        if moment is None:
            assert _litter(tmp_path)  # … SIGKILL leaves the temporary output, named with the dead PID
    # The next run cleans what a killed one left, and replaces the output only once it is complete.
    small = tmp_path / "small.csv"
    small.write_text("name,country,population\nA,DE,100\n", encoding="utf-8")
    assert _finish(_fundmatch("screen", str(small), IDEA, "-o", str(out), "--no-progress"))[0] == 0
    assert _litter(tmp_path) == [] and out.read_text(encoding="utf-8").count("\nA,DE,") == 5


class _Slow(http.server.BaseHTTPRequestHandler):
    """Sends a LAU file slowly: the first half at once, then at most 100 more bytes, one per 50 ms."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = LAU.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        half = len(body) // 2
        try:
            self.wfile.write(body[:half])
            self.wfile.flush()
            for byte in body[half : half + 100]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            return


@pytest.fixture
def slow_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/LAU-2019-NUTS-2016.csv"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_download_keeps_the_cache_and_leaves_no_litter(tmp_path: Path, slow_server: str, sig: int) -> None:
    dd = tmp_path / "dd"
    assert _finish(_fundmatch("places", "import", str(LAU), "--data-dir", str(dd)))[0] == 0
    before = (dd / "places.sqlite").read_bytes()
    process = _fundmatch("places", "download", "--url", slow_server, "--data-dir", str(dd))

    def downloading() -> bool:
        return any(p.is_dir() and any(p.iterdir()) for p in dd.iterdir() if "fundmatch-tmp" in p.name)

    assert _kill_when(process, downloading, sig)
    code, err = _finish(process)
    assert (dd / "places.sqlite").read_bytes() == before
    if sig == signal.SIGINT:
        assert code == 130 and "Traceback" not in err and _litter(dd) == []
    else:
        assert code == -signal.SIGKILL
    assert _finish(_fundmatch("places", "import", str(LAU), "--data-dir", str(dd)))[0] == 0
    assert _litter(dd) == []


def test_only_a_dead_local_writer_s_temporary_files_are_removed(tmp_path: Path) -> None:
    from fundmatch._files import _HOST, clean_stale, temporary_beside

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # a process of ours that has ended
    mine = temporary_beside(tmp_path / "out.csv")  # this process: alive
    stale = tmp_path / f".out.csv.{pid}-{_HOST}.abc.fundmatch-tmp"
    elsewhere = tmp_path / f".out.csv.{pid}-{'0' * 8 if _HOST != '0' * 8 else '1' * 8}.abc.fundmatch-tmp"
    journal = tmp_path / f".places.sqlite.{pid}-{_HOST}.x_1.fundmatch-tmp-journal"
    for path in (stale, elsewhere, journal):
        path.write_text("x", encoding="utf-8")
    assert sorted(clean_stale(tmp_path)) == sorted([stale, journal])
    assert mine.exists() and elsewhere.exists()


@pytest.mark.parametrize("where", ["inside mkstemp", "before the clean-up starts"])
def test_an_interrupt_that_lands_before_a_temporary_s_clean_up_leaves_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    # The subprocess tests above hit this window only by chance; here the interrupt lands in it every time.
    import tempfile

    from fundmatch import _files
    from fundmatch._cli import main

    dd = tmp_path / "dd"
    assert main(["places", "import", str(LAU), "--data-dir", str(dd)]) == 0
    before = (dd / "places.sqlite").read_bytes()
    real_mkstemp, real_close = tempfile.mkstemp, os.close

    def interrupted_mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        if where == "inside mkstemp":
            os.close(fd)
            raise KeyboardInterrupt
        return fd, name

    def interrupted_close(fd: int) -> None:
        real_close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(_files.tempfile, "mkstemp", interrupted_mkstemp)
    if where == "before the clean-up starts":
        monkeypatch.setattr(_files.os, "close", interrupted_close)
    capsys.readouterr()
    code = main(["places", "import", str(LAU), "--data-dir", str(dd)])
    monkeypatch.undo()
    assert code == 130 and capsys.readouterr().err.strip() == "fundmatch: interrupted; no output file was changed"
    assert (dd / "places.sqlite").read_bytes() == before and _litter(dd) == []


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_an_output_file_gets_the_mode_a_new_file_would_get_or_the_one_it_had(tmp_path: Path, umask: int) -> None:
    # mkstemp makes private (0o600) files: an HTML report or a screened table for colleagues must not stay so.
    from fundmatch import _files

    target = tmp_path / "report.html"
    saved = os.umask(umask)
    _files._umask.cache_clear()
    try:
        _files.write_atomic(target, lambda out: out.write("<p>new</p>"))
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask
        target.chmod(0o640)
        _files.write_atomic(target, lambda out: out.write("<p>again</p>"))
        assert target.stat().st_mode & 0o777 == 0o640 and target.read_text(encoding="utf-8") == "<p>again</p>"
    finally:
        os.umask(saved)
        _files._umask.cache_clear()


def test_an_output_that_is_a_symlink_is_written_through(tmp_path: Path) -> None:
    from fundmatch import _files

    real = tmp_path / "shared" / "report.html"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "report.html"
    link.symlink_to(real)
    _files.write_atomic(link, lambda out: out.write("new"))
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    assert _litter(real.parent) == [] and _litter(tmp_path) == []


def test_a_read_only_output_is_still_replaced_and_stays_read_only(tmp_path: Path) -> None:
    # The temporary is the writer's to fill: it gets the owner's write bit until the rename.
    from fundmatch import _files

    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o444)
    while_written: list[int] = []

    def write(out: Any) -> None:
        # Root ignores mode bits, so what is checked is the mode itself: writable by its owner while filled.
        while_written.append(os.stat(out.name).st_mode & 0o777)
        out.write("new\n")

    _files.write_atomic(target, write)
    assert while_written == [0o644]
    assert target.read_text(encoding="utf-8") == "new\n" and target.stat().st_mode & 0o777 == 0o444
    assert _litter(tmp_path) == []


def test_an_interrupt_after_an_output_was_renamed_into_place_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ctrl-C while the new register is being loaded, once it has replaced the old one: it was changed.
    from fundmatch._cli import main
    from fundmatch._places import cache

    dd = tmp_path / "dd"
    assert main(["places", "import", str(LAU), "--data-dir", str(dd)]) == 0

    def interrupted(**_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cache, "load_register", interrupted)
    capsys.readouterr()
    assert main(["places", "import", str(LAU), "--data-dir", str(dd)]) == 130
    err = capsys.readouterr().err.strip()
    assert err == f"fundmatch: interrupted; already written in full: {dd / 'places.sqlite'}"
    monkeypatch.undo()
    # The next call of main in the same process starts afresh: interrupted before writing, nothing changed.
    import tempfile

    def no_temporary(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise KeyboardInterrupt

    monkeypatch.setattr(tempfile, "mkstemp", no_temporary)
    assert main(["places", "import", str(LAU), "--data-dir", str(dd)]) == 130
    assert capsys.readouterr().err.strip() == "fundmatch: interrupted; no output file was changed"
