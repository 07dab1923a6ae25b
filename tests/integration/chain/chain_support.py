"""Chain test plumbing shared by the watcher tests and bench/index.py: anvil, a log emitter, event encoding.

``LogEmitter`` (source in LogEmitter.sol next to this file, compiled with the pinned solc, optimizer on)
emits any log from calldata, many per transaction, so a long event history costs a few transactions.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi.abi import encode
from eth_utils.address import to_checksum_address

from governance.adapters.chain.abi import EventSpec

EMITTER_BYTECODE = (
    "6080604052348015600e575f5ffd5b5060e180601a5f395ff3fe6080604052348015600e575f5ffd5b505f5b3681101560a957"
    "80356020820135604083018260051b840182604082015f3783801560635760018114606a57600281146073576003811460815760"
    "a0860135608087013560608801358535875fa46091565b835fa06091565b8235845fa16091565b60608601358335855fa2609156"
    "5b608086013560608701358435865fa35b506040601f19601f8501168201019450505050506011565b00fea26469706673582212"
    "206619d9030d0245e21a2fb2d5b4b5c72b84ce193ec648e8ed9f7e44bb8a21591c64736f6c63430008250033"
)
ANVIL_CHAIN_ID = 31337
DEV_ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cfFFb92266"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rpc(url: str, method: str, params: Sequence[Any] = ()) -> Any:
    """A plain synchronous JSON-RPC call, for setting up chains in tests (not under test itself)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


