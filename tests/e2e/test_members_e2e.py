"""Members link a wallet from Discord, activate their voting power, and see themselves with /me."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp
from dao_harness import TOKEN, running_dao


def _link_url(text: str) -> str:
    match = re.search(r"(http://\S+/sign/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def test_link_delegate_and_me(tmp_path: Path) -> None:
    async with running_dao(tmp_path) as dao:
        alice = dao["alice"]
        reply = await (await alice.discord.slash("link")).response(timeout=10)
        assert reply.flags & 64, "the link is shown to alice only"
        url = _link_url(reply.content)

        linked = await dao.sign_on_page(alice, url)
        assert linked["status"] == 200 and linked["wallet"] == alice.address
        assert linked["next_url"], "an undelegated holder is offered self-delegation"
        assert dao.c.token.functions.getVotes(alice.address).call() == 0

        delegated = await dao.sign_on_page(alice, linked["next_url"])
        assert delegated["status"] == 200 and delegated["tx_hash"]
        assert dao.c.token.functions.delegates(alice.address).call() == alice.address
        assert dao.c.token.functions.getVotes(alice.address).call() == 400_000 * TOKEN

        me = await (await alice.discord.slash("me")).response(timeout=10)
        fields = {f["name"]: f["value"] for f in me.embeds[0]["fields"]}
        assert alice.address in fields["Wallet"]
        assert fields["Voting power"] == "400,000.00" and fields["Delegation"] == "yourself"


async def test_refusals_change_nothing(tmp_path: Path) -> None:
    async with running_dao(tmp_path) as dao:
        bob, dave = dao["bob"], dao["dave"]
        me = await (await dave.discord.slash("me")).response(timeout=10)
        assert "not linked a wallet" in me.content

        url = _link_url((await (await bob.discord.slash("link")).response(timeout=10)).content)
        # A message claiming bob's wallet but signed by another key is refused, and the link stays usable.
        forged = await dao.sign_on_page(bob, url, key=dao["alice"].key, claim=bob.address)
        assert forged["status"] != 200 and "sign" in forged["error"].lower()
        async with dao.runtime.ctx.uow_factory() as uow:
            assert await uow.members.get(bob.discord.id) is None
        linked = await dao.sign_on_page(bob, url)
        assert linked["status"] == 200 and linked["wallet"] == bob.address
        replay = await dao.sign_on_page(bob, url)
        assert replay["status"] != 200 and "already used" in replay["error"]
        async with dao.runtime.ctx.uow_factory() as uow:
            member = await uow.members.get(bob.discord.id)
        assert member is not None and member.wallet == bob.address


async def test_health_and_metrics_report_the_running_bot(tmp_path: Path) -> None:
    async with running_dao(tmp_path) as dao:
        async with aiohttp.ClientSession() as http:
            for _ in range(50):  # the scheduler lease is taken within one renewal
                async with http.get(f"{dao.base_url}/healthz") as resp:
                    health = await resp.json()
                if resp.status == 200:
                    break
                await asyncio.sleep(0.1)
            assert resp.status == 200, health
            assert {"database", "gateway", "rpc", "scheduler", "watcher"} <= set(health["checks"])
            assert set(health["checks"].values()) == {"ok"}
            async with http.get(f"{dao.base_url}/metrics") as resp:
                text = await resp.text()
        assert "daobot_outbox_depth " in text and "daobot_scheduler_leader 1.0" in text

        await dao.runtime.bot.close()  # the gateway goes away: health says so
        async with aiohttp.ClientSession() as http, http.get(f"{dao.base_url}/healthz") as resp:
            degraded = await resp.json()
        assert resp.status == 503 and degraded["checks"]["gateway"] == "not connected"
