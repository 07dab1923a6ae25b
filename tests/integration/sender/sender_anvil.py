"""A throwaway anvil node for the transaction sender's tests, and the helpers they share."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import AsyncWeb3

from governance.adapters.db.uow import SqlAlchemyUnitOfWork

# anvil's well-known, publicly documented dev keys (test mnemonic "test test ... junk"): never real funds
DEV_KEYS = (
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
)
ADDRESSES = tuple(Account.from_key(k).address for k in DEV_KEYS)
CHAIN_ID = 31337

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_anvil(binary: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--chain-id", str(CHAIN_ID), "--silent", "--accounts", "4"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("anvil did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def rpc(w3: AsyncWeb3[Any], method: str, *params: Any) -> Any:
    response = await w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in response, response
    return response.get("result")


async def nonce_of(w3: AsyncWeb3[Any], address: str) -> int:
    return int(await w3.eth.get_transaction_count(address, "latest"))  # type: ignore[arg-type]


async def set_automine(w3: AsyncWeb3[Any], on: bool) -> None:
    await rpc(w3, "evm_setAutomine", on)
