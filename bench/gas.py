"""Gas of the suite's everyday transactions (cancun rules).

    .venv/bin/python bench/gas.py [--backend anvil|eth-tester] [--holders 300] [--leaves 1000]

anvil (the pinned npm @foundry-rs/anvil) is the default: its gas accounting is the reference one. closeEpoch is
measured in steady state (after a first epoch warmed the treasury's and distributor's balances), with few and
then with many token holders, to show its cost does not depend on them.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import EthereumTesterProvider, Web3

from bot import devnet
from governance.adapters.chain.contracts import SuiteContracts, suite_contracts
from governance.adapters.chain.deploy import DeploySigner, deploy_suite
from governance.adapters.chain.deployment import BotRoles, DeployParams
from governance.adapters.chain.keccak_backend import install_fast_keccak
from governance.domain.merkle import StandardMerkleTree

USD = 10**6
EPOCH, CHALLENGE, WINDOW, DELAY = 3_600, 600, 86_400, 60


@contextlib.contextmanager
def web3_for(backend: str) -> Iterator[Web3]:
    if backend == "eth-tester":
        yield Web3(EthereumTesterProvider())
        return
    with devnet.AnvilNode() as node:
        yield node.w3


class Bench:
    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self.anvil = not isinstance(w3.provider, EthereumTesterProvider)
        self.a = self.w3.eth.accounts
        self.members: list[LocalAccount] = [Account.from_key(keccak(text=f"member {i}")) for i in range(3)]
        params = DeployParams(
            initial_holders=tuple((m.address, 10**24) for m in self.members),  # type: ignore[misc]
            roles=BotRoles(distributor=self.a[5]), voting_delay=1, voting_period=5, timelock_delay=DELAY,
            epoch_length=EPOCH, challenge_period=CHALLENGE, claim_window=WINDOW)
        self.d = deploy_suite(self.w3, params, DeploySigner.node_account(self.a[0]))
        self.c: SuiteContracts = suite_contracts(self.w3, self.d)
        self.c.revenue_token.functions.mint(self.a[9], 10**15 * USD).transact({"from": self.a[0]})
        self.c.revenue_token.functions.approve(self.c.treasury.address, 2**256 - 1).transact({"from": self.a[9]})
        for m in self.members:
            if self.anvil:
                self.rpc("anvil_impersonateAccount", [m.address])
            else:
                self.w3.provider.ethereum_tester.add_account(m.key.to_0x_hex())  # type: ignore[attr-defined]
            self.w3.eth.send_transaction({"from": self.a[0], "to": m.address, "value": 10**18})

    def gas(self, fn: Any, sender: str) -> int:
        receipt = self.w3.eth.wait_for_transaction_receipt(fn.transact({"from": sender}))
        assert receipt["status"] == 1
        return int(receipt["gasUsed"])

    def rpc(self, method: str, params: list[Any]) -> Any:
        return self.w3.provider.make_request(method, params)  # type: ignore[arg-type]

    def travel(self, ts: int) -> None:
        ts = max(ts, self.w3.eth.get_block("latest")["timestamp"] + 1)
        if self.anvil:
            self.rpc("evm_setNextBlockTimestamp", [ts])
            self.mine(1)
        else:
            self.w3.testing.timeTravel(ts)

    def mine(self, blocks: int) -> None:
        if self.anvil:
            self.rpc("anvil_mine", [hex(blocks)])
        else:
            self.w3.testing.mine(blocks)

    def next_epoch(self) -> int:
        t = self.c.treasury.functions
        self.travel(t.epochStart(t.currentEpoch().call() + 1).call())
        return int(t.currentEpoch().call())


def _sign(key: LocalAccount, domain: dict[str, Any], types: dict[str, Any], message: dict[str, Any]) -> Any:
    return Account.sign_typed_data(key.key, domain, types, message)


def delegate_by_sig(b: Bench) -> int:
    m, tok = b.members[0], b.c.token
    domain = {"name": tok.functions.name().call(), "version": "1", "chainId": b.w3.eth.chain_id,
              "verifyingContract": tok.address}
    types = {"Delegation": [{"name": "delegatee", "type": "address"}, {"name": "nonce", "type": "uint256"},
                            {"name": "expiry", "type": "uint256"}]}
    gas = 0
    for member in b.members:
        msg = {"delegatee": member.address, "nonce": tok.functions.nonces(member.address).call(), "expiry": 2**40}
        sig = _sign(member, domain, types, msg)
        used = b.gas(tok.functions.delegateBySig(member.address, msg["nonce"], 2**40, sig.v,
                                                 sig.r.to_bytes(32, "big"), sig.s.to_bytes(32, "big")), b.a[7])
        gas = gas or used
    assert tok.functions.delegates(m.address).call() == m.address
    return gas


def list_classifiers(b: Bench) -> tuple[int, int]:
    """Governance round trip listing two classifiers; returns castVoteBySig gas (first, later voter)."""
    gov, reg = b.c.governor, b.c.registry
    targets = [reg.address, reg.address]
    datas = [reg.encode_abi("list", args=[n, b.a[8], b"\x01" * 32, "", 1_000]) for n in ("one", "two")]
    desc = "List two classifiers"
    b.gas(gov.functions.propose(targets, [0, 0], datas, desc), b.members[0].address)
    pid = gov.functions.hashProposal(targets, [0, 0], datas, keccak(text=desc)).call()
    b.mine(2)
    domain = {"name": "DAOGovernor", "version": "1", "chainId": b.w3.eth.chain_id, "verifyingContract": gov.address}
    types = {"Ballot": [{"name": "proposalId", "type": "uint256"}, {"name": "support", "type": "uint8"},
                        {"name": "voter", "type": "address"}, {"name": "nonce", "type": "uint256"}]}
    used = []
    for m in b.members:
        msg = {"proposalId": pid, "support": 1, "voter": m.address, "nonce": gov.functions.nonces(m.address).call()}
        sig = _sign(m, domain, types, msg).signature
        used.append(b.gas(gov.functions.castVoteBySig(pid, 1, m.address, sig), b.a[7]))
    b.mine(6)
    b.gas(gov.functions.queue(targets, [0, 0], datas, keccak(text=desc)), b.a[7])
    b.travel(b.w3.eth.get_block("latest")["timestamp"] + DELAY + 1)
    b.gas(gov.functions.execute(targets, [0, 0], datas, keccak(text=desc)), b.a[7])
    return used[0], used[1]


def pay_and_close(b: Bench) -> tuple[int, int, int, int]:
    """(first payRevenue of a classifier in an epoch, a later one, closeEpoch, the epoch)."""
    t = b.c.treasury
    epoch = b.next_epoch()
    first = b.gas(t.functions.payRevenue(1, 1_000 * USD), b.a[9])
    later = b.gas(t.functions.payRevenue(1, 1_000 * USD), b.a[9])
    b.gas(t.functions.payRevenue(2, 500 * USD), b.a[9])
    b.travel(t.functions.epochEnd(epoch).call())
    return first, later, b.gas(t.functions.closeEpoch(epoch), b.a[7]), epoch


def add_holders(b: Bench, count: int) -> None:
    tok = b.c.token
    for i in range(count):
        to = Account.from_key(keccak(text=f"holder {i}")).address
        tok.functions.transfer(to, 10**18).transact({"from": b.members[1].address})


def tree_for(b: Bench, leaves: int, budget: int) -> StandardMerkleTree:
    accounts = [b.members[0].address] + [Account.from_key(keccak(text=f"payee {i}")).address for i in range(leaves - 1)]
    return StandardMerkleTree.of([(acc, budget // (2 * leaves)) for acc in accounts])


def propose(b: Bench, epoch: int, tree: StandardMerkleTree) -> int:
    used = b.gas(b.c.distributor.functions.proposeRoot(epoch, tree.root, tree.total, b"\x01" * 32, "ipfs://m"),
                 b.a[5])
    b.travel(b.w3.eth.get_block("latest")["timestamp"] + CHALLENGE + 1)
    return used


def claims(b: Bench, epoch: int, tree: StandardMerkleTree, batch: Sequence[int]) -> tuple[int, int]:
    dist = b.c.distributor
    one = b.gas(dist.functions.claim(epoch, tree.values[0].account, tree.values[0].amount, list(tree.proof(0))), b.a[7])
    fn = dist.functions.claimMany(epoch, [tree.values[i].account for i in batch],
                                  [tree.values[i].amount for i in batch], [list(tree.proof(i)) for i in batch])
    return one, b.gas(fn, b.a[7]) // len(batch)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["anvil", "eth-tester"], default="anvil")
    parser.add_argument("--holders", type=int, default=300, help="extra token holders for the second closeEpoch")
    parser.add_argument("--leaves", type=int, default=1_000, help="leaves of the dividend tree")
    args = parser.parse_args(argv)
    install_fast_keccak()
    with web3_for(args.backend) as w3:
        rows = measure(Bench(w3), args.holders, args.leaves)
    width = max(len(name) for name, _ in rows)
    print(f"gas on {args.backend}")
    for name, used in rows:
        print(f"  {name:<{width}}  {used:>9,} gas")


def measure(b: Bench, holders: int, leaves: int) -> list[tuple[str, int]]:
    rows: list[tuple[str, int]] = [("delegateBySig (relayed self-delegation)", delegate_by_sig(b))]
    first_vote, later_vote = list_classifiers(b)
    rows += [("castVoteBySig (first voter)", first_vote), ("castVoteBySig (later voter)", later_vote)]
    pay_and_close(b)  # warm-up epoch: first-ever balances of distributor and operations
    pay_first, pay_later, close_few, epoch_a = pay_and_close(b)
    rows += [("payRevenue (first for a classifier in an epoch)", pay_first), ("payRevenue (later)", pay_later)]
    rows.append((f"closeEpoch ({len(b.members)} token holders)", close_few))
    add_holders(b, holders)
    *_, close_many, epoch_b = pay_and_close(b)
    rows.append((f"closeEpoch ({len(b.members) + holders} token holders)", close_many))
    budget = b.c.distributor.functions.epochBudgets(epoch_a).call()[3]
    tree = tree_for(b, leaves, budget)
    rows.append((f"proposeRoot ({leaves} leaves)", propose(b, epoch_a, tree)))
    claim_a, batch_a = claims(b, epoch_a, tree, range(1, 21))
    propose(b, epoch_b, tree)
    claim_b, batch_b = claims(b, epoch_b, tree, range(1, 21))
    rows += [("claim (first ever claim of a member)", claim_a), ("claim (returning member)", claim_b),
             ("claimMany per leaf, 20 first-time payees", batch_a),
             ("claimMany per leaf, 20 returning payees", batch_b)]
    return rows


if __name__ == "__main__":
    main()
