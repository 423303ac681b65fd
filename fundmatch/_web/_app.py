"""The ASGI application: the officer's pages, the HTTP API, and the guards around both.

Pages are rendered on the server (Jinja2, autoescaped) and work without JavaScript; one small script adds
place suggestions as the officer types. The API takes and gives the library's pydantic models, so the OpenAPI
document and the interactive docs come from the same models as the JSON Schema of ``fundmatch schema``.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import anyio
import jinja2
from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

import fundmatch
from fundmatch import MatchReport, Municipality, OrganisationType, Partner, Place, ProjectIdea
from fundmatch._web._core import EU_MEMBER_STATES, PlacesRegister, load_register
from fundmatch._web._inputs import (
    COUNTRY_NAMES,
    FORM_FIELDS,
    InputError,
    MatchRequest,
    Problem,
    TimeLimitExceeded,
    check_funds,
    decode_csv,
    errors_csv,
    file_stem,
    find_candidates,
    form_errors,
    idea_from_form,
    idea_from_text,
    pack_for,
    problems_from,
    read_form,
    read_municipalities,
    run_match,
    screen,
    validate,
)

HERE = Path(__file__).parent
Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """The bounds every request is held to."""

    body_bytes: int = 256 * 1024  # forms and JSON: a 20,000-character description fits many times over
    upload_bytes: int = 4 * 1024 * 1024  # a municipalities CSV: ~40,000 rows
    seconds: float = 20.0  # per request, reading the body included
    rows: int = 50_000  # municipalities per screening


_UPLOAD_PATHS = {"/screen", "/api/screen"}

# No inline script anywhere; style attributes are allowed because the report's HTML (the notebook rendering,
# self-contained by design) carries its colours inline. Nothing is loaded from another origin.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; style-src-elem 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def _json_safe(value: Any) -> Any:
    """``value`` as strict JSON can carry it: an error echoes what was sent, and NaN, an infinity or a lone
    surrogate ("\\ud800") is valid for Python's JSON reader but not for the writer of the response."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_json_safe(str(k)): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _json_safe(str(value))


def _json_error(status: int, detail: str, problems: list[Problem] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail}
    if problems is not None:
        body["errors"] = [p.as_json() for p in problems]
    body.update(extra)
    return JSONResponse(_json_safe(body), status_code=status)


