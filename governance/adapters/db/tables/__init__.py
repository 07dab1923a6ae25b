"""Every table module, imported so that ``metadata`` is complete. One module per feature."""

from governance.adapters.db.schema import metadata

__all__ = ["metadata"]
