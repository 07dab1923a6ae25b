"""Demo steps: content reaches the bot, classifiers flag it, members de-rank by vote (never delete),
the round is anchored on chain and the penalties exported."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from bot.demo.steps_governance import until
from bot.demo.transcript import Transcript
from bot.demo.world import PLATFORM_TOKEN, DemoWorld
from bot.features.moderation import open_round_job
from bot.sandbox.state import MessageRecord
from governance.domain.moderation_manifest import root_from_manifest

__all__ = ["POSTS", "import_content", "moderation_round"]

POSTS = [
    {"id": "post-101", "author": "u-7", "text": "You disgusting fool, crawl back under your rock.",
     "created": "2026-11-21T10:00:00+00:00"},
    {"id": "post-102", "author": "u-8", "text": "gm everyone, the new release notes are out",
     "created": "2026-11-21T10:01:00+00:00"},
    {"id": "post-103", "author": "u-9", "text": "Here is a thoughtful thread on ranking fairness.",
     "created": "2026-11-21T10:02:00+00:00"},
]


async def _http(world: DemoWorld, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.request(method, world.base_url + path, **kwargs) as resp:
        return resp.status, await resp.json()


async def import_content(world: DemoWorld, t: Transcript) -> None:
    t.step("The platform posts content; listed classifiers score it; flagged posts queue for a de-rank vote")
    headers = {"Authorization": f"Bearer {PLATFORM_TOKEN}"}
    status, report = await _http(world, "POST", "/content", json=POSTS, headers=headers)
    t.note(f"POST /content ({len(POSTS)} posts) -> {status}: new {report.get('new')}, "
           f"queued {report.get('queued')}, classifiers used {report.get('classifiers_used')}")
    person = world.people["bob"]
    t.member("bob", "/report post_id:post-103 reason:misleading headline")
    reply = await (await person.discord.slash("report", post_id="post-103", reason="misleading headline")).followup()
    t.bot(reply.content, to="bob")


def _item(world: DemoWorld, round_id: int, post_id: str) -> MessageRecord:
    for message in world.sandbox.messages("moderation"):
        if message.content.startswith(f"**Round {round_id}** · post `{post_id}`"):
            return message
    raise LookupError(post_id)


async def _ballot(world: DemoWorld, t: Transcript, name: str, message: MessageRecord, custom_id: str) -> None:
    label = "De-rank" if custom_id.endswith(":d") else "Keep"
    t.member(name, f"[presses {label} on {message.content.split('·')[1].strip().split()[1]}]")
    reply = await (await world.people[name].discord.click(message, custom_id)).followup(timeout=30)
    t.bot(reply.content, to=name)


async def moderation_round(world: DemoWorld, t: Transcript, votes: dict[str, dict[str, str]]) -> None:
    """``votes``: post id -> member -> "d" (de-rank) or "k" (keep)."""
    t.step("The scheduler opens a de-rank round; members vote with buttons; tallies stay hidden until close")
    await open_round_job()
    async with world.runtime.ctx.uow_factory() as uow:
        record = await uow.moderation.round(1)
    assert record is not None
    items = list(record.spec.item_ids)
    t.bot(f"round 1 opened over {items} (snapshot block {record.spec.snapshot_block})")
    for post_id in votes:
        await world.sandbox.wait_for_message(lambda m, p=post_id: f"`{p}`" in m.content, channel="moderation",
                                             timeout=30)
    for post_id, ballots in votes.items():
        message = _item(world, 1, post_id)
        for name, choice in ballots.items():
            await _ballot(world, t, name, message, f"mod:1:{items.index(post_id)}:{choice}")
    closes_at = record.spec.closes_at.timestamp()
    t.note(f"the round closes in {max(0, closes_at - time.time()):.0f} s; the scheduler's close job runs then")
    await asyncio.sleep(max(0.0, closes_at - time.time()))
    await until(lambda: _closed(world), timeout=90, what="the scheduler to close the round")
    for post_id in votes:
        t.bot(_outcome(_item(world, 1, post_id)))
    await _anchored(world, t)


def _closed(world: DemoWorld) -> bool:
    return any("closed" in m.content for m in world.sandbox.messages("moderation"))


def _outcome(message: MessageRecord) -> str:
    lines = [line for line in message.content.splitlines() if "de-ranked" in line or "kept" in line]
    return lines[0] if lines else message.content.splitlines()[0]


async def _anchored(world: DemoWorld, t: Transcript) -> None:
    async def fetch() -> tuple[int, Any]:
        return await _http(world, "GET", "/moderation/rounds/1.json")

    for _ in range(100):
        root, anchored_at, _by, uri = world.c.ledger.functions.round(1).call()
        if anchored_at:
            break
        await asyncio.sleep(0.3)
    status, manifest = await fetch()
    same = status == 200 and root_from_manifest(manifest) == bytes(root)
    t.chain(f"round 1 anchored on the ModerationLedger: root 0x{bytes(root).hex()[:16]}…, uri {uri}")
    t.note(f"anyone can recompute the root from the published manifest: {'it matches' if same else 'MISMATCH'}")
    status, penalties = await _http(world, "GET", "/ranking/penalties")
    shown = penalties if isinstance(penalties, list) else penalties.get("penalties", penalties)
    t.note(f"GET /ranking/penalties -> {status}: {shown}")
    t.note("(every wallet here delegated minutes before the snapshot, so the brigading check flags the result "
           "for admins: see docs/moderation.md)")
