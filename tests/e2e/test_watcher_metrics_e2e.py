"""/metrics carries the watcher's lag: blocks between the chain head and the block the watcher indexed."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp
from dao_harness import running_dao

CONFIRMATIONS = 3
LAG = re.compile(r"^daobot_indexer_lag_blocks (\S+)$", re.MULTILINE)


async def test_metrics_show_the_indexer_lag_in_blocks(tmp_path: Path) -> None:
    async with running_dao(tmp_path, settings={"confirmations": CONFIRMATIONS}) as dao:
        dao.mine(30)
        head = dao.w3.eth.block_number
        indexer = dao.runtime.ctx.service("indexer")
        seen: list[float] = []
        async with aiohttp.ClientSession() as http:
            for _ in range(600):  # until the watcher has indexed up to the confirmed head
                async with http.get(f"{dao.base_url}/metrics") as resp:
                    match = LAG.search(await resp.text())
                assert match, "the gauge is exported"
                seen.append(float(match.group(1)))
                cursor = await indexer.cursor()
                if cursor is not None and cursor.block_number >= head - CONFIRMATIONS and seen[-1] == CONFIRMATIONS:
                    break
                await asyncio.sleep(0.1)
        # caught up, the watcher stays `confirmations` blocks behind the head, and the gauge says so
        assert seen[-1] == CONFIRMATIONS, seen[-5:]
        assert dao.w3.eth.block_number - cursor.block_number == CONFIRMATIONS
