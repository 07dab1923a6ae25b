"""A JSON-RPC client on AsyncWeb3's HTTP provider that survives a flaky node.

Transient failures (timeouts, refused connections, HTTP 429 and 5xx, malformed answers, internal node
errors) are retried with capped exponential backoff and counted in ``RpcStats``; every failure is logged.
Answers that are final are raised at once: ``RangeTooLarge`` (the caller asks for less) and
``CallReverted`` (a contract call reverted).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
from web3 import AsyncHTTPProvider, AsyncWeb3
from web3.types import RPCEndpoint

from governance.domain.errors import ChainError

__all__ = ["Backoff", "CallReverted", "JsonRpcClient", "MalformedAnswer", "RangeTooLarge", "RpcStats"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def _identity(value: Any) -> Any:
    return value


_RANGE_PATTERNS = re.compile(
    r"more than \d+ results|block range|range (is )?too (large|wide|big)|too many (results|logs|blocks)"
    r"|limit exceeded|response size|exceeds? (the )?max|query timeout|range limit|limited to an? [\d,]+",
    re.IGNORECASE,
)
_REVERT_PATTERNS = re.compile(r"revert", re.IGNORECASE)


class RangeTooLarge(ChainError):
    """The node refused a log query as too wide or too heavy: ask again for fewer blocks."""

    default_message = "The node refused that block range as too large."


class CallReverted(ChainError):
    default_message = "The contract call reverted."


class MalformedAnswer(ChainError):
    default_message = "The node sent an answer that is not valid JSON-RPC."


class _Transient(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Backoff:
    """Delay before retry ``n`` (0-based): ``initial * factor**n`` capped at ``maximum``, with jitter."""

    initial: float = 0.25
    factor: float = 2.0
    maximum: float = 15.0
    jitter: float = 0.2

    def delay(self, attempt: int) -> float:
        base = min(self.maximum, self.initial * self.factor**attempt)
        return base * (1 + self.jitter * random.random())


@dataclass
class RpcStats:
    """Counters a watcher reports: requests sent, failures by kind, retries, range refusals."""

    requests: int = 0
    retries: int = 0
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    def summary(self) -> str:
        kinds = ", ".join(f"{kind}={count}" for kind, count in sorted(self.failures.items())) or "none"
        return f"{self.requests} requests, {self.retries} retries, failures: {kinds}"


def _classify_error(error: Any) -> Exception:
    """Turn a JSON-RPC ``error`` object into the exception that says what to do about it."""
    if not isinstance(error, dict):
        return _Transient("malformed", f"error is not an object: {error!r}"[:200])
    code = error.get("code")
    message = str(error.get("message", ""))
    text = f"{message} {error.get('data', '')}"
    if code == -32005 or _RANGE_PATTERNS.search(text):
        return RangeTooLarge(f"The node refused the range: {message[:160]}")
    if code == 3 or _REVERT_PATTERNS.search(text):
        return CallReverted(f"The contract call reverted: {message[:160]}")
    if code == 429 or "rate" in message.lower():
        return _Transient("rate_limited", message[:200])
    return _Transient("rpc_error", f"{code}: {message[:200]}")


class JsonRpcClient:
    """``await client.call("eth_blockNumber", [])``: the result, after as many retries as it takes.

    ``max_attempts`` bounds the retries of one call (a watcher loop retries the step again later);
    ``parse`` checks and converts the result, and a result it rejects counts as a malformed answer.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 20.0,
        backoff: Backoff | None = None,
        max_attempts: int = 8,
        stats: RpcStats | None = None,
    ) -> None:
        provider = AsyncHTTPProvider(
            url,
            exception_retry_configuration=None,
            request_kwargs={"timeout": aiohttp.ClientTimeout(total=timeout)},
        )
        self.web3 = AsyncWeb3(provider)
        self._provider = provider
        self.url = url
        self.backoff = backoff or Backoff()
        self.max_attempts = max_attempts
        self.stats = stats or RpcStats()

    async def close(self) -> None:
        await self._provider.disconnect()

    async def call(self, method: str, params: list[Any], parse: Callable[[Any], T] = _identity) -> T:
        attempt = 0
        while True:
            self.stats.requests += 1
            try:
                return await self._once(method, params, parse)
            except _Transient as failure:
                self.stats.failures[failure.kind] += 1
                attempt += 1
                if attempt >= self.max_attempts:
                    log.error("rpc %s failed %d times, last: %s", method, attempt, failure)
                    raise ChainError(f"The node keeps failing ({failure.kind}); the watcher will retry.") from None
                delay = self.backoff.delay(attempt - 1)
                log.warning("rpc %s failed (%s); retry %d in %.2fs", method, failure, attempt, delay)
                self.stats.retries += 1
                await asyncio.sleep(delay)

    async def _once(self, method: str, params: list[Any], parse: Callable[[Any], T]) -> T:
        response = await self._request(method, params)
        if not isinstance(response, dict) or ("result" not in response and "error" not in response):
            raise _Transient("malformed", f"not a JSON-RPC response: {str(response)[:120]}")
        if "error" in response and response["error"] is not None:
            problem = _classify_error(response["error"])
            if isinstance(problem, RangeTooLarge):
                self.stats.failures["range_too_large"] += 1
            raise problem
        try:
            return parse(response["result"])
        except (MalformedAnswer, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise _Transient("malformed", f"{method}: {exc}"[:200]) from None

    async def _request(self, method: str, params: list[Any]) -> Any:
        try:
            return await self._provider.make_request(RPCEndpoint(method), params)
        except aiohttp.ClientResponseError as exc:
            kind = "http_429" if exc.status == 429 else "http_5xx" if exc.status >= 500 else "http_other"
            raise _Transient(kind, f"HTTP {exc.status}") from None
        except TimeoutError as exc:
            raise _Transient("timeout", type(exc).__name__) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise _Transient("connection", f"{type(exc).__name__}: {exc}"[:200]) from None
        except (ValueError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _Transient("malformed", f"{type(exc).__name__}: {exc}"[:200]) from None
