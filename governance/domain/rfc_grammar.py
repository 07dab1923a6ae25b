"""Grammar checks for the pieces of text EIP-4361 borrows from RFC 3986 and RFC 3339.

Pure predicates and one parser (``parse_rfc3339``), standard library only. They implement the
grammar rules by name so a reader can hold them against the RFCs:

- ``is_uri``        RFC 3986 ``URI`` (scheme ":" hier-part [ "?" query ] [ "#" fragment ])
- ``is_authority``  RFC 3986 ``authority`` ([ userinfo "@" ] host [ ":" port ]), host not empty
- ``is_pchar_run``  ``*pchar`` (EIP-4361 ``request-id``)
- ``parse_rfc3339`` RFC 3339 ``date-time`` into an aware ``datetime``
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["is_authority", "is_pchar_run", "is_scheme", "is_uri", "parse_rfc3339"]

_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_IPV_FUTURE = rf"v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+"

_SCHEME_RE = re.compile(rf"{_SCHEME}\Z")
_PCHARS_RE = re.compile(rf"{_PCHAR}*\Z")
_QUERY_RE = re.compile(rf"(?:{_PCHAR}|[/?])*\Z")
_AUTHORITY_RE = re.compile(rf"(?:(?P<userinfo>{_USERINFO})@)?(?P<host>\[[^\]]*\]|{_REG_NAME})(?::[0-9]*)?\Z")
_URI_RE = re.compile(r"(?P<scheme>[^:/?#]+):(?P<hier>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?\Z", re.S)
_DATE_TIME_RE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})T(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})"
    r"(?:\.(?P<frac>\d+))?(?P<offset>Z|[+-]\d{2}:\d{2})\Z"
)


def is_scheme(text: str) -> bool:
    return bool(_SCHEME_RE.match(text))


def is_pchar_run(text: str) -> bool:
    return bool(_PCHARS_RE.match(text))


def _is_host(host: str) -> bool:
    if host.startswith("["):
        inner = host[1:-1]
        if re.fullmatch(_IPV_FUTURE, inner):
            return True
        try:
            ipaddress.IPv6Address(inner)
        except ValueError:
            return False
        return True
    return True  # IPv4address and reg-name are both covered by the reg-name pattern


def is_authority(text: str, *, allow_empty_host: bool = False) -> bool:
    match = _AUTHORITY_RE.match(text)
    if match is None or not _is_host(match["host"]):
        return False
    return allow_empty_host or match["host"] != ""


def _is_hier_part(hier: str) -> bool:
    segment = rf"{_PCHAR}*"
    if hier.startswith("//"):
        authority, slash, path = hier[2:].partition("/")
        path = slash + path
        return is_authority(authority, allow_empty_host=True) and bool(
            re.fullmatch(rf"(?:/{segment})*", path)
        )
    # path-absolute, path-rootless or path-empty: "/" not followed by "/", or segments
    return bool(re.fullmatch(rf"(?:/?{_PCHAR}+(?:/{segment})*|/|)", hier))


def is_uri(text: str) -> bool:
    match = _URI_RE.match(text)
    if match is None or not is_scheme(match["scheme"]) or not _is_hier_part(match["hier"]):
        return False
    return all(part is None or _QUERY_RE.match(part) for part in (match["query"], match["fragment"]))


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError("time offset out of range")
    sign = 1 if text[0] == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 ``date-time`` (``T`` and ``Z`` upper case, as EIP-4361 writes them).

    Fractions beyond microseconds are truncated. A leap second (``:60``) raises ``ValueError``
    because ``datetime`` cannot hold it.
    """
    match = _DATE_TIME_RE.match(text)
    if match is None:
        raise ValueError("not an RFC 3339 date-time")
    micro = int((match["frac"] or "0")[:6].ljust(6, "0"))
    return datetime(
        int(match["y"]), int(match["mo"]), int(match["d"]),
        int(match["h"]), int(match["mi"]), int(match["s"]), micro,
        tzinfo=_offset(match["offset"]),
    )
