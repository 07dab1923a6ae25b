"""Wiring real adapters from settings: the one place that builds database and chain access.

Entry points (the bot's runtime, the CLI, the demo) call these; nothing here runs at import time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from web3 import AsyncHTTPProvider, AsyncWeb3

from governance.adapters.chain.deployment import Deployment
from governance.adapters.chain.live import LiveChain
from governance.adapters.chain.sender import Web3TxSender, build_tx_sender
from governance.adapters.chain.vote_relay import TxSenderVoteRelay
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.config import Settings
from governance.domain.errors import ConfigError
from governance.ports import Clock

__all__ = ["ChainAccess", "build_chain", "build_database", "load_deployment"]


def build_database(settings: Settings) -> tuple[AsyncEngine, Callable[[], SqlAlchemyUnitOfWork]]:
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    return engine, lambda: SqlAlchemyUnitOfWork(factory)


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
    sender = build_tx_sender(settings, w3, uow_factory, clock)
    chain = LiveChain(w3, deployment)
    return ChainAccess(w3, deployment, chain, sender, TxSenderVoteRelay(sender))
