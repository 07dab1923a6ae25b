"""Message nonces, as Discord does them: with ``enforce_nonce`` a repeated create by the same author and nonce
returns the first message instead of posting a second one (the notifier relies on it after a crash)."""

from __future__ import annotations

import aiohttp

from bot.sandbox import SandboxConfig, SandboxServer


async def test_enforced_nonce_returns_the_first_message_and_plain_nonce_does_not() -> None:
    async with SandboxServer(SandboxConfig()) as sandbox, aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bot {sandbox.token}"}
        url = f"{sandbox.base_url}/channels/{sandbox.channel('general').id}/messages"

        async def post(body: dict[str, object]) -> str:
            async with http.post(url, json=body, headers=auth) as response:
                assert response.status == 200, await response.text()
                return str((await response.json())["id"])

        first = await post({"content": "executed", "nonce": "abc", "enforce_nonce": True})
        again = await post({"content": "executed", "nonce": "abc", "enforce_nonce": True})
        other = await post({"content": "executed", "nonce": "abd", "enforce_nonce": True})
        loose = [await post({"content": "loose", "nonce": "xyz"}) for _ in range(2)]

        assert again == first and other != first
        assert loose[0] != loose[1], "without enforce_nonce every create posts"
        assert [m.content for m in sandbox.messages("general")] == ["executed", "executed", "loose", "loose"]
