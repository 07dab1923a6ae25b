"""The bot's web pages (aiohttp): each feature exposes an ``Application`` factory to mount."""
