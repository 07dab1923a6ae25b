"""Every table module, imported so that ``metadata`` is complete. One module per feature."""

from governance.adapters.db.schema import metadata
from governance.adapters.db.tables import (
    chain,  # noqa: F401
    chain_treasury,  # noqa: F401
    core,  # noqa: F401
    discord_posts,  # noqa: F401
    moderation,  # noqa: F401
    payouts,  # noqa: F401
    signing,  # noqa: F401
    transactions,  # noqa: F401
)

__all__ = ["metadata"]
