"""Wiring real adapters from settings: the one place that builds database and chain access.

Entry points (the bot's runtime, the CLI, the demo) call these; nothing here runs at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from sqlalchemy.ext.asyncio import AsyncEngine
from web3 import AsyncHTTPProvider, AsyncWeb3

from governance.adapters.chain.deployment import Deployment
from governance.adapters.chain.keys import load_signer, signer_from_private_key
from governance.adapters.chain.live import LiveChain
from governance.adapters.chain.sender import Web3TxSender
from governance.adapters.chain.vote_relay import TxSenderVoteRelay
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.config import Settings
from governance.domain.errors import ConfigError
from governance.ports import Clock

__all__ = ["ChainAccess", "build_chain", "build_database", "load_account", "load_deployment"]


def build_database(settings: Settings) -> tuple[AsyncEngine, Callable[[], SqlAlchemyUnitOfWork]]:
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    return engine, lambda: SqlAlchemyUnitOfWork(factory)


def load_account(settings: Settings) -> LocalAccount:
    """The bot's signer: a keystore (production) or a raw key (dev chains). Never logged."""
    if settings.keystore_path is not None:
        if settings.keystore_password_file is None:
            raise ConfigError("DAOBOT_KEYSTORE_PASSWORD_FILE", "is required with DAOBOT_KEYSTORE_PATH")
        return load_signer(settings.keystore_path, settings.keystore_password_file)
    if settings.signer_private_key is not None:
        return signer_from_private_key(settings.signer_private_key)
    raise ConfigError("DAOBOT_KEYSTORE_PATH", "the bot needs a signer (a keystore, or a private key on dev chains)")


def load_deployment(settings: Settings) -> Deployment:
    try:
        deployment = Deployment.read(settings.deployment_file)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError("DAOBOT_DEPLOYMENT_FILE", f"cannot read {settings.deployment_file}: {exc}") from None
    if deployment.chain_id != settings.chain_id:
        raise ConfigError(
            "DAOBOT_CHAIN_ID", f"is {settings.chain_id} but the deployment file is for chain {deployment.chain_id}"
        )
    return deployment


@dataclass
class ChainAccess:
    w3: AsyncWeb3[Any]
    deployment: Deployment
    chain: LiveChain
    sender: Web3TxSender
    relay: TxSenderVoteRelay


def build_chain(settings: Settings, uow_factory: Callable[[], SqlAlchemyUnitOfWork], clock: Clock) -> ChainAccess:
    deployment = load_deployment(settings)
    w3: AsyncWeb3[Any] = AsyncWeb3(AsyncHTTPProvider(settings.rpc_url, request_kwargs={"timeout": 30}))
    sender = Web3TxSender(
        w3, load_account(settings), uow_factory, chain_id=settings.chain_id, clock=clock,
        confirmations=settings.confirmations, dry_run=settings.dry_run, max_fee_wei=settings.max_fee_gwei * 10**9,
    )
    chain = LiveChain(w3, deployment)
    return ChainAccess(w3, deployment, chain, sender, TxSenderVoteRelay(sender))
