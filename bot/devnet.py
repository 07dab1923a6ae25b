"""A local development network: anvil (from the pinned npm package) with the suite deployed and
dev members funded. Used by ``make demo`` and the end-to-end tests; never in production."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import HTTPProvider, Web3

from governance.adapters.chain.contracts import SuiteContracts, suite_contracts
from governance.adapters.chain.deploy import DeploySigner, deploy_suite
from governance.adapters.chain.deployment import BotRoles, Deployment, DeployParams, PoolAllocation
from governance.domain.addresses import parse_address
from governance.domain.errors import ConfigError

__all__ = ["MNEMONIC", "AnvilNode", "DevSuite", "Person", "anvil_binary", "deploy_dev_suite", "dev_key", "free_port"]

#: anvil's well-known development mnemonic: its accounts are public, funded only on dev chains.
MNEMONIC = "test test test test test test test test test test test junk"
USD = 10**6
TOKEN = 10**18
ROOT = Path(__file__).resolve().parent.parent

Account.enable_unaudited_hdwallet_features()


def dev_key(index: int) -> LocalAccount:
    return Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def anvil_binary() -> Path | None:
    """anvil itself, from npm's per-platform package (its ``.bin/anvil`` is a Node wrapper that a hard kill
    would orphan the real node from), else the wrapper, else one on PATH."""
    configured = os.environ.get("DAOBOT_ANVIL_BIN")
    candidates = [Path(configured)] if configured else []
    modules = ROOT / "contracts" / "node_modules"
    candidates += sorted(modules.glob("@foundry-rs/anvil-*/bin/anvil"))
    candidates.append(modules / ".bin" / "anvil")
    found = shutil.which("anvil")
    candidates += [Path(found)] if found else []
    return next((path for path in candidates if path.exists()), None)


class AnvilNode:
    """``with AnvilNode() as node:`` a fresh anvil on a free loopback port, stopped on exit."""

    def __init__(self, *, block_time: float | None = None) -> None:
        binary = anvil_binary()
        if binary is None:
            raise ConfigError("DAOBOT_ANVIL_BIN", "anvil not found; run `npm ci` in contracts/ (make does it)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [str(binary), "--port", str(self.port), "--silent", "--balance", "1000000"]
        if block_time:
            args += ["--block-time", str(block_time)]
        self._args = args
        self._proc: subprocess.Popen[bytes] | None = None
        self.w3 = Web3(HTTPProvider(self.url, request_kwargs={"timeout": 30}))

    def __enter__(self) -> AnvilNode:
        self._proc = subprocess.Popen(self._args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
        for _ in range(400):
            with contextlib.suppress(Exception):
                if self.w3.is_connected():
                    return self
            time.sleep(0.05)
        self.__exit__(None, None, None)
        raise ConfigError("DAOBOT_RPC_URL", f"anvil did not start on {self.url}")

    def __exit__(self, *_: object) -> None:
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGTERM)  # the node and anything it started
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait(timeout=10)
            self._proc = None

    def rpc(self, method: str, params: list[Any]) -> Any:
        response = self.w3.provider.make_request(method, params)  # type: ignore[arg-type]
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return response["result"]

    def mine(self, blocks: int = 1) -> None:
        self.rpc("anvil_mine", [hex(blocks)])

    def advance(self, seconds: int) -> None:
        now = int(self.w3.eth.get_block("latest")["timestamp"])
        self.rpc("evm_setNextBlockTimestamp", [now + seconds])
        self.mine(1)


@dataclass
class Person:
    """A scripted member: a name, a wallet with a real key, and a Discord handle in the sandbox."""

    name: str
    key: LocalAccount
    discord: Any

    @property
    def address(self) -> str:
        return str(self.key.address)


@dataclass(frozen=True)
class DevSuite:
    deployment: Deployment
    contracts: SuiteContracts
    payer: str


def deploy_dev_suite(
    w3: Web3, holders: Mapping[int, int], bot_index: int, *, payer_index: int = 9, **overrides: Any
) -> DevSuite:
    """Deploy the suite from dev account 0 with ``holders`` (dev account index -> whole tokens) and every
    bot role on dev account ``bot_index``; mint test revenue to ``payer_index`` and approve the treasury."""
    accounts = [parse_address(a) for a in w3.eth.accounts]
    bot = parse_address(dev_key(bot_index).address)
    params: dict[str, Any] = dict(
        initial_holders=tuple((accounts[i], n * TOKEN) for i, n in holders.items()),
        roles=BotRoles(keeper=bot, distributor=bot, moderator=bot, relayer=bot, proposer=bot),
        voting_delay=1, voting_period=20, timelock_delay=60, epoch_length=3_600, challenge_period=600,
        claim_window=3_600, allocation=PoolAllocation(3000, 3000, 1000, 2000, 1000), reserve_floor_bps=1000,
        operations=accounts[8],
    )
    deployment = deploy_suite(w3, DeployParams(**{**params, **overrides}), DeploySigner.node_account(accounts[0]))
    c = suite_contracts(w3, deployment)
    payer = accounts[payer_index]
    c.revenue_token.functions.mint(payer, 10**12 * USD).transact({"from": accounts[0]})
    c.revenue_token.functions.approve(c.treasury.address, 2**256 - 1).transact({"from": payer})
    return DevSuite(deployment, c, payer)


@contextlib.contextmanager
def running_anvil(**kwargs: Any) -> Iterator[AnvilNode]:
    with AnvilNode(**kwargs) as node:
        yield node


async def sign_on_page(base_url: str, url: str, key: LocalAccount, *, claim: str | None = None) -> dict[str, Any]:
    """Do what the signing page's script does in a member's browser, with ``key`` as the wallet: read
    what to sign (naming ``claim``, default the key's address), sign it, post the signature back."""
    import aiohttp
    from eth_account.messages import encode_defunct, encode_typed_data

    token = url.rstrip("/").rsplit("/", 1)[1]
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base_url}/sign/{token}/request", params={"address": claim or key.address}) as resp:
            info = await resp.json()
            if resp.status != 200:
                return {"status": resp.status, **info}
        if info["method"] == "personal_sign":
            signed = key.sign_message(encode_defunct(text=info["message"]))
            body = {"signature": "0x" + signed.signature.hex().removeprefix("0x"), "message": info["message"]}
        else:
            signed = key.sign_message(encode_typed_data(full_message=info["typed_data"]))
            body = {"signature": "0x" + signed.signature.hex().removeprefix("0x")}
        async with http.post(f"{base_url}/sign/{token}", json=body) as resp:
            return {"status": resp.status, **(await resp.json())}
