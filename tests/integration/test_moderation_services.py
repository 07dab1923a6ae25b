"""Moderation services on SQLite and PostgreSQL with a fake chain: refusals change nothing, a
classifier with the wrong hash is skipped with an alert, malformed content imports nothing,
brigading is flagged to admins, and the classifier market stores bounty weights per epoch."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.web.moderation import parse_body
from governance.adapters.clock import FakeClock
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import Address, to_checksum
from governance.domain.classifier_market import ListedClassifier
from governance.domain.content import Post
from governance.domain.errors import InvalidInput, NotAuthorized, WrongState
from governance.domain.members import Member
from governance.domain.moderation import Choice
from governance.domain.moderation_manifest import root_from_manifest
from governance.services import classifier_market, content, moderation
from policies.classifiers.artifacts import REFERENCE_DIR
from policies.classifiers.market import ArtifactDirectory, NumeraiStyleMarket
from policies.classifiers.reputation import ReputationRules

START = 1_795_000_000
POWER = 10**21


def wallet(n: int) -> Address:
    return to_checksum(f"{n:040x}")


def sha(name: str) -> bytes:
    return hashlib.sha256((REFERENCE_DIR / f"{name}.joblib").read_bytes()).digest()


@dataclass
class FakeModerationChain:
    listed: list[ListedClassifier] = field(default_factory=list)
    block: int = 10_000
    delegated: dict[Address, int] = field(default_factory=dict)
    anchors: dict[int, tuple[bytes, str]] = field(default_factory=dict)
    epoch: int = 1

    async def snapshot_block(self) -> int:
        self.block += 10
        return self.block - 1

    async def past_votes(self, who: Address, block: int) -> int:
        return 0 if who == wallet(99) else POWER

    async def past_total_power(self, block: int) -> int:
        return 10 * POWER

    async def delegation_blocks(self, wallets: Sequence[Address], up_to_block: int) -> dict[Address, int]:
        return {w: b for w, b in self.delegated.items() if w in wallets and b <= up_to_block}

    async def listed_classifiers(self) -> list[ListedClassifier]:
        return list(self.listed)

    async def anchor_round(self, round_id: int, root: bytes, uri: str) -> str:
        self.anchors.setdefault(round_id, (root, uri))
        return "0x" + f"{round_id:064x}"

    async def anchored_root(self, round_id: int) -> bytes | None:
        return self.anchors[round_id][0] if round_id in self.anchors else None

    async def current_epoch(self) -> int:
        return self.epoch


@dataclass
class World:
    uow: Callable[[], SqlAlchemyUnitOfWork]
    chain: FakeModerationChain
    clock: FakeClock
    intake: content.IntakeDeps
    deps: moderation.ModerationDeps


@pytest.fixture
async def world(database_url: str) -> World:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(factory)

    chain = FakeModerationChain([ListedClassifier(1, "toxicity", sha("toxicity"), 100)])
    clock = FakeClock(START)
    intake = content.IntakeDeps(uow, chain, ArtifactDirectory(REFERENCE_DIR), clock, threshold=0.8)
    deps = moderation.ModerationDeps(uow, chain, clock, "http://bot.test", round_seconds=600)
    async with uow() as u:
        for n in range(1, 13):
            await u.members.save(Member(n, f"m{n}", wallet(n), START))
        await u.members.save(Member(50, "unlinked"))
        await u.members.save(Member(99, "powerless", wallet(99), START))
        await u.commit()
    yield World(uow, chain, clock, intake, deps)  # type: ignore[misc]
    await engine.dispose()


def post(post_id: str, text: str) -> Post:
    return Post(post_id, "author-1", text, datetime(2026, 11, 20, tzinfo=UTC))


TOXIC = "You disgusting fool, crawl back under your rock."


async def snapshot_state(w: World) -> tuple[object, ...]:
    async with w.uow() as u:
        rounds = [await u.moderation.round(r) for r in (1, 2, 3)]
        return (
            await u.moderation.ballot_count(1),
            await u.moderation.queued(100),
            rounds,
            await u.outbox.depth(),
            await u.moderation.histories(),
        )


async def test_vote_refusals_change_nothing(world: World) -> None:
    await content.ingest_posts(world.intake, [post("p-1", TOXIC)])
    record = await moderation.open_round(world.deps)
    assert record is not None and record.spec.item_ids == ("p-1",)
    receipt = await moderation.cast_vote(world.deps, 1, "p-1", 1, Choice.DERANK)
    assert receipt.ballot_count == 1 and receipt.ballot.weight == POWER
    before = await snapshot_state(world)

    with pytest.raises(NotAuthorized, match="Link a wallet"):
        await moderation.cast_vote(world.deps, 1, "p-1", 50, Choice.DERANK)
    with pytest.raises(WrongState, match="already voted"):
        await moderation.cast_vote(world.deps, 1, "p-1", 1, Choice.KEEP)
    with pytest.raises(InvalidInput, match="no voting power"):
        await moderation.cast_vote(world.deps, 1, "p-1", 99, Choice.KEEP)
    with pytest.raises(WrongState, match="tallies stay hidden"):
        await moderation.round_result(world.deps, 1)
    world.clock.advance(600)
    with pytest.raises(WrongState, match="no longer accepts ballots"):
        await moderation.cast_vote(world.deps, 1, "p-1", 2, Choice.KEEP)
    assert await snapshot_state(world) == before


async def test_wrong_hash_classifier_is_skipped_with_an_admin_alert(world: World) -> None:
    world.chain.listed.append(ListedClassifier(2, "spam", b"\x22" * 32, 100))
    report = await content.ingest_posts(world.intake, [post("p-1", TOXIC)])
    assert report.classifiers_used == ["toxicity"] and report.classifiers_skipped == ["spam"]
    async with world.uow() as u:
        assert set((await u.moderation.scores(["p-1"]))["p-1"]) == {1}, "no score from the refused artifact"
        alerts = [n.notification for n in await u.outbox.pending() if n.notification.kind == content.ADMIN_ALERT]
    assert len(alerts) == 1 and "was not loaded" in alerts[0].payload["text"]
    await content.ingest_posts(world.intake, [post("p-2", "gm")])
    async with world.uow() as u:
        assert len([n for n in await u.outbox.pending() if n.notification.kind == content.ADMIN_ALERT]) == 1


async def test_malformed_content_imports_nothing(world: World) -> None:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="line 1, column 8"):
        parse_body('{"id": "p', "application/json", now)
    bad = '[{"id": "p-1", "author": "a", "text": "ok", "created": "2026-11-20T00:00:00Z"}, {"id": "p 2"}]'
    with pytest.raises(InvalidInput, match=r"post 1 \(id 'p 2'\): Missing field"):
        parse_body(bad, "application/json", now)
    jsonl = '{"id": "p-1", "author": "a", "text": "ok", "created": "2026-11-20T00:00:00Z"}\n{"id": "p-2", "text": 5}'
    with pytest.raises(InvalidInput, match="line 2"):
        parse_body(jsonl, "application/x-ndjson", now)
    await content.ingest_posts(world.intake, [post("p-1", "first text")])
    before = await snapshot_state(world)
    with pytest.raises(InvalidInput, match="different content"):
        await content.ingest_posts(world.intake, [post("p-1", "edited text"), post("p-3", TOXIC)])
    assert await snapshot_state(world) == before
    async with world.uow() as u:
        assert set(await u.moderation.posts(["p-1", "p-3"])) == {"p-1"}


async def test_brigading_flag_alerts_admins_and_manifest_matches_anchor(world: World) -> None:
    await content.ingest_posts(world.intake, [post("p-1", TOXIC)])
    record = await moderation.open_round(world.deps)
    assert record is not None
    for member in range(1, 7):  # six de-rank, five keep: the fresh wallets 1 and 2 decide it
        await moderation.cast_vote(world.deps, 1, "p-1", member, Choice.DERANK)
    for member in range(7, 12):
        await moderation.cast_vote(world.deps, 1, "p-1", member, Choice.KEEP)
    world.chain.delegated = {wallet(1): record.spec.snapshot_block - 5, wallet(2): record.spec.snapshot_block - 50}
    world.clock.advance(600)
    [result] = await moderation.close_due_rounds(world.deps)
    assert result.items[0].brigading is not None
    async with world.uow() as u:
        alerts = [n.notification for n in await u.outbox.pending() if n.notification.kind == content.ADMIN_ALERT]
    assert any("flagged for brigading" in a.payload["text"] for a in alerts)
    [penalty] = await moderation.ranking_penalties(world.uow)
    assert "Flagged" in penalty.reason
    manifest = await moderation.manifest_of(world.deps, 1)
    root, uri = world.chain.anchors[1]
    assert root_from_manifest(manifest) == root and uri == "http://bot.test/moderation/rounds/1.json"
    assert await moderation.close_round(world.deps, 1) == result, "closing again changes nothing"


async def test_market_scores_an_epoch_and_drafts_a_delisting(world: World) -> None:
    posts = [post(f"p-{i:02d}", TOXIC if i % 2 else f"gm number {i}") for i in range(12)]
    await content.ingest_posts(world.intake, posts)
    async with world.uow() as u:  # a second classifier that scores against the members
        for i, p in enumerate(posts):
            await u.moderation.add_scores(p.id, {3: (b"\x33" * 32, 0.0 if i % 2 else 1.0)})
            await u.moderation.enqueue(p.id, "report", START)
        await u.commit()
    world.chain.listed.append(ListedClassifier(3, "contrarian", b"\x33" * 32, 100))
    deps = moderation.ModerationDeps(world.uow, world.chain, world.clock, "http://bot.test", 600, batch_size=12)
    await moderation.open_round(deps)
    for i, p in enumerate(posts):
        for member in range(1, 5):
            choice = Choice.DERANK if (i % 2 and member < 4) or member == 1 else Choice.KEEP
            await moderation.cast_vote(deps, 1, p.id, member, choice)
    world.clock.advance(600)
    await moderation.close_due_rounds(deps)
    market = classifier_market.MarketDeps(
        world.uow, world.chain, NumeraiStyleMarket(rules=ReputationRules(min_epochs=1)), world.clock
    )
    period = await classifier_market.score_epoch(market, 7)
    assert period is not None and period.resolved_items == 12
    weights = await classifier_market.StoredBountyWeights(world.uow).weights(7)
    assert weights == {1: 10_000}, "only the classifier that agrees with members earns bounty"
    assert [d.classifier_id for d in period.drafts] == [3]
    async with world.uow() as u:
        alerts = [
            n.notification.payload["text"]
            for n in await u.outbox.pending(200)
            if n.notification.kind == content.ADMIN_ALERT
        ]
    assert any("/classifier delist classifier_id:3" in text for text in alerts)
    assert await classifier_market.score_epoch(market, 8) is None, "no unscored rounds left"
    with pytest.raises(WrongState):
        await classifier_market.score_epoch(market, 7)
