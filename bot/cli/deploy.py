"""``daobot deploy``: deploy and wire the on-chain suite, then write the deployment JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.app import app
from bot.cli.common import fail
from governance.domain.addresses import parse_address
from governance.domain.amounts import parse_units
from governance.domain.errors import DaobotError, InvalidInput

__all__ = ["deploy"]

Opt = typer.Option


def _holders(specs: list[str]) -> tuple[tuple[str, int], ...]:
    out = []
    for spec in specs:
        address, sep, amount = spec.partition("=")
        if not sep:
            raise InvalidInput(f"{spec!r}: a holder is ADDRESS=TOKENS, e.g. 0xabc...=1000000")
        out.append((parse_address(address, what="holder address"), parse_units(amount, 18)))
    return tuple(out)


def _overrides(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in values.items() if v is not None}
    roles = {k: parse_address(out.pop(k), what=f"{k} address") for k in list(out) if k in _ROLE_FLAGS}
    return {**out, **({"roles": roles} if roles else {})}


_ROLE_FLAGS = ("keeper", "distributor", "moderator", "relayer", "proposer")


def _merged(params_file: Path | None, holders: list[str], flags: dict[str, Any]) -> dict[str, Any]:
    """The params file, overridden by the flags given on the command line."""
    try:
        base: dict[str, Any] = json.loads(params_file.read_text(encoding="utf-8")) if params_file else {}
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"Cannot read the deploy parameters file {params_file}.") from exc
    given = _overrides(flags)
    roles = {**base.get("roles", {}), **given.pop("roles", {})}
    merged = {**base, **given, **({"roles": roles} if roles else {})}
    if holders:
        merged["initial_holders"] = _holders(holders)
    return merged


@app.command()
def deploy(
    rpc_url: Annotated[str, Opt(help="JSON-RPC endpoint (http:// or https://).")],
    out: Annotated[Path, Opt(help="Where to write the deployment JSON.")] = Path("deployment.json"),
    params: Annotated[Path | None, Opt(help="JSON file of deploy parameters (DeployParams field names).")] = None,
    keystore: Annotated[Path | None, Opt(help="Encrypted keystore (V3 JSON) of the deployer.")] = None,
    password_file: Annotated[Path | None, Opt(help="File holding the keystore password.")] = None,
    dev_account: Annotated[bool, Opt(help="Dev chains: send from the node's first unlocked account.")] = False,
    holder: Annotated[list[str] | None, Opt(help="Initial token holder ADDRESS=TOKENS (repeatable).")] = None,
    epoch_length: Annotated[int | None, Opt(help="Epoch length in seconds.")] = None,
    genesis_time: Annotated[int | None, Opt(help="Unix time epoch 0 starts (default: now).")] = None,
    challenge_period: Annotated[int | None, Opt(help="Seconds a proposed root waits for a veto.")] = None,
    claim_window: Annotated[int | None, Opt(help="Seconds claims stay open after the challenge.")] = None,
    timelock_delay: Annotated[int | None, Opt(help="Timelock delay in seconds.")] = None,
    voting_delay: Annotated[int | None, Opt(help="Voting delay in blocks.")] = None,
    voting_period: Annotated[int | None, Opt(help="Voting period in blocks.")] = None,
    quorum_percent: Annotated[int | None, Opt(help="Quorum, percent of supply.")] = None,
    revenue_token: Annotated[str | None, Opt(help="Revenue ERC20 (default: deploy TestUSD, dev only).")] = None,
    keeper: Annotated[str | None, Opt(help="Bot keeper address.")] = None,
    distributor: Annotated[str | None, Opt(help="Bot distributor address (proposes roots).")] = None,
    moderator: Annotated[str | None, Opt(help="Bot moderator address (anchors rounds).")] = None,
    relayer: Annotated[str | None, Opt(help="Bot relayer address.")] = None,
    proposer: Annotated[str | None, Opt(help="Bot proposer address.")] = None,
) -> None:
    """Deploy token, governor, timelock, treasury, registry, distributor and ledger, and hand them to the
    timelock. The deployer keeps no role."""
    flags = {k: v for k, v in locals().items() if k not in {"rpc_url", "out", "params", "keystore",
                                                            "password_file", "dev_account", "holder"}}
    try:
        deployment = _deploy(rpc_url, params, keystore, password_file, dev_account, holder or [], flags)
    except DaobotError as exc:
        fail(exc.message)
        return
    deployment.write(out)
    typer.echo(f"Deployed on chain {deployment.chain_id}; wrote {out}")
    for rec in deployment.contracts:
        typer.echo(f"  {rec.name:<20} {rec.address}  (block {rec.block})")


def _deploy(rpc_url: str, params_file: Path | None, keystore: Path | None, password_file: Path | None,
            dev_account: bool, holders: list[str], flags: dict[str, Any]) -> Any:
    from web3 import HTTPProvider, Web3

    from governance.adapters.chain.deploy import DeploySigner, deploy_suite
    from governance.adapters.chain.deployment import DeployParams

    params = DeployParams.from_json(_merged(params_file, holders, flags))
    w3 = Web3(HTTPProvider(rpc_url))
    if keystore is not None and password_file is not None:
        signer = DeploySigner.from_keystore(keystore, password_file)
    elif dev_account:
        signer = DeploySigner.node_account(w3.eth.accounts[0])
    else:
        raise InvalidInput("Give --keystore and --password-file, or --dev-account on a dev chain.")
    return deploy_suite(w3, params, signer)
