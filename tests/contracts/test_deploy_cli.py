"""``daobot deploy`` against anvil: dev account and keystore signers, JSON written, deployer left powerless."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chain_harness import running_anvil
from eth_account import Account
from web3 import Web3

from governance.adapters.chain.contracts import suite_contracts
from governance.adapters.chain.deployment import Deployment

OWNER = "0x" + "aa" * 20
DISTRIBUTOR = "0x" + "bb" * 20


@pytest.fixture(scope="module")
def anvil() -> Iterator[Web3]:
    with running_anvil() as w3:
        yield w3


def _daobot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def _assert_powerless(w3: Web3, deployment: Deployment) -> None:
    c = suite_contracts(w3, deployment)
    for contract in (c.treasury, c.timelock, c.registry, c.distributor, c.ledger):
        admin = contract.functions.DEFAULT_ADMIN_ROLE().call()
        assert not contract.functions.hasRole(admin, deployment.deployer).call()
        assert contract.functions.hasRole(admin, c.timelock.address).call()


def test_deploy_with_the_dev_account(anvil: Web3, tmp_path: Path) -> None:
    out = tmp_path / "deployment.json"
    url = anvil.provider.endpoint_uri  # type: ignore[attr-defined]
    done = _daobot("deploy", "--rpc-url", url, "--out", str(out), "--dev-account", "--holder", f"{OWNER}=1000000",
                   "--distributor", DISTRIBUTOR, "--epoch-length", "600", "--timelock-delay", "60",
                   "--challenge-period", "120")
    assert done.returncode == 0, done.stderr
    deployment = Deployment.read(out)
    assert deployment.chain_id == anvil.eth.chain_id and deployment.epoch_length == 600
    assert deployment.roles.distributor == Web3.to_checksum_address(DISTRIBUTOR)
    assert json.loads(out.read_text())["contracts"]["DAOGovernor"]["block"] > 0
    token = suite_contracts(anvil, deployment).token
    assert token.functions.balanceOf(Web3.to_checksum_address(OWNER)).call() == 10**24
    _assert_powerless(anvil, deployment)


def test_deploy_with_a_keystore_and_a_params_file(anvil: Web3, tmp_path: Path) -> None:
    account = Account.create()
    password = "correct horse battery staple"
    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(account.key, password, kdf="pbkdf2", iterations=2)))
    (tmp_path / "pw").write_text(password + "\n")
    anvil.provider.make_request("anvil_setBalance", [account.address, hex(10**20)])  # type: ignore[arg-type]
    params = {"initial_holders": [[OWNER, 5 * 10**18]], "epoch_length": 900, "timelock_delay": 30,
              "challenge_period": 90, "allocation": {"memberDividends": 4000, "classifierDividends": 2000,
                                                     "bounties": 1000, "reserve": 2000, "operations": 1000}}
    (tmp_path / "params.json").write_text(json.dumps(params))
    out = tmp_path / "d.json"
    done = _daobot("deploy", "--rpc-url", anvil.provider.endpoint_uri, "--out", str(out),  # type: ignore[attr-defined]
                   "--params", str(tmp_path / "params.json"), "--keystore", str(keystore),
                   "--password-file", str(tmp_path / "pw"))
    assert done.returncode == 0, done.stderr
    printed = done.stdout + done.stderr
    assert password not in printed and account.key.hex().removeprefix("0x") not in printed
    deployment = Deployment.read(out)
    assert deployment.deployer == account.address
    allocation = suite_contracts(anvil, deployment).treasury.functions.allocation().call()
    assert tuple(allocation) == (4000, 2000, 1000, 2000, 1000)
    _assert_powerless(anvil, deployment)


def test_deploy_refuses_without_a_signer(anvil: Web3, tmp_path: Path) -> None:
    done = _daobot("deploy", "--rpc-url", anvil.provider.endpoint_uri,  # type: ignore[attr-defined]
                   "--out", str(tmp_path / "x.json"), "--holder", f"{OWNER}=1")
    assert done.returncode == 2 and "--keystore" in done.stderr
    assert not (tmp_path / "x.json").exists()
