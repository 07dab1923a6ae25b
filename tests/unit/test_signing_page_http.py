"""The signing app over HTTP (no browser): status codes, messages, headers, no leaks."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from eth_account import Account
from eth_account.messages import encode_defunct

from bot.web.signing import make_signing_app
from governance.adapters.chain.signatures import EthAccountSignerRecovery
from governance.adapters.clock import FakeClock
from governance.adapters.fake_wallets import (
    FakeSigningRequestStore,
    FakeVoteRelay,
    FakeVotesReader,
    FakeWalletLinkStore,
)
from governance.domain.addresses import to_checksum
from governance.domain.signing import SigningSettings
from governance.domain.typed_data import Eip712Domain
from governance.services import wallets

KEY = "0x" + "a1" * 32
WALLET = Account.from_key(KEY).address


@pytest.fixture
async def client() -> AsyncIterator[tuple[TestClient, wallets.WalletDeps]]:  # type: ignore[type-arg]
    settings = SigningSettings(
        base_url="http://127.0.0.1:8080", chain_id=31337,
        governor=Eip712Domain("DAOGovernor", 31337, to_checksum("11" * 20)),
        token=Eip712Domain("Farm Share", 31337, to_checksum("22" * 20)),
    )
    deps = wallets.WalletDeps(
        settings=settings, requests=FakeSigningRequestStore(), links=FakeWalletLinkStore(),
        votes=FakeVotesReader(), relay=FakeVoteRelay(), recovery=EthAccountSignerRecovery(),
        clock=FakeClock(1_795_000_000),
    )
    async with TestClient(TestServer(make_signing_app(deps))) as test_client:
        yield test_client, deps


async def test_unknown_token_gets_a_clear_page_with_a_strict_csp(client) -> None:  # type: ignore[no-untyped-def]
    http, _ = client
    response = await http.get("/sign/" + "x" * 32)
    assert response.status == 404
    text = await response.text()
    assert "This signing link is not valid. Ask the bot for a new one." in text
    assert "<script" not in text
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Cache-Control"] == "no-store"


async def test_page_request_json_and_link_submission(client) -> None:  # type: ignore[no-untyped-def]
    http, deps = client
    request = await wallets.start_link(deps, 42, "carol")
    page = await http.get(f"/sign/{request.token}")
    assert page.status == 200
    body = await page.text()
    assert "Link your wallet to Discord member carol" in body and 'src="static/sign.js"' in body
    assert request.nonce not in body  # the page fetches what to sign; nothing secret is rendered
    script = await http.get("/sign/static/sign.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    view = await (await http.get(f"/sign/{request.token}/request", params={"address": WALLET})).json()
    assert view["method"] == "personal_sign" and view["summary"] == f"Link wallet {WALLET} to Discord member carol"
    message = view["message"]
    forged = "0x" + Account.sign_message(encode_defunct(text=message), "0x" + "c3" * 32).signature.hex()
    refused = await http.post(f"/sign/{request.token}", json={"signature": forged, "message": message})
    assert refused.status == 403
    assert (await refused.json()) == {"error": "The signature was not made by the wallet named in the message."}
    good = "0x" + Account.sign_message(encode_defunct(text=message), KEY).signature.hex()
    done = await http.post(f"/sign/{request.token}", json={"signature": good, "message": message})
    assert done.status == 200
    answer = await done.json()
    assert answer["wallet"] == WALLET and answer["next_url"].startswith("http://127.0.0.1:8080/sign/")
    used = await http.get(f"/sign/{request.token}")
    assert used.status == 403 and "already used" in await used.text()


async def test_bad_bodies_and_expiry(client) -> None:  # type: ignore[no-untyped-def]
    http, deps = client
    request = await wallets.start_link(deps, 42)
    not_json = await http.post(f"/sign/{request.token}", data=b"signature=0x", headers={"Content-Type": "text/plain"})
    assert not_json.status == 400 and "not JSON" in (await not_json.json())["error"]
    no_sig = await http.post(f"/sign/{request.token}", json={"message": "x"})
    assert (await no_sig.json())["error"] == "The page sent no signature."
    deps.clock.advance(deps.settings.ttl)  # type: ignore[attr-defined]
    expired = await http.get(f"/sign/{request.token}/request")
    assert expired.status == 403 and "expired" in (await expired.json())["error"]