@dataclass
class Anvil:
    url: str
    process: subprocess.Popen[bytes]

    def call(self, method: str, *params: Any) -> Any:
        return rpc(self.url, method, params)

    def head(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def mine(self, blocks: int = 1) -> None:
        self.call("anvil_mine", hex(blocks))

    def block_hash(self, number: int) -> str:
        return str(self.call("eth_getBlockByNumber", hex(number), False)["hash"])


@contextmanager
def anvil(binary: Path, *extra: str) -> Iterator[Anvil]:
    port = free_port()
    process = subprocess.Popen(
        [str(binary), "--port", str(port), "--silent", "--chain-id", str(ANVIL_CHAIN_ID), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                rpc(url, "eth_chainId")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("anvil did not start") from None
                time.sleep(0.05)
        yield Anvil(url, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def send(node: Anvil, to: str | None, data: bytes, sender: str = DEV_ACCOUNT, gas: int = 29_000_000) -> str:
    tx: dict[str, Any] = {"from": sender, "data": "0x" + data.hex(), "gas": hex(gas)}
    if to is not None:
        tx["to"] = to
    return str(node.call("eth_sendTransaction", tx))


def receipt(node: Anvil, tx_hash: str) -> dict[str, Any]:
    for _ in range(200):
        found = node.call("eth_getTransactionReceipt", tx_hash)
        if found is not None:
            if found["status"] != "0x1":
                raise RuntimeError(f"transaction {tx_hash} reverted")
            return dict(found)
        time.sleep(0.02)
    raise RuntimeError(f"no receipt for {tx_hash}")


def deploy_emitter(node: Anvil) -> str:
    found = receipt(node, send(node, None, bytes.fromhex(EMITTER_BYTECODE), gas=500_000))
    return to_checksum_address(found["contractAddress"])


def _word(topic: Any) -> bytes:
    if isinstance(topic, str):
        raw = bytes.fromhex(topic[2:])
        return raw.rjust(32, b"\0") if len(raw) == 20 else raw
    return int(topic).to_bytes(32, "big")


def encode_event(spec: EventSpec, **args: Any) -> tuple[list[bytes], bytes]:
    """Topics and data of ``spec`` with ``args``, the way Solidity would emit it."""
    topics = [bytes.fromhex(spec.topic0[2:])]
    topics += [_word(args[param.name]) for param in spec.params if param.indexed]
    plain = [param for param in spec.params if not param.indexed]
    data = encode([param.type for param in plain], [args[param.name] for param in plain])
    return topics, data


def records(events: Sequence[tuple[list[bytes], bytes]]) -> bytes:
    out = bytearray()
    for topics, data in events:
        out += len(topics).to_bytes(32, "big") + len(data).to_bytes(32, "big")
        out += b"".join(topics) + data + bytes(-len(data) % 32)
    return bytes(out)


def emit(node: Anvil, emitter: str, events: Sequence[tuple[list[bytes], bytes]]) -> dict[str, Any]:
    return receipt(node, send(node, emitter, records(events)))


def event(name: str, **args: Any) -> tuple[list[bytes], bytes]:
    """Encode the suite event ``name`` (looked up in the watcher's catalog) with ``args``."""
    from governance.adapters.chain.catalog import all_specs

    spec = next(spec for spec in all_specs() if spec.name == name)
    return encode_event(spec, **args)


def proposal_created(proposal_id: int, proposer: str, vote_start: int, vote_end: int,
                     description: str = "Fund the moderators") -> tuple[list[bytes], bytes]:
    return event(
        "ProposalCreated", proposalId=proposal_id, proposer=proposer, targets=[proposer], values=[0],
        signatures=[""], calldatas=[b""], voteStart=vote_start, voteEnd=vote_end, description=description,
    )


def vote_cast(voter: str, proposal_id: int, support: int, weight: int, reason: str = "") -> tuple[list[bytes], bytes]:
    return event("VoteCast", voter=voter, proposalId=proposal_id, support=support, weight=weight, reason=reason)


def transfer(sender: str, receiver: str, value: int) -> tuple[list[bytes], bytes]:
    return event("Transfer", **{"from": sender, "to": receiver, "value": value})


def account(n: int) -> str:
    return to_checksum_address("0x" + (n + 0x1000).to_bytes(20, "big").hex())


def build_history(node: Anvil, governor: str, token: str, proposals: int, voters: int = 4,
                  gap_blocks: int = 3, first_id: int = 1) -> None:
    """Mint to ``voters`` accounts, then per proposal: create it, everyone votes, one transfer; blocks between."""
    emit(node, token, [transfer("0x" + "00" * 20, account(v), 1000 + v) for v in range(voters)])
    for n in range(first_id, first_id + proposals):
        emit(node, governor, [proposal_created(n, account(0), 0, 10**9, f"Proposal {n}")])
        ballots = [vote_cast(account(v), n, (n + v) % 3, 1000 + v, f"reason {n}/{v}") for v in range(voters)]
        emit(node, governor, ballots)
        emit(node, token, [transfer(account(n % voters), account((n + 1) % voters), n)])
        node.mine(gap_blocks)


async def dump(sessions: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the watcher derived, without bookkeeping that depends on how ranges were split."""
    from sqlalchemy import select

    from governance.adapters.db.tables import metadata
    from governance.adapters.db.tables.chain import chain_notices
    from governance.adapters.db.tables.core import outbox

    out: dict[str, list[tuple[Any, ...]]] = {}
    async with sessions() as session:
        for table in metadata.sorted_tables:
            if table.info.get("derived") and table.name != "chain_blocks":
                rows = (await session.execute(select(table))).all()
                out[table.name] = sorted(tuple(row) for row in rows)
        live = select(chain_notices.c.dedupe_key).where(chain_notices.c.retracted.is_(False))
        out["notices"] = sorted(tuple(row) for row in (await session.execute(live)).all())
        queued = (await session.execute(select(outbox.c.dedupe_key, outbox.c.kind, outbox.c.payload))).all()
        out["outbox"] = sorted(
            (key, kind) for key, kind, payload in queued if not json.loads(payload).get("retracted")
        )
    return out


async def fresh_database(path: Path) -> Any:
    """A new SQLite database with every table, for an index to compare against."""
    from governance.adapters.db.engine import make_engine, make_session_factory
    from governance.adapters.db.tables import metadata

    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return engine, make_session_factory(engine)
