"""Every test that SECURITY.md cites for a claim exists, so the claims stay backed by running tests."""

from __future__ import annotations

import re

from project_paths import ROOT

_REF = re.compile(r"`(tests/[\w/]+\.py)?(?:::(\w+))?`")


def cited_tests() -> list[tuple[str, str | None]]:
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    found, current = [], None
    for path, name in _REF.findall(text):
        current = path or current
        if current and (path or name):
            found.append((current, name or None))
    return found


def test_every_cited_test_exists() -> None:
    cited = cited_tests()
    assert len(cited) >= 20
    missing = []
    for path, name in cited:
        file = ROOT / path
        if not file.exists():
            missing.append(path)
        elif name and not re.search(rf"^(async )?def {name}\(", file.read_text(encoding="utf-8"), flags=re.M):
            missing.append(f"{path}::{name}")
    assert missing == []
