"""Content intake: store platform posts, have every listed classifier score them, queue the flagged.

A post id is the idempotency key: posting the same post again changes nothing. A classifier is
used only when its artifact's hash matches the registry's commitment; otherwise it is skipped for
this batch and admins are alerted (once per classifier and model hash).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from governance.domain.classifier_market import ListedClassifier
from governance.domain.content import Post
from governance.domain.errors import DaobotError, InvalidInput, NotFound
from governance.domain.notifications import Notification
from governance.ports import ClassifierLoader, Clock, ContentScorer, ModerationChain, ModerationUnitOfWork

__all__ = [
    "ADMIN_ALERT",
    "IntakeDeps",
    "IntakeReport",
    "admin_alert",
    "ingest_posts",
    "loaded_classifiers",
    "report_post",
]

log = logging.getLogger(__name__)

ADMIN_ALERT = "moderation.admin_alert"
MAX_REASON_CHARS = 300


@dataclass(frozen=True)
class IntakeDeps:
    uow_factory: Callable[[], ModerationUnitOfWork]
    chain: ModerationChain
    loader: ClassifierLoader
    clock: Clock
    threshold: float = 0.8


@dataclass(frozen=True)
class IntakeReport:
    received: int
    new: int
    already_known: int
    queued: list[str]
    classifiers_used: list[str]
    classifiers_skipped: list[str]


def admin_alert(key: str, text: str) -> Notification:
    return Notification(ADMIN_ALERT, f"{ADMIN_ALERT}:{key}", {"text": text})


async def loaded_classifiers(deps: IntakeDeps) -> tuple[list[tuple[ListedClassifier, ContentScorer]], list[str]]:
    """Listed classifiers whose artifacts load with a matching hash; names of those skipped."""
    usable: list[tuple[ListedClassifier, ContentScorer]] = []
    skipped: list[str] = []
    for listed in await deps.chain.listed_classifiers():
        try:
            usable.append((listed, deps.loader.load(listed)))
        except DaobotError as exc:
            skipped.append(listed.name)
            log.warning("classifier %s skipped: %s", listed.classifier_id, exc.message)
            key = f"classifier:{listed.classifier_id}:0x{listed.model_hash.hex()}"
            text = f"Classifier #{listed.classifier_id} ({listed.name}) was skipped: {exc.message}"
            async with deps.uow_factory() as uow:
                await uow.outbox.add(admin_alert(key, text), deps.clock.now())
                await uow.commit()
    return usable, skipped


def _score_all(
    posts: Sequence[Post], classifiers: Sequence[tuple[ListedClassifier, ContentScorer]]
) -> dict[str, dict[int, tuple[bytes, float]]]:
    scored: dict[str, dict[int, tuple[bytes, float]]] = {post.id: {} for post in posts}
    texts = [post.text for post in posts]
    for listed, scorer in classifiers:
        for post, value in zip(posts, scorer.score(texts), strict=True):
            scored[post.id][listed.classifier_id] = (listed.model_hash, value)
    return scored


async def ingest_posts(deps: IntakeDeps, posts: Sequence[Post]) -> IntakeReport:
    """Store new posts, score them with the usable listed classifiers and queue those over the threshold."""
    async with deps.uow_factory() as uow:
        known = await uow.moderation.posts([p.id for p in posts])
    for post in posts:
        if post.id in known and known[post.id] != post:
            raise InvalidInput(f"Post {post.id!r} was already received with different content; nothing was imported.")
    fresh = [p for p in posts if p.id not in known]
    classifiers, skipped = await loaded_classifiers(deps) if fresh else ([], [])
    scored = _score_all(fresh, classifiers)
    queued: list[str] = []
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        for post in fresh:
            if not await uow.moderation.add_post(post, now):
                continue
            await uow.moderation.add_scores(post.id, scored[post.id])
            values = [score for _, score in scored[post.id].values()]
            if values and max(values) >= deps.threshold and await uow.moderation.enqueue(post.id, "classifier", now):
                queued.append(post.id)
        await uow.commit()
    used = [listed.name for listed, _ in classifiers]
    return IntakeReport(len(posts), len(fresh), len(posts) - len(fresh), queued, used, skipped)


async def report_post(deps: IntakeDeps, member_id: int, post_id: str, reason: str) -> bool:
    """A member reports a post: it joins the queue (once) with the reason; True when newly queued."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("Say why you report this post (the reason is shown to voters).")
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(f"Keep the reason under {MAX_REASON_CHARS} characters.")
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        if not await uow.moderation.posts([post_id]):
            raise NotFound(f"There is no post {post_id!r}; check the id on the platform.")
        if not await uow.moderation.add_report(post_id, member_id, reason, now):
            raise InvalidInput(f"You already reported post {post_id!r}.")
        queued = await uow.moderation.enqueue(post_id, "report", now)
        await uow.commit()
    return queued
