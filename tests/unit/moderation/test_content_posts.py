from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from governance.domain.content import MAX_TEXT_CHARS, Post, parse_post, parse_posts_jsonl
from governance.domain.errors import InvalidInput

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def raw(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {"id": "p-1", "author": "u-7", "text": "gm all", "created": "2026-11-21T09:30:00Z"}
    base.update(overrides)
    return base


def test_parses_a_valid_post_into_utc() -> None:
    post = parse_post(raw(created="2026-11-21T10:30:00+01:00"), now=NOW)
    assert post == Post("p-1", "u-7", "gm all", datetime(2026, 11, 21, 9, 30, tzinfo=UTC))


def test_accepts_unix_seconds() -> None:
    assert parse_post(raw(created=1_700_000_000)).created == datetime.fromtimestamp(1_700_000_000, UTC)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"text": ""}, "empty"),
        ({"text": "   \n\t"}, "empty"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "limit is 5,000"),
        ({"text": "bell\x07"}, "control characters"),
        ({"id": ""}, "post id is missing"),
        ({"id": "has space"}, "may only use"),
        ({"id": "x" * 129}, "longer than 128"),
        ({"id": 5}, "post id is missing"),
        ({"author": "-lead"}, "must start with"),
        ({"created": "yesterday"}, "not an ISO 8601"),
        ({"created": "2026-11-21T09:30:00"}, "no time zone"),
        ({"created": "1999-12-31T23:59:59Z"}, "before the year 2000"),
        ({"created": True}, "ISO 8601 string or Unix seconds"),
        ({"created": 10**20}, "out of range"),
        ({"created": "2026-11-21T12:06:00Z"}, "in the future"),
    ],
)
def test_refuses_bad_fields_with_a_clear_message(overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        parse_post(raw(**overrides), now=NOW)


def test_text_at_the_limit_is_accepted() -> None:
    assert len(parse_post(raw(text="é" * MAX_TEXT_CHARS)).text) == MAX_TEXT_CHARS


def test_small_clock_skew_is_tolerated() -> None:
    assert parse_post(raw(created=(NOW + timedelta(minutes=4)).isoformat()), now=NOW)


def test_refuses_unknown_and_missing_fields() -> None:
    with pytest.raises(InvalidInput, match=r"Unknown field.*score"):
        parse_post(raw(score=0.3))
    without_text = raw()
    del without_text["text"]
    with pytest.raises(InvalidInput, match=r"Missing field.*text"):
        parse_post(without_text)
    with pytest.raises(InvalidInput, match="JSON object"):
        parse_post(["p-1"])


def test_direct_construction_validates_too() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        Post("p", "a", "t", datetime(2026, 1, 1))


def test_jsonl_reports_every_bad_line_by_number() -> None:
    lines = [
        json.dumps(raw(id="a")),
        "",
        "{not json",
        json.dumps(raw(id="b", text="")),
        json.dumps(raw(id="c")),
    ]
    with pytest.raises(InvalidInput) as caught:
        parse_posts_jsonl(lines)
    message = caught.value.message
    assert "nothing was imported" in message
    assert "line 3: not valid JSON" in message
    assert "line 4: The post text is empty." in message
    assert "line 1" not in message and "line 5" not in message


def test_jsonl_is_idempotent_by_post_id() -> None:
    same = json.dumps(raw(id="a"))
    posts = parse_posts_jsonl([same, json.dumps(raw(id="b")), same])
    assert [p.id for p in posts] == ["a", "b"]


def test_jsonl_refuses_a_reused_id_with_other_content() -> None:
    lines = [json.dumps(raw(id="a")), json.dumps(raw(id="a", text="edited"))]
    with pytest.raises(InvalidInput, match="line 2: post id 'a' already appears on line 1"):
        parse_posts_jsonl(lines)


def test_jsonl_caps_the_list_of_problems() -> None:
    with pytest.raises(InvalidInput, match=r"\.\.\. and 10 more problem\(s\)\."):
        parse_posts_jsonl(["{"] * 30)
