"""README's production walkthrough, word for word: deploy on anvil, migrate, `daobot run` against the
Discord sandbox; a member then links a wallet through the running bot."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot import devnet
from bot.sandbox.server import SandboxConfig, SandboxServer

ROOT = Path(__file__).resolve().parents[2]


def walkthrough() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- walkthrough:start -->", 1)[1].split("<!-- walkthrough:end -->", 1)[0]
    body = block.split("```bash", 1)[1].split("```", 1)[0]
    commands, pending = [], ""
    for line in body.strip().splitlines():
        pending += line[:-1] + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            commands.append(pending.strip())
            pending = ""
    return commands


def _env_file(path: Path, values: dict[str, object]) -> None:
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()), encoding="utf-8")


def _shell_env(tmp_path: Path, holder: str) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DAOBOT_")}
    return {**clean, "HOLDER": holder, "PATH": f"{venv_bin}{os.pathsep}{clean.get('PATH', '')}"}


async def _wait_http(url: str, timeout: float) -> int:
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as http:
        while asyncio.get_running_loop().time() < deadline:
            try:
                async with http.get(url) as resp:
                    if resp.status == 200:
                        return resp.status
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise TimeoutError(url)


@pytest.mark.usefixtures("anvil_bin")
async def test_readme_walkthrough_deploys_and_runs(tmp_path: Path) -> None:
    commands = walkthrough()
    assert commands[-1] == "daobot run" and any(c.startswith("daobot deploy") for c in commands)
    holder = devnet.dev_key(1)
    config = SandboxConfig(members={"alice": ("member",), "carol": ("member", "admin")})
    with devnet.AnvilNode() as node:
        async with SandboxServer(config) as sandbox:
            port = devnet.free_port()
            _env_file(tmp_path / ".env", {
                "DAOBOT_DISCORD_TOKEN": sandbox.token, "DAOBOT_DISCORD_API_BASE": sandbox.base_url,
                "DAOBOT_DISCORD_GUILD_ID": sandbox.guild.id, "DAOBOT_ADMIN_ROLE_IDS": sandbox.role("admin").id,
                "DAOBOT_PROPOSALS_CHANNEL_ID": sandbox.channel("proposals").id,
                "DAOBOT_RPC_URL": node.url, "DAOBOT_CHAIN_ID": 31337, "DAOBOT_CONFIRMATIONS": 0,
                "DAOBOT_DEPLOYMENT_FILE": "deployment.json", "DAOBOT_KEYSTORE_PATH": "bot-key.json",
                "DAOBOT_KEYSTORE_PASSWORD_FILE": "bot-key.password",
                "DAOBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'daobot.sqlite'}",
                "DAOBOT_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "DAOBOT_HTTP_PORT": port,
            })
            env = _shell_env(tmp_path, holder.address)
            setup = "\n".join(["set -e", *commands[:-1]])
            done = subprocess.run(["bash", "-c", setup], cwd=tmp_path, env=env, capture_output=True, text=True,
                                  timeout=300, check=False)
            assert done.returncode == 0, done.stderr
            assert (tmp_path / "deployment.json").exists() and "database at revision" in done.stdout
            run = subprocess.Popen(["bash", "-c", "\n".join([commands[0], commands[-1]])], cwd=tmp_path, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
            try:
                await _wait_http(f"http://127.0.0.1:{port}/healthz", timeout=90)
                await sandbox.wait_for_commands("link", timeout=30)
                reply = await (await sandbox.member("alice").slash("link")).response(timeout=15)
                assert re.search(rf"http://127\.0\.0\.1:{port}/sign/\S+", reply.content), reply.content
            finally:
                os.killpg(run.pid, signal.SIGINT)
                _out, err = run.communicate(timeout=30)
            assert run.returncode == 0, err
            assert "Traceback" not in err
