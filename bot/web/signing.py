"""The signing page: members link a wallet, vote and delegate by signing in their own wallet.

Routes (relative to where the app is mounted; standalone they start with ``/sign``):

    GET  /sign/{token}            the page (HTML); a clear page for unknown, used or expired links
    GET  /sign/{token}/request    JSON: what to sign (``?address=0x...`` fills in a link's message)
    POST /sign/{token}            JSON ``{"signature": "0x...", "message": "..."}``: complete it
    GET  /sign/static/sign.js     the page's script

The handlers only translate HTTP to ``governance.services.wallets`` calls; every project error
becomes its member-facing message, nothing else leaks. The page loads nothing from elsewhere and
its Content-Security-Policy says so.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
from collections.abc import Awaitable, Callable
from importlib import resources
from string import Template
from typing import Any

from aiohttp import web

from governance.domain.errors import (
    ChainError,
    DaobotError,
    ExternalServiceError,
    InvalidInput,
    NotAuthorized,
    NotFound,
    RateLimited,
    SignatureRejected,
    WrongState,
)
from governance.services import wallets

__all__ = ["DEPS", "make_signing_app"]

log = logging.getLogger(__name__)
DEPS = web.AppKey("wallet_deps", wallets.WalletDeps)
_PAGE = Template(resources.files(__package__).joinpath("signing_page/page.html").read_text("utf-8"))
_SCRIPT = resources.files(__package__).joinpath("signing_page/sign.js").read_bytes()
_STYLE = re.search(r"<style>(.*?)</style>", _PAGE.template, re.S)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.group(1).encode() if _STYLE else b"").digest()).decode()
_CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; "
    f"style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_STATUS: tuple[tuple[type[DaobotError], int], ...] = (
    (InvalidInput, 400), (NotAuthorized, 403), (SignatureRejected, 403), (NotFound, 404),
    (WrongState, 409), (RateLimited, 429), (ChainError, 502),
    (ExternalServiceError, 502),
)
_READY_BODY = """<dl id="details"></dl>
  <pre id="message" class="hidden"></pre>
  <div><button id="connect" disabled>Connect wallet</button><button id="sign" disabled>Sign</button></div>
  <p id="status" class="status" role="status" aria-live="polite">Loading…</p>
  <p id="next" class="next hidden"></p>"""
_SCRIPT_TAG = '<script src="static/sign.js" defer></script>'

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _status_of(error: DaobotError) -> int:
    return next((code for kind, code in _STATUS if isinstance(error, kind)), 400)


def _page(
    title: str, summary: str, *, state: str, body: str = "", script: bool = False, status: int = 200
) -> web.Response:
    text = _PAGE.substitute(
        title=html.escape(title), summary=html.escape(summary), state=state, body=body,
        script=_SCRIPT_TAG if script else "",
    )
    return web.Response(text=text, content_type="text/html", charset="utf-8", status=status)


def _wants_json(request: web.Request) -> bool:
    return request.method == "POST" or request.path.endswith("/request")


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one place errors become responses: the member-facing message, never a trace."""
    try:
        return await handler(request)
    except DaobotError as error:
        status = _status_of(error)
        if _wants_json(request):
            return web.json_response({"error": error.message}, status=status)
        return _page("This signing link cannot be used", error.message, state="error", status=status)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("signing page failed on %s %s", request.method, request.path)
        message = "Something went wrong on the bot's side. Nothing was recorded; try again later."
        if _wants_json(request):
            return web.json_response({"error": message}, status=500)
        return _page("Something went wrong", message, state="error", status=500)


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    response.headers.update({
        "Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store", "X-Frame-Options": "DENY",
    })
    if isinstance(response, web.HTTPException):
        raise response
    return response


async def _show_page(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    view = await wallets.view_request(deps, request.match_info["token"])
    titles = {"link": "Link your wallet", "vote": "Cast your vote", "delegate": "Activate your voting power",
              "snapshot_vote": "Cast your Snapshot vote"}
    return _page(titles.get(view.kind.value, "Sign"), view.summary, state="loading", body=_READY_BODY, script=True)


def _view_json(view: wallets.SigningView) -> dict[str, Any]:
    return {
        "kind": view.kind.value, "summary": view.summary, "method": view.method, "chain_id": view.chain_id,
        "expires": view.expires, "details": [list(pair) for pair in view.details],
        "expected_wallet": view.expected_wallet, "message": view.message, "typed_data": view.typed_data,
    }


async def _request_json(request: web.Request) -> web.Response:
    view = await wallets.view_request(request.app[DEPS], request.match_info["token"], request.query.get("address"))
    return web.json_response(_view_json(view))


async def _read_submission(request: web.Request) -> tuple[str, str | None]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidInput("The page sent something that is not JSON.") from None
    if not isinstance(body, dict) or not isinstance(body.get("signature"), str):
        raise InvalidInput("The page sent no signature.")
    message = body.get("message")
    return body["signature"], message if isinstance(message, str) else None


async def _submit(request: web.Request) -> web.Response:
    signature, message = await _read_submission(request)
    done = await wallets.submit(request.app[DEPS], request.match_info["token"], signature, message)
    next_url = f"{request.app[DEPS].settings.page_url(done.next_token)}" if done.next_token else None
    return web.json_response({
        "ok": True, "kind": done.kind.value, "summary": done.summary, "wallet": done.wallet,
        "tx_hash": done.tx_hash, "next_url": next_url, "receipt": [list(row) for row in done.receipt],
    })


async def _script(_: web.Request) -> web.Response:
    return web.Response(body=_SCRIPT, content_type="text/javascript", charset="utf-8")


def make_signing_app(deps: wallets.WalletDeps, *, prefix: str = "/sign") -> web.Application:
    """The signing pages as an aiohttp app. Run it standalone, or mount it in the bot's server with
    ``server.add_subapp("/sign", make_signing_app(deps, prefix=""))``. ``deps.settings.base_url``
    must be the public origin the member's browser sees (SIWE binds the signature to it)."""
    app = web.Application(middlewares=[_security_headers, _errors], client_max_size=64 * 1024)
    app[DEPS] = deps
    app.router.add_get(f"{prefix}/static/sign.js", _script)
    app.router.add_get(f"{prefix}/{{token}}", _show_page)
    app.router.add_get(f"{prefix}/{{token}}/request", _request_json)
    app.router.add_post(f"{prefix}/{{token}}", _submit)
    return app
