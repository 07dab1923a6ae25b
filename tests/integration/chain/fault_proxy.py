"""A JSON-RPC proxy in front of a node that misbehaves on purpose, reproducibly (seeded).

Faults: drop the connection, delay past the client's timeout, answer HTTP 429 or 500, answer malformed
JSON, and refuse ``eth_getLogs`` ranges wider than a cap with a provider-style error.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

FAULTS = ("drop", "delay", "http_429", "http_500", "malformed", "wrong_shape", "rpc_internal")


@dataclass
class FaultProxy:
    upstream: str
    rate: float = 0.2
    seed: int = 7
    max_range: int | None = 50
    delay_seconds: float = 1.5
    latency: float = 0.0  # added to every request, like a distant provider
    injected: Counter[str] = field(default_factory=Counter)
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

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        payload = json.loads(body)
        if self.latency:
            await asyncio.sleep(self.latency)
        refusal = self._range_refusal(payload)
        if refusal is not None:
            self.injected["range_cap"] += 1
            return web.json_response({"jsonrpc": "2.0", "id": payload.get("id"), "error": refusal})
        if self._random.random() < self.rate:
            fault = self._random.choice(FAULTS)
            self.injected[fault] += 1
            answer = await self._fault(fault, request, payload)
            if answer is not None:
                return answer
        async with self._session.post(self.upstream, data=body, headers={"Content-Type": "application/json"}) as up:
            return web.Response(body=await up.read(), status=up.status, content_type="application/json")

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

    async def _fault(self, fault: str, request: web.Request, payload: dict[str, object]) -> web.StreamResponse | None:
        if fault == "drop":
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