async def _send_error(send: Callable[[Any], Awaitable[None]], status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(HTTPException):
    pass


def guard(app: ASGIApp, limits: Limits) -> ASGIApp:
    """Security headers on every response, a bounded body, and a time limit per request (outermost layer)."""

    async def guarded(
        scope: Scope, receive: Callable[[], Awaitable[Any]], send: Callable[[Any], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = limits.upload_bytes if path in _UPLOAD_PATHS else limits.body_bytes
        started = False

        async def send_with_headers(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if not path.startswith("/static/"):
                    # Officers' inputs and results are nobody else's: no shared or browser cache keeps them.
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_error(send_with_headers, 413, f"request body larger than {limit // 1024:,} KiB")
            return
        received = 0

        async def bounded_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(413, f"request body larger than {limit // 1024:,} KiB")
            return message

        with anyio.move_on_after(limits.seconds) as timer:
            await app(scope, bounded_receive, send_with_headers)
        if timer.cancelled_caught and not started:
            await _send_error(send_with_headers, 503, f"the request took longer than {limits.seconds:g} s")

    return guarded


# ------------------------------------------------------------------------------------------------ the app


def create_app(
    *, period: str = fundmatch.DEFAULT_PERIOD, data_dir: str | Path | None = None, limits: Limits | None = None
) -> Any:
    """The web application on the shipped pack of ``period`` and the places register in ``data_dir``.

    The pack is loaded here, once per process; the register is loaded on first use and kept (reloaded only
    when ``fundmatch places import`` replaces the file).
    """
    limits = limits or Limits()
    pack = fundmatch.load_rules(period)
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )

    def register() -> PlacesRegister | None:
        try:
            return load_register(data_dir=data_dir)
        except fundmatch.PlacesError:
            return None

    # Warm the register once at start-up, so the first officer does not wait for it.
    register()

    app = FastAPI(
        title="fundmatch",
        version=fundmatch.__version__,
        description=(
            "Which EU fund fits a municipality's project idea, and why. Every result is explained rule by rule, "
            "each rule with the act and article it rests on. The report is `MatchReport` exactly as the "
            "library's `model_dump_json()` writes it; errors are `{detail, errors: [{field, message, suggestion}]}`."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    swagger = _swagger_folder()
    if swagger is not None:  # before /static, which would otherwise answer for it
        app.mount("/static/swagger", StaticFiles(directory=swagger), name="swagger")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        reg = register()
        html = templates.get_template(name).render(
            version=fundmatch.__version__,
            pack=pack,
            register=reg,
            countries=[(c, COUNTRY_NAMES.get(c, c)) for c in sorted(EU_MEMBER_STATES)],
            applicant_types=[t.value for t in OrganisationType],
            limits=limits,
            **context,
        )
        return HTMLResponse(html, status_code=status)

    # ------------------------------------------------------------------------------------ error handling

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        model = MatchRequest if request.url.path == "/api/match" else None
        problems = []
        for error in exc.errors():
            loc = list(error.get("loc", ()))
            source = loc.pop(0) if loc and loc[0] in ("body", "query", "path") else None
            problems += problems_from([{**error, "loc": tuple(loc)}], model if source == "body" else None)
        return _json_error(422, "; ".join(str(p) for p in problems), problems)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        extra = {"candidates": [_place_json(p) for p in exc.candidates]} if exc.candidates else {}
        return _json_error(422, str(exc), exc.problems, **extra)

    @app.exception_handler(TimeLimitExceeded)
    async def _slow(request: Request, exc: TimeLimitExceeded) -> JSONResponse:
        return _json_error(503, f"the request took longer than {limits.seconds:g} s; screen a smaller table")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return _json_error(exc.status_code, str(exc.detail))

    # ------------------------------------------------------------------------------------ the pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home() -> HTMLResponse:
        return page("index.html", values=dict.fromkeys(FORM_FIELDS, ""), errors={}, candidates=[], report=None)

    async def _form_match(request: Request) -> tuple[Any, Any]:
        async with request.form(max_files=0, max_fields=40) as form:
            result = await run_in_threadpool(read_form, form, register())
        report = None
        if not result.problems:
            assert result.profile is not None and result.idea is not None  # no problems: both were built
            report = await run_in_threadpool(pack.match, result.profile, result.idea)
        return result, report

    def _form_page(result: Any, report: MatchReport | None) -> HTMLResponse:
        values = dict(result.values)
        if result.place is not None:
            values["place"] = result.place.label  # the downloads and a second submit use the place shown
        return page(
            "index.html",
            status=422 if result.problems else 200,
            values=values,
            errors=result.errors_by_field(),
            candidates=result.candidates,
            report=report,
            report_html=report._repr_html_() if report is not None else "",  # the library escapes what it renders
        )

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def home_match(request: Request) -> HTMLResponse:
        return _form_page(*await _form_match(request))

    @app.post("/report.html", include_in_schema=False)
    async def download_html(request: Request) -> Response:
        result, report = await _form_match(request)
        if report is None:
            return _form_page(result, report)
        html = templates.get_template("report_file.html").render(
            report=report, report_html=report._repr_html_(), version=fundmatch.__version__
        )
        return _attachment(
            html.encode(), "text/html; charset=utf-8", f"fundmatch-{file_stem(report.municipality.name)}.html"
        )

    @app.post("/report.json", include_in_schema=False)
    async def download_json(request: Request) -> Response:
        result, report = await _form_match(request)
        if report is None:
            return _form_page(result, report)
        return _attachment(
            report.model_dump_json().encode(),
            "application/json",
            f"fundmatch-{file_stem(report.municipality.name)}.json",
        )

    @app.get("/screen", response_class=HTMLResponse, include_in_schema=False)
    async def screen_page() -> HTMLResponse:
        return page("screen.html", values=dict.fromkeys(FORM_FIELDS, ""), errors={}, bad_rows=[], errors_file="")

    @app.post("/screen", include_in_schema=False)
    async def screen_upload(
        municipalities: Annotated[UploadFile, File()],
        title: str = Form(""),
        description: str = Form(""),
        partners: str = Form(""),
        budget_eur: str = Form(""),
        duration_months: str = Form(""),
        applicant_type: str = Form(""),
    ) -> Response:
        values = {
            "title": title, "description": description, "partners": partners, "budget_eur": budget_eur,
            "duration_months": duration_months, "applicant_type": applicant_type,
        }  # fmt: skip
        values = {k: v.strip() for k, v in values.items()}
        name = municipalities.filename or "municipalities.csv"
        errors: dict[str, str] = {}
        bad_rows: list[dict[str, Any]] = []
        try:
            idea = validate(ProjectIdea, idea_from_form(values))
        except InputError as exc:
            idea = None
            errors.update(form_errors(exc.problems))
        try:
            text = decode_csv(await municipalities.read(limits.upload_bytes + 1), name)
            profiles, bad_rows = await run_in_threadpool(read_municipalities, text, limits.rows)
        except InputError as exc:
            profiles = []
            errors["municipalities"] = exc.problems[0].message
        if errors or bad_rows:
            errors_file = ""
            if bad_rows:
                encoded = base64.b64encode(errors_csv(bad_rows).encode()).decode()
                errors_file = f"data:text/csv;charset=utf-8;base64,{encoded}"
            return page(
                "screen.html",
                status=422,
                values=values,
                errors=errors,
                bad_rows=bad_rows[:200],
                bad_count=len(bad_rows),
                file_name=name,
                errors_file=errors_file,
                errors_file_name=f"{Path(name).stem}-errors.csv",
            )
        deadline = time.monotonic() + limits.seconds
        body = await run_in_threadpool(screen, pack, profiles, idea, None, deadline)
        return _attachment(body.encode(), "text/csv; charset=utf-8", f"{Path(name).stem}-screened.csv")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return page("docs.html", swagger=swagger is not None)

    # ------------------------------------------------------------------------------------ the API

    @app.post(
        "/api/match",
        summary="Rank the funds for one municipality and one idea",
        response_class=Response,
        responses={
            200: {"model": MatchReport, "description": "The report, exactly as `MatchReport.model_dump_json()`."},
            422: {"description": "Bad input: `{detail, errors: [{field, message, suggestion, input}]}`."},
        },
        tags=["match"],
    )
    async def api_match(body: MatchRequest) -> Response:
        """A profile (or a place of the register, with `values` that win), an idea, options → the report.

        The idea may be a plain string in any official EU language; themes, target groups and activities are
        read from it, each with its evidence in `inferred`.
        """
        report = await run_in_threadpool(run_match, body, register())
        return Response(report.model_dump_json(), media_type="application/json")

    @app.post(
        "/api/screen",
        summary="Screen a municipalities CSV against one idea",
        response_class=Response,
        responses={
            200: {"content": {"text/csv": {}}, "description": "One row per municipality × fund (`fundmatch screen`)."},
            422: {
                "content": {"text/csv": {}, "application/json": {}},
                "description": "Bad rows: the errors file (line, column, value, problem) as CSV; a bad idea: JSON.",
            },
        },
        tags=["match"],
    )
    async def api_screen(
        municipalities: Annotated[UploadFile, File(description="CSV: Municipality fields as columns, empty unknown.")],
        idea: Annotated[str, Form(description="The ProjectIdea as JSON, or a plain sentence in any language.")],
        funds: str = Form("", description="Only these funds, comma-separated."),
        period: str = Form(fundmatch.DEFAULT_PERIOD),
    ) -> Response:
        """Every municipality of the table screened for one idea, as ``fundmatch screen`` does."""
        # A JSON object is the ProjectIdea; anything else is the idea as text.
        if idea.lstrip().startswith("{"):
            try:
                data = json.loads(idea)
            except ValueError as exc:
                raise InputError([Problem("idea", f"not valid JSON ({exc})")]) from None
        else:
            data = idea_from_text(idea)
        the_idea = validate(ProjectIdea, data, ("idea",))
        the_pack = pack_for(period)
        chosen = check_funds(the_pack, [f for f in funds.split(",") if f.strip()])
        name = municipalities.filename or "municipalities.csv"
        text = decode_csv(await municipalities.read(limits.upload_bytes + 1), name)
        profiles, bad_rows = await run_in_threadpool(read_municipalities, text, limits.rows)
        if bad_rows:
            return Response(
                errors_csv(bad_rows),
                status_code=422,
                media_type="text/csv; charset=utf-8",
                headers={"x-fundmatch-bad-rows": str(len(bad_rows))},
            )
        deadline = time.monotonic() + limits.seconds
        body = await run_in_threadpool(screen, the_pack, profiles, the_idea, chosen, deadline)
        return Response(body, media_type="text/csv; charset=utf-8")

    @app.get("/api/places", summary="Places of the register like a name", tags=["places"])
    async def api_places(
        q: str = Query(..., min_length=1, max_length=100, description="The name as the officer types it."),
        country: str = Query("", max_length=2, description="Only this country (ISO code)."),
        limit: int = Query(8, ge=1, le=25),
    ) -> dict[str, Any]:
        """Candidates best first, each with its label (usable as `place` in /api/match), codes and caveats."""
        reg = register()
        if reg is None:
            raise HTTPException(503, "no places register on this server: run 'fundmatch places import FILE'")
        places = await run_in_threadpool(find_candidates, q, reg, country or None, limit)
        return {
            "register": {"vintage": reg.vintage, "nuts_version": reg.nuts_version, "source": reg.source},
            "places": [_place_json(p) for p in places],
        }

    @app.get("/api/schema", summary="JSON Schema of the inputs and the report", tags=["schema"])
    async def api_schema() -> dict[str, Any]:
        """What ``fundmatch schema`` prints: the JSON Schema of Municipality, ProjectIdea, Partner, MatchReport."""
        models: dict[str, type[BaseModel]] = {
            "municipality": Municipality,
            "idea": ProjectIdea,
            "partner": Partner,
            "report": MatchReport,
        }
        return {
            "schema_version": MatchReport.model_fields["schema_version"].default,
            "schemas": {name: model.model_json_schema() for name, model in models.items()},
        }

    return guard(app, limits)


def _place_json(place: Place) -> dict[str, Any]:
    return place.model_dump(mode="json") | {"label": place.label, "nuts2": place.nuts2, "notes": place.notes}


def _attachment(body: bytes, media_type: str, filename: str) -> Response:
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=media_type, headers={"content-disposition": disposition})


def _swagger_folder() -> Path | None:
    """Swagger UI's files from the fastapi-offline package, so that /docs loads nothing from elsewhere."""
    spec = find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None
