"""``fundmatch serve``: a local web page for officers and an HTTP API for apps, on the same engine and data.

The web stack (FastAPI, uvicorn, Jinja2) is an optional extra, ``pip install "fundmatch[web]"``: nothing here
imports it until the server is started, so ``import fundmatch`` and the rest of the command line never do.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import Any

from fundmatch import DEFAULT_PERIOD

__all__ = ["add_command", "create_app"]

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """True when ``host`` is only reachable from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def add_command(sub: Any) -> None:
    """Add ``serve`` to the ``fundmatch`` subcommands (argparse only: the web stack loads when it runs)."""
    s = sub.add_parser(
        "serve",
        help="start the local web page and HTTP API (needs: pip install 'fundmatch[web]')",
        description=(
            "Serve the officer's web page and the HTTP API (/api/match, /api/screen, /api/places, /api/schema; "
            "interactive docs at /docs) on the shipped rule pack and the local places register."
        ),
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    s.add_argument(
        "--period", default=DEFAULT_PERIOD, help="programming period of the shipped packs (default: %(default)s)"
    )
    s.add_argument("--data-dir", metavar="DIR", help="folder of the places register (default: fundmatch's data folder)")
    s.set_defaults(run=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from fundmatch._web._app import create_app as _create
    except ImportError as exc:
        print(
            f"fundmatch: error: the web page needs the web extra ({exc.name} is missing):"
            ' python -m pip install "fundmatch[web]"',
            file=sys.stderr,
        )
        return 2
    if not is_loopback(args.host):
        print(
            f"fundmatch: warning: serving on {args.host}, beyond this machine: anyone who can reach port {args.port}"
            " can use it, and there is no login. Use --host 127.0.0.1 unless that is what you want.",
            file=sys.stderr,
        )
    app = _create(period=args.period, data_dir=args.data_dir)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"fundmatch: serving on http://{shown}:{args.port} (Ctrl+C stops)", file=sys.stderr)
    # No Server header, no proxy headers trusted, short keep-alive: a small local service, not a public one.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        server_header=False,
        proxy_headers=False,
        timeout_keep_alive=5,
        log_level="warning",
    )
    return 0


def create_app(**options: Any) -> Any:
    """The ASGI application (see `fundmatch._web._app.create_app`); imports the web stack."""
    from fundmatch._web._app import create_app as _create

    return _create(**options)
