"""A JSON-RPC proxy in front of a dev node that misbehaves on purpose, reproducibly (seeded). Dev and test
only, like ``bot.devnet``; it listens on 127.0.0.1.

Faults: drop the connection, delay the answer, answer HTTP 429 or 500, answer malformed JSON or a result of
the wrong shape, answer a JSON-RPC internal error, refuse ``eth_getLogs`` ranges wider than a cap with a
provider-style error, and (opt-in, see ``ALL_FAULTS``) ``lost_reply``: forward the request to the node, then
drop the connection instead of answering, so a transaction is broadcast while its sender sees a failure.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

__all__ = ["ALL_FAULTS", "FAULTS", "FaultProxy"]

#: The faults that never reach the node (except ``delay``, which forwards late).
FAULTS = ("drop", "delay", "http_429", "http_500", "malformed", "wrong_shape", "rpc_internal")
ALL_FAULTS = (*FAULTS, "lost_reply")


@dataclass
class FaultProxy:
    upstream: str
    rate: float = 0.2
    seed: int = 7
    max_range: int | None = 50
    delay_seconds: float = 1.5
    latency: float = 0.0  # added to every request, like a distant provider
    faults: tuple[str, ...] = FAULTS
    injected: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    url: str = ""

    async def start(self) -> None:
        self._random = random.Random(self.seed)
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        await self._session.close()
        await self._runner.cleanup()

    async def __aenter__(self) -> FaultProxy:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        payload = json.loads(body)
        self.requests += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        refusal = self._range_refusal(payload)
        if refusal is not None:
            self.injected["range_cap"] += 1
            return web.json_response({"jsonrpc": "2.0", "id": payload.get("id"), "error": refusal})
        if self._random.random() < self.rate:
            fault = self._random.choice(self.faults)
            self.injected[fault] += 1
            answer = await self._fault(fault, request, payload, body)
            if answer is not None:
                return answer
        status, answer_body = await self._forward(body)
        return web.Response(body=answer_body, status=status, content_type="application/json")

    async def _forward(self, body: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        async with self._session.post(self.upstream, data=body, headers=headers) as up:
            return up.status, await up.read()

    def _range_refusal(self, payload: dict[str, object]) -> dict[str, object] | None:
        if self.max_range is None or payload.get("method") != "eth_getLogs":
            return None
        query = payload["params"][0]  # type: ignore[index]
        span = int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1
        if span <= self.max_range:
            return None
        if self._random.random() < 0.5:
            return {"code": -32005, "message": "query returned more than 10000 results"}
        return {"code": -32602, "message": f"block range too large, max is {self.max_range} blocks"}

    async def _fault(
        self, fault: str, request: web.Request, payload: dict[str, object], body: bytes
    ) -> web.StreamResponse | None:
        if fault in ("drop", "lost_reply"):
            if fault == "lost_reply":
                await self._forward(body)
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if fault == "delay":
            await asyncio.sleep(self.delay_seconds)
            return None
        if fault == "http_429":
            return web.Response(status=429, text="Too Many Requests")
        if fault == "http_500":
            return web.Response(status=500, text="upstream exploded")
        if fault == "malformed":
            return web.Response(body=b'{"jsonrpc": "2.0", "id": 1, "result": ["0x', content_type="application/json")
        if fault == "wrong_shape":
            return web.json_response({"jsonrpc": "2.0", "id": payload.get("id"), "result": {"surprise": True}})
        return web.json_response({"jsonrpc": "2.0", "id": payload.get("id"),
                                  "error": {"code": -32603, "message": "internal error"}})
