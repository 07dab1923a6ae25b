"""A client for a Snapshot hub (GraphQL reads) and its sequencer (signed writes), over aiohttp.

Reads retry with exponential backoff on timeouts, connection failures, 429 and 5xx; when the
retries run out the caller gets one ``ExternalServiceError`` naming the hub's host.

Submitting retries only where the message cannot have been recorded twice: the sequencer
refuses a message it already has (``duplicate message``), so when a retry after a lost
answer meets that refusal, the first attempt succeeded and the client returns its receipt.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from governance.adapters.snapshot import queries
from governance.adapters.snapshot.signing import message_id
from governance.domain.errors import ExternalServiceError
from governance.domain.snapshot import Proposal, Receipt, SignedEnvelope, Vote, VotingPower, refusal_error
from governance.domain.snapshot.refusals import DUPLICATE_MESSAGE

__all__ = ["DEFAULT_HUB_URL", "DEFAULT_SEQUENCER_URL", "RetryPolicy", "SnapshotHubClient"]

DEFAULT_HUB_URL = "https://hub.snapshot.org/graphql"
DEFAULT_SEQUENCER_URL = "https://seq.snapshot.org"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    timeout: float = 15.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.backoff < 0 or self.timeout <= 0:
            raise ValueError("a retry policy needs at least one attempt and a positive timeout")

    def delay(self, attempt: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2**attempt))


class _Retryable(Exception):
    """One attempt failed in a way worth trying again."""


def _host(url: str) -> str:
    return urlsplit(url).hostname or "the configured address"


class SnapshotHubClient:
    """Reads proposals, votes and voting power; submits signed envelopes. Use ``async with``."""

    def __init__(
        self, *, hub_url: str = DEFAULT_HUB_URL, sequencer_url: str = DEFAULT_SEQUENCER_URL,
        session: aiohttp.ClientSession | None = None, retry: RetryPolicy = RetryPolicy(),
        api_key: str | None = None, sleep: _Sleep = asyncio.sleep,
    ) -> None:
        self._hub_url, self._sequencer_url = hub_url, sequencer_url
        self._session, self._owns_session = session, session is None
        self._retry, self._sleep = retry, sleep
        self._headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if api_key:
            self._headers["x-api-key"] = api_key

    def __repr__(self) -> str:
        return f"SnapshotHubClient(hub={_host(self._hub_url)!r}, sequencer={_host(self._sequencer_url)!r})"

    async def __aenter__(self) -> SnapshotHubClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._retry.timeout))
        return self._session

    async def _post_once(self, url: str, body: str) -> tuple[int, str]:
        try:
            async with self._http().post(url, data=body.encode("utf-8"), headers=self._headers,
                                         timeout=aiohttp.ClientTimeout(total=self._retry.timeout)) as response:
                text = await response.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _Retryable(type(exc).__name__) from exc
        if response.status in _RETRY_STATUSES:
            raise _Retryable(f"HTTP {response.status}")
        return response.status, text

    async def _post(self, url: str, body: str, on_retry: Callable[[], None] = lambda: None) -> tuple[int, str]:
        for attempt in range(self._retry.attempts):
            try:
                return await self._post_once(url, body)
            except _Retryable as exc:
                last = exc
                on_retry()
                if attempt + 1 < self._retry.attempts:
                    await self._sleep(self._retry.delay(attempt))
        raise ExternalServiceError(
            f"Snapshot ({_host(url)}) is unreachable right now ({last}); try again in a few minutes."
        )

    async def _query(self, document: str, variables: Mapping[str, Any], root: str) -> Any:
        status, text = await self._post(self._hub_url, json.dumps({"query": document, "variables": variables}))
        try:
            answer = json.loads(text, parse_float=Decimal)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or status != 200 or answer.get("errors"):
            raise ExternalServiceError(f"The Snapshot hub refused the query (HTTP {status}){_detail(answer)}.")
        return (answer.get("data") or {}).get(root)

    async def proposals(
        self, space: str, *, first: int = 20, skip: int = 0, state: str = "all"
    ) -> tuple[Proposal, ...]:
        """One page of a space's proposals, newest first (``state``: all, pending, active or closed)."""
        variables = {"space": space, "first": first, "skip": skip, "state": state}
        rows = await self._query(queries.PROPOSALS, variables, "proposals") or []
        return tuple(queries.proposal_from(row) for row in rows)

    async def iter_proposals(
        self, space: str, *, page_size: int = 100, state: str = "all"
    ) -> AsyncIterator[Proposal]:
        skip = 0
        while True:
            page = await self.proposals(space, first=page_size, skip=skip, state=state)
            for proposal in page:
                yield proposal
            if len(page) < page_size:
                return
            skip += page_size

    async def proposal(self, proposal_id: str) -> Proposal | None:
        row = await self._query(queries.PROPOSAL, {"id": proposal_id}, "proposal")
        return None if row is None else queries.proposal_from(row)

    async def votes(self, proposal_id: str, *, first: int = 100, skip: int = 0) -> tuple[Vote, ...]:
        """One page of a proposal's votes, oldest first."""
        variables = {"proposal": proposal_id, "first": first, "skip": skip}
        rows = await self._query(queries.VOTES, variables, "votes") or []
        return tuple(queries.vote_from(row) for row in rows)

    async def all_votes(self, proposal_id: str, *, page_size: int = 1000) -> tuple[Vote, ...]:
        """Every vote, page by page (the public hub caps ``first`` at 1,000 and ``skip`` at 5,000)."""
        collected: list[Vote] = []
        while True:
            page = await self.votes(proposal_id, first=page_size, skip=len(collected))
            collected.extend(page)
            if len(page) < page_size:
                return tuple(collected)

    async def voting_power(self, voter: str, space: str, proposal_id: str) -> VotingPower:
        variables = {"voter": voter, "space": space, "proposal": proposal_id}
        row = await self._query(queries.VP, variables, "vp")
        return queries.voting_power_from(row or {})

    async def submit(self, envelope: SignedEnvelope) -> Receipt:
        """Send a signed message to the sequencer; a refusal becomes the matching project error."""
        retried = False

        def mark() -> None:
            nonlocal retried
            retried = True

        status, text = await self._post(self._sequencer_url, envelope.to_json(), on_retry=mark)
        return _receipt(status, text, envelope, retried)


def _detail(answer: object) -> str:
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return f": {errors[0].get('message', '')}"
    return ""


def _receipt(status: int, text: str, envelope: SignedEnvelope, retried: bool) -> Receipt:
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if status == 200 and isinstance(answer, dict) and "id" in answer:
        return Receipt(id=str(answer["id"]), ipfs=str(answer.get("ipfs", "")))
    description = answer.get("error_description") if isinstance(answer, dict) else None
    if not isinstance(description, str):
        raise ExternalServiceError(f"The Snapshot sequencer answered HTTP {status} without a reason.")
    if retried and description == DUPLICATE_MESSAGE:
        return Receipt(id=message_id(envelope.typed_data), ipfs="")
    raise refusal_error(description)
