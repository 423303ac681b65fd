"""Load check of ``fundmatch serve`` on this machine (not a test): 8 concurrent clients × 200 requests.

Run from the repository root with the web extra installed: ``python bench/web_load.py [--clients 8]
[--requests 200] [--register FILE]``. The server runs in its own process on 127.0.0.1 (a free port), with a
places register built in a temporary folder from the test fixture (or ``--register``, e.g. the full EU list);
each client sends a bounded number of requests, mixing ``POST /api/match`` with a place and a German idea,
``POST /api/match`` with a typed-in profile, and ``GET /api/places``. Every request has a timeout, and the
run stops by itself. Prints throughput and p50/p95 latency per kind of request; an answer under load that differs from the same
request's answer before the load counts as failed.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "data" / "lau_fixture.csv"
IDEA = "Sprachkurse und Mentoring für geflüchtete Jugendliche, mit Partnern in Österreich"
PROFILE = {"name": "Tarvisio", "country": "IT", "nuts": "ITH42", "population": 4100, "degurba": 3}
REQUESTS = [
    ("match place", "POST", "/api/match", {"place": "Brixen, IT", "idea": IDEA}),
    ("match profile", "POST", "/api/match", {"profile": PROFILE, "idea": {"title": "Youth", "themes": ["education"]}}),
    ("places", "GET", "/api/places?q=Neustadt", None),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str]) -> int:
    """Start the server, run the clients, print the figures, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="requests per client")
    parser.add_argument("--register", type=Path, default=FIXTURE, help="LAU file for the register")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fundmatch-bench-") as data:
        env = {**os.environ, "FUNDMATCH_DATA_DIR": data}
        subprocess.run(
            [sys.executable, "-m", "fundmatch", "places", "import", str(args.register)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "fundmatch", "serve", "--port", str(port)],
            env=env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(base + "/api/schema", timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print("the server did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            latencies: dict[str, list[float]] = {name: [] for name, *_ in REQUESTS}
            # Each kind of request is answered once before the load, so that every answer under load can be
            # checked against it: concurrency must not change a report.
            reference = {
                name: httpx.request(m, base + path, json=body, timeout=10).content for name, m, path, body in REQUESTS
            }
            failures: list[str] = []
            lock = threading.Lock()

            def client(index: int) -> None:
                with httpx.Client(base_url=base, timeout=10) as http:
                    for i in range(args.requests):
                        name, method, path, body = REQUESTS[(index + i) % len(REQUESTS)]
                        start = time.perf_counter()
                        try:
                            r = http.request(method, path, json=body)
                            ok = r.status_code == 200 and r.content == reference[name]
                        except httpx.HTTPError as exc:
                            ok, r = False, exc
                        took = time.perf_counter() - start
                        with lock:
                            (latencies[name] if ok else failures).append(took if ok else f"{name}: {r}")

            threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=600)
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)

    done = sum(len(v) for v in latencies.values())
    print(f"{args.clients} clients × {args.requests} requests on 127.0.0.1, one uvicorn process (register: "
          f"{args.register.name}, {os.cpu_count()} cores)")  # fmt: skip
    print(f"  {done:,} ok, {len(failures)} failed in {wall:.2f} s: {done / wall:,.0f} requests/s")
    everything = sorted(x for v in latencies.values() for x in v)
    for name, values in [*latencies.items(), ("all", everything)]:
        if len(values) >= 2:
            q = statistics.quantiles(values, n=20)
            print(f"  {name:<14} n={len(values):>5}  p50 {statistics.median(values) * 1000:6.1f} ms"
                  f"  p95 {q[18] * 1000:6.1f} ms")  # fmt: skip
    for failure in failures[:5]:
        print("  failed:", failure)
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
