"""Members wiring: wallet linking, member-signed votes and delegations, the signing page."""

from __future__ import annotations

from bot.context import BotContext
from bot.web.signing import make_signing_app
from bot.wiring import Wiring
from governance.adapters.chain.signatures import EthAccountSignerRecovery
from governance.adapters.db.repositories.signing import SqlSigningRequestStore, SqlWalletLinkStore
from governance.domain.signing import SigningSettings
from governance.services.wallets import WalletDeps

__all__ = ["wire"]


async def wire(ctx: BotContext, wiring: Wiring) -> None:
    chain = ctx.service("chain")
    signing = SigningSettings(
        base_url=ctx.settings.public_base_url,
        chain_id=ctx.settings.chain_id,
        governor=await chain.eip712_domain("DAOGovernor"),
        token=await chain.eip712_domain("GovernanceToken"),
        max_requests=ctx.settings.signing_requests_per_10_minutes,
        rate_window=600,
    )
    deps = WalletDeps(
        settings=signing,
        requests=SqlSigningRequestStore(ctx.uow_factory),
        links=SqlWalletLinkStore(ctx.uow_factory),
        votes=chain,
        relay=ctx.service("vote_relay"),
        recovery=EthAccountSignerRecovery(),
        clock=ctx.clock,
    )
    ctx.services["wallets"] = deps
    wiring.web_subapps.append(("/sign", make_signing_app(deps, prefix="")))
    wiring.cogs.append("bot.cogs.members")
