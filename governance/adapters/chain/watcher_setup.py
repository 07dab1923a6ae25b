"""Building a chain watcher from settings: the node, the database, and what to watch."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from governance.adapters.chain.deployment import Deployment
from governance.adapters.chain.indexer import ChainIndexer
from governance.adapters.chain.rpc import JsonRpcClient
from governance.adapters.chain.source import ChainSource
from governance.adapters.chain.suite import Discovery, discover_governor, targets_from_deployment
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.config import Settings
from governance.domain.errors import ConfigError

__all__ = ["Watcher", "build_watcher"]


@dataclass
class Watcher:
    indexer: ChainIndexer
    discovery: Discovery
    engine: AsyncEngine

    async def close(self) -> None:
        await self.indexer.source.client.close()
        await self.engine.dispose()


async def _discover(source: ChainSource, settings: Settings, governor: str | None, from_block: int | None) -> Discovery:
    if governor is not None:
        return await discover_governor(source, settings.chain_id, settings.address("governor", governor),
                                       from_block or 0)
    try:
        deployment = Deployment.read(settings.deployment_file)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError("DAOBOT_DEPLOYMENT_FILE", f"cannot read {settings.deployment_file}: {exc}") from None
    found = await targets_from_deployment(source, deployment)
    if from_block is None:
        return found
    return Discovery(found.targets, from_block, found.missing)


async def build_watcher(settings: Settings, *, governor: str | None = None, from_block: int | None = None) -> Watcher:
    """A watcher on ``settings.rpc_url`` writing to ``settings.database_url`` (migrated beforehand)."""
    if not settings.rpc_url.startswith(("http://", "https://")):
        raise ConfigError("DAOBOT_RPC_URL", "the watcher needs an HTTP(S) JSON-RPC node")
    source = ChainSource(JsonRpcClient(settings.rpc_url))
    try:
        discovery = await _discover(source, settings, governor, from_block)
    except BaseException:
        await source.client.close()
        raise
    engine = make_engine(settings.database_url)
    indexer = ChainIndexer(
        source,
        make_session_factory(engine),
        discovery.targets,
        confirmations=settings.confirmations,
        start_block=discovery.start_block,
        missing=discovery.missing,
    )
    return Watcher(indexer, discovery, engine)
