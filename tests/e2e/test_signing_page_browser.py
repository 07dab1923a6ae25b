"""The signing page in headless Chromium, with an injected EIP-1193 wallet that signs in Python.

Link, self-delegate and vote end to end on the fakes; a forged vote and a replayed link are
refused on the page with a clear message and nothing is recorded.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from playwright.async_api import Page, async_playwright

from bot.web.signing import make_signing_app
from governance.adapters.chain.signatures import EthAccountSignerRecovery, recover_typed_data
from governance.adapters.clock import FakeClock
from governance.adapters.fake_wallets import (
    FakeSigningRequestStore,
    FakeVoteRelay,
    FakeVotesReader,
    FakeWalletLinkStore,
)
from governance.domain.addresses import to_checksum
from governance.domain.signing import SigningSettings
from governance.domain.typed_data import Eip712Domain, Support, ballot
from governance.services import wallets

pytestmark = pytest.mark.chromium

ALICE_KEY, MALLORY_KEY = "0x" + "a1" * 32, "0x" + "c3" * 32
ALICE = Account.from_key(ALICE_KEY).address
MEMBER = 4242
PROPOSAL = 0xF00D * 2**200 + 17
SCREENSHOTS = Path("/tmp")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PROVIDER = """
window.ethereum = {
  isDaobotInjectedWallet: true,
  request: async ({ method, params }) => {
    const answer = JSON.parse(await window.daobotInjectedWallet(method, JSON.stringify(params || [])));
    if (answer.error) { const e = new Error(answer.error.message); e.code = answer.error.code; throw e; }
    return answer.result;
  },
};
"""


@dataclass
class InjectedWallet:
    """The wallet behind the injected provider: reports ``account``, signs with ``key``."""

    account: str = ALICE
    key: str = ALICE_KEY
    calls: list[str] = field(default_factory=list)

    def handle(self, method: str, params_json: str) -> str:
        self.calls.append(method)
        params: list[Any] = json.loads(params_json)
        if method in ("eth_requestAccounts", "eth_accounts"):
            return json.dumps({"result": [self.account]})
        if method == "eth_chainId":
            return json.dumps({"result": hex(31337)})
        if method == "personal_sign":
            signable = encode_defunct(primitive=bytes.fromhex(params[0][2:]))
        elif method == "eth_signTypedData_v4":
            signable = encode_typed_data(full_message=json.loads(params[1]))
        else:
            return json.dumps({"error": {"code": 4200, "message": f"{method} is not supported"}})
        signature = Account.sign_message(signable, self.key).signature.hex()
        return json.dumps({"result": "0x" + signature.removeprefix("0x")})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Harness:
    deps: wallets.WalletDeps
    page: Page
    wallet: InjectedWallet
    console_errors: list[str]

    @property
    def links(self) -> FakeWalletLinkStore:
        assert isinstance(self.deps.links, FakeWalletLinkStore)
        return self.deps.links

    @property
    def relay(self) -> FakeVoteRelay:
        assert isinstance(self.deps.relay, FakeVoteRelay)
        return self.deps.relay

    async def open(self, token: str) -> None:
        await self.page.goto(self.deps.settings.page_url(token))

    async def connect_and_sign(self) -> str:
        await self.page.locator("#connect:enabled").click()
        await self.page.locator("#sign:enabled").click()
        status = self.page.locator("#status.ok, #status.bad")
        await status.wait_for()
        return await status.inner_text()


@pytest.fixture
async def harness(chromium_bin: str) -> AsyncIterator[Harness]:
    port = free_port()
    settings = SigningSettings(
        base_url=f"http://127.0.0.1:{port}", chain_id=31337,
        governor=Eip712Domain("DAOGovernor", 31337, to_checksum("5f" * 20)),
        token=Eip712Domain("Farm Share", 31337, to_checksum("e7" * 20)),
    )
    deps = wallets.WalletDeps(
        settings=settings, requests=FakeSigningRequestStore(), links=FakeWalletLinkStore(),
        votes=FakeVotesReader(), relay=FakeVoteRelay(), recovery=EthAccountSignerRecovery(),
        clock=FakeClock(1_795_000_000),
    )
    runner = web.AppRunner(make_signing_app(deps))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    wallet = InjectedWallet()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium_bin, args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 900, "height": 900})
            page.set_default_timeout(15_000)
            await page.expose_function("daobotInjectedWallet", wallet.handle)
            await page.add_init_script(PROVIDER)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            yield Harness(deps, page, wallet, errors)
            await browser.close()
    finally:
        await runner.cleanup()


async def test_link_then_delegate_then_vote(harness: Harness) -> None:
    link = await wallets.start_link(harness.deps, MEMBER, "dana")
    await harness.open(link.token)
    await harness.page.locator("#connect:enabled").click()
    await harness.page.locator("#sign:enabled").wait_for()
    assert f"Nonce: {link.nonce}" in await harness.page.locator("#message").inner_text()
    assert await harness.page.locator("#summary").inner_text() == f"Link wallet {ALICE} to Discord member dana"
    await harness.page.screenshot(path=str(SCREENSHOTS / "daobot-sign-link.png"), full_page=True)
    await harness.page.locator("#sign").click()
    await harness.page.locator("#status.ok").wait_for()
    assert await harness.links.wallet_of(MEMBER) == ALICE

    await harness.page.locator("#next a").click()  # the offered self-delegation
    assert "Delegate the voting power of" in await harness.connect_and_sign()
    assert [d.delegatee for d in harness.relay.delegations] == [ALICE]

    vote = await wallets.start_vote(harness.deps, MEMBER, PROPOSAL, Support.FOR)
    await harness.open(vote.token)
    await harness.page.locator("#connect:enabled").click()
    await harness.page.locator("#sign:enabled").wait_for()
    await harness.page.screenshot(path=str(SCREENSHOTS / "daobot-sign-vote.png"), full_page=True)
    await harness.page.locator("#sign").click()
    status = await harness.page.locator("#status.ok").inner_text()
    assert status.startswith(f"Done: Vote FOR on proposal {PROPOSAL} (no reason given). Transaction sent: 0x")
    await harness.page.screenshot(path=str(SCREENSHOTS / "daobot-sign-vote-done.png"), full_page=True)

    (relayed,) = harness.relay.votes
    proposal, support, voter, signature = relayed.args  # type: ignore[misc]
    assert (relayed.function, proposal, support, voter) == ("castVoteBySig", PROPOSAL, 1, ALICE)
    expected = ballot(harness.deps.settings.governor, proposal_id=PROPOSAL, support=Support.FOR, voter=ALICE, nonce=0)
    assert recover_typed_data(expected, "0x" + signature.hex()) == ALICE
    assert harness.wallet.calls.count("eth_signTypedData_v4") == 2
    assert harness.console_errors == []  # no script error, no Content-Security-Policy violation


async def test_forged_vote_and_replayed_link_are_refused_on_the_page(harness: Harness) -> None:
    link = await wallets.start_link(harness.deps, MEMBER, "dana")
    await harness.open(link.token)
    assert (await harness.connect_and_sign()).startswith("Done: Link wallet")
    await harness.open(link.token)  # replay: the link was used
    assert "already used" in await harness.page.locator("#summary").inner_text()
    await harness.page.screenshot(path=str(SCREENSHOTS / "daobot-sign-used.png"), full_page=True)

    vote = await wallets.start_vote(harness.deps, MEMBER, PROPOSAL, Support.AGAINST, reason="Too costly")
    harness.wallet.key = MALLORY_KEY  # the provider still claims to be the linked wallet
    await harness.open(vote.token)
    refused = await harness.connect_and_sign()
    mallory = Account.from_key(MALLORY_KEY).address
    assert refused == f"This was signed by {mallory}, not by your linked wallet {ALICE}."
    await harness.page.screenshot(path=str(SCREENSHOTS / "daobot-sign-forged.png"), full_page=True)
    assert harness.relay.votes == [] and await harness.links.wallet_of(MEMBER) == ALICE
    assert await harness.page.locator("#connect").is_enabled()  # the member may switch account and retry

    replay = await harness.page.request.post(
        harness.deps.settings.page_url(link.token), data={"signature": "0x" + "11" * 65, "message": ""}
    )
    assert replay.status == 403 and "already used" in (await replay.json())["error"]
