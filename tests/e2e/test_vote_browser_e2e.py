"""A member in headless Chromium with an injected EIP-1193 wallet (a dev account signing in Python):
link, self-delegate and vote from the buttons on a proposal's Discord message. The Governor records
the vote on chain and the proposal message is edited with the new tally."""

from __future__ import annotations

from pathlib import Path

import pytest
from dao_harness import running_dao
from playwright.async_api import Page, async_playwright
from proposal_steps import (
    FAST,
    FEATURES,
    fields,
    link_url,
    list_classifier_as_timelock,
    live_message,
    proposal_id_in,
    until,
)
from test_signing_page_browser import CHROMIUM_ARGS, PROVIDER, InjectedWallet

pytestmark = pytest.mark.chromium


async def _connect_and_sign(page: Page, url: str) -> str:
    await page.goto(url)
    await page.locator("#connect:enabled").click()
    await page.locator("#sign:enabled").click()
    status = page.locator("#status.ok, #status.bad")
    await status.wait_for()
    return await status.inner_text()


async def test_link_delegate_and_vote_in_chromium(tmp_path: Path, chromium_bin: str) -> None:
    async with async_playwright() as pw, running_dao(tmp_path, features=FEATURES, settings=FAST) as dao:
        alice = dao["alice"]
        key = "0x" + alice.key.key.hex().removeprefix("0x")
        wallet = InjectedWallet(account=alice.address, key=key)
        browser = await pw.chromium.launch(executable_path=chromium_bin, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        page.set_default_timeout(20_000)
        await page.expose_function("daobotInjectedWallet", wallet.handle)
        await page.add_init_script(PROVIDER)

        reply = await (await alice.discord.slash("link")).response(timeout=15)
        assert (await _connect_and_sign(page, link_url(reply.content))).startswith("Done: Link wallet")
        await page.locator("#next a").click()
        await page.locator("#connect:enabled").click()
        await page.locator("#sign:enabled").click()
        assert "Delegate the voting power" in await page.locator("#status.ok").inner_text()
        assert dao.c.token.functions.getVotes(alice.address).call() == 400_000 * 10**18

        list_classifier_as_timelock(dao, "spam-detector", dao["dave"].address)
        answer = await (await dao["carol"].discord.slash(
            "classifier delist", classifier_id=1, reason="Labels honest posts as spam")).response(timeout=30)
        proposal_id = proposal_id_in(answer.content)
        message = await live_message(dao, proposal_id)
        dao.mine(2)
        await until(lambda: fields(message).get("State") == "open for voting", what="voting to open")

        clicked = await (await alice.discord.click(message, f"vote:for:{proposal_id}")).response(timeout=15)
        status = await _connect_and_sign(page, link_url(clicked.content))
        assert status.startswith(f"Done: Vote FOR on proposal {proposal_id}") and "Transaction sent: 0x" in status
        await page.screenshot(path=str(tmp_path / "vote-done.png"), full_page=True)
        assert dao.c.governor.functions.hasVoted(proposal_id, alice.address).call()
        await until(lambda: fields(message).get("For") == "400,000.00", what="the proposal message edit")
        assert message.history, "the live message was edited, not reposted"
        assert wallet.calls.count("eth_signTypedData_v4") == 2
        await browser.close()
