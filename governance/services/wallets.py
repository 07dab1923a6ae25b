"""Wallet linking (Sign-In with Ethereum) and member-signed votes and delegations.

Each flow has two steps. ``start_*`` (called from a Discord command) makes a single-use
``SigningRequest`` whose token is the signing page's URL; ``complete_*`` (called from that page)
checks the signature and either records the link or returns the ``...BySig`` call to relay.
``submit`` is the page's one entrypoint: it completes a request of any kind and relays it.

A failed check leaves the request usable (a member who picked the wrong account may retry);
a request is spent the moment a signature checks out, before anything is recorded or relayed.

Kinds that belong to another feature (Snapshot votes) are completed by a ``KindHandler`` that
the feature registers in ``WalletDeps.handlers``; the page stays one page for every kind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from governance.domain import siwe
from governance.domain.addresses import Address, parse_address
from governance.domain.errors import NotAuthorized, NotFound, RateLimited, SignatureRejected, WrongState
from governance.domain.signing import (
    DelegationRelayIntent,
    SigningKind,
    SigningRequest,
    SigningSettings,
    VoteRelayIntent,
    canonical_signature,
    describe,
    new_nonce,
    new_token,
)
from governance.domain.typed_data import Support, ballot, delegation, extended_ballot
from governance.ports import Clock, SignerRecovery, SigningRequestStore, VoteRelay, VotesReader, WalletLinkStore

__all__ = [
    "Completion",
    "KindHandler",
    "SigningView",
    "WalletDeps",
    "complete_delegation",
    "complete_link",
    "complete_vote",
    "link_message",
    "linked_wallet",
    "open_request",
    "start_delegation",
    "start_link",
    "start_request",
    "start_vote",
    "submit",
    "view_request",
]


@dataclass(frozen=True)
class Completion:
    """What the signing page shows after a successful submission."""

    kind: SigningKind
    wallet: Address
    summary: str
    tx_hash: str | None = None
    next_token: str | None = None  # a follow-up request (self-delegation after a link)
    receipt: tuple[tuple[str, str], ...] = ()  # an off-chain service's receipt, as labelled values


class KindHandler(Protocol):
    """Shows and completes the typed-data requests of one kind that another feature owns.

    The page checks the request is usable and finds the member's linked wallet; the handler
    says what is signed and submits it. A request is spent only once ``complete`` returns,
    so the handler must make a second submission of the same signed message harmless.
    """

    def typed_data(self, request: SigningRequest) -> dict[str, Any]:
        """The ``eth_signTypedData_v4`` payload the wallet signs."""
        ...

    def details(self, request: SigningRequest) -> tuple[tuple[str, str], ...]: ...

    async def complete(self, request: SigningRequest, wallet: Address, signature: str) -> Completion: ...


@dataclass(frozen=True)
class WalletDeps:
    """The ports and settings every wallet use case needs (built once by bootstrap).

    ``handlers`` is filled at wiring time by the features that own further kinds of request.
    """

    settings: SigningSettings
    requests: SigningRequestStore
    links: WalletLinkStore
    votes: VotesReader
    relay: VoteRelay
    recovery: SignerRecovery
    clock: Clock
    handlers: dict[SigningKind, KindHandler] = field(default_factory=dict)


def _iso(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


async def _check_rate(deps: WalletDeps, member_id: int) -> None:
    s = deps.settings
    recent = await deps.requests.count_since(member_id, deps.clock.now() - s.rate_window + 1)
    if recent >= s.max_requests:
        minutes = max(1, s.rate_window // 60)
        raise RateLimited(f"You asked for {recent} signing links in {minutes} minutes; wait a little and retry.")


async def _new_request(
    deps: WalletDeps, member_id: int, kind: SigningKind, payload: dict[str, Any], *, limited: bool = True
) -> SigningRequest:
    if limited:
        await _check_rate(deps, member_id)
    now = deps.clock.now()
    request = SigningRequest(
        token=new_token(), member_id=member_id, kind=kind, payload=json.dumps(payload, sort_keys=True),
        nonce=new_nonce(), created=now, expires=now + deps.settings.ttl,
    )
    await deps.requests.add(request)
    return request


async def open_request(deps: WalletDeps, token: str, kind: SigningKind | None = None) -> SigningRequest:
    """The request behind ``token`` if it can still be signed: ``NotFound``, ``SignatureRejected``."""
    request = await deps.requests.get(token) if isinstance(token, str) else None
    if request is None:
        raise NotFound("This signing link is not valid. Ask the bot for a new one.")
    request.check_usable(deps.clock.now())
    if kind is not None and request.kind is not kind:
        raise WrongState(f"This signing link is for a {request.kind.value}, not a {kind.value}.")
    return request


async def _spend(deps: WalletDeps, request: SigningRequest) -> None:
    if not await deps.requests.mark_used(request.token, deps.clock.now()):
        raise SignatureRejected("This signing link was already used. Ask the bot for a new one.")


async def _linked_wallet(deps: WalletDeps, member_id: int) -> Address:
    wallet = await deps.links.wallet_of(member_id)
    if wallet is None:
        raise NotAuthorized("Link your wallet first: use /link and sign the message on the page it opens.")
    return wallet


async def linked_wallet(deps: WalletDeps, member_id: int) -> Address:
    """The member's linked wallet; ``NotAuthorized`` (saying how to link) when there is none."""
    return await _linked_wallet(deps, member_id)


async def start_request(
    deps: WalletDeps, member_id: int, kind: SigningKind, payload: dict[str, Any]
) -> SigningRequest:
    """A rate-limited request of a kind some feature's ``KindHandler`` completes."""
    if kind not in deps.handlers:
        raise WrongState(f"{kind.value} requests are not enabled in this bot.")
    return await _new_request(deps, member_id, kind, payload)


# --- linking ----------------------------------------------------------------------------------


async def start_link(deps: WalletDeps, member_id: int, member_name: str = "") -> SigningRequest:
    """A request to prove control of a wallet with a Sign-In with Ethereum message."""
    payload = {"member_name": member_name[:100]}
    return await _new_request(deps, member_id, SigningKind.LINK, payload)


def _siwe_for(deps: WalletDeps, request: SigningRequest, address: Address) -> siwe.SiweMessage:
    s = deps.settings
    return siwe.SiweMessage(
        scheme=s.scheme, domain=s.domain, address=address, uri=s.page_url(request.token), chain_id=s.chain_id,
        nonce=request.nonce, issued_at=_iso(request.created), expiration_time=_iso(request.expires),
        statement=f"Link this wallet to Discord member {request.member_id} in the DAO's daobot.",
    )


async def link_message(deps: WalletDeps, token: str, address: str) -> str:
    """The EIP-4361 text the wallet ``address`` signs to complete the link request ``token``."""
    request = await open_request(deps, token, SigningKind.LINK)
    return siwe.build(_siwe_for(deps, request, parse_address(address)))


async def complete_link(deps: WalletDeps, token: str, message_text: str, signature: str) -> Address:
    """Check a signed SIWE message against the request and record the member's wallet."""
    request = await open_request(deps, token, SigningKind.LINK)
    s = deps.settings
    message = siwe.parse(message_text)
    siwe.check_binding(
        message, domain=s.domain, uri=s.page_url(token), chain_id=s.chain_id, nonce=request.nonce, scheme=s.scheme
    )
    siwe.check_time(message, _iso(deps.clock.now()))
    signer = deps.recovery.recover_personal_sign(message_text, signature)
    if signer != message.address:
        raise SignatureRejected("The signature was not made by the wallet named in the message.")
    holder = await deps.links.member_of(signer)
    if holder is not None and holder != request.member_id:
        raise WrongState("That wallet is already linked to another Discord member.")
    await _spend(deps, request)
    await deps.links.link(request.member_id, signer, deps.clock.now())
    return signer


# --- votes ------------------------------------------------------------------------------------


async def start_vote(
    deps: WalletDeps, member_id: int, proposal_id: int, support: Support | int, reason: str | None = None
) -> SigningRequest:
    """A request for the member's linked wallet to sign a Governor ballot (with reason if given)."""
    wallet = await _linked_wallet(deps, member_id)
    nonce = await deps.votes.governor_nonce(wallet)
    domain = deps.settings.governor
    reason = reason.strip() if reason else None
    typed = (
        extended_ballot(domain, proposal_id=proposal_id, support=support, voter=wallet, nonce=nonce, reason=reason)
        if reason
        else ballot(domain, proposal_id=proposal_id, support=support, voter=wallet, nonce=nonce)
    )
    payload = {"typed_data": typed, "proposal_id": str(proposal_id), "support": int(support), "reason": reason}
    return await _new_request(deps, member_id, SigningKind.VOTE, payload)


async def _check_typed_signer(deps: WalletDeps, request: SigningRequest, signature: str, signer_field: str) -> Address:
    typed = request.data["typed_data"]
    wallet = await _linked_wallet(deps, request.member_id)
    signer = deps.recovery.recover_typed_data(typed, signature)
    if signer != wallet:
        raise SignatureRejected(f"This was signed by {signer}, not by your linked wallet {wallet}.")
    if typed["message"][signer_field] != wallet:
        raise WrongState("Your linked wallet changed since this link was made. Ask the bot for a new one.")
    return wallet


async def complete_vote(deps: WalletDeps, token: str, signature: str) -> VoteRelayIntent:
    """Check a signed ballot (signer = the member's linked wallet) and return the call to relay."""
    request = await open_request(deps, token, SigningKind.VOTE)
    wallet = await _check_typed_signer(deps, request, signature, "voter")
    message = request.data["typed_data"]["message"]
    if await deps.votes.governor_nonce(wallet) != int(message["nonce"]):
        raise WrongState("Your wallet signed another vote since this link was made. Ask the bot for a new one.")
    await _spend(deps, request)
    reason = request.data["reason"]
    return VoteRelayIntent(
        chain_id=deps.settings.chain_id, governor=deps.settings.governor.verifying_contract,
        proposal_id=int(message["proposalId"]), support=Support(message["support"]), voter=wallet,
        nonce=int(message["nonce"]), signature=canonical_signature(signature), reason=reason,
        params=b"" if reason is None else bytes.fromhex(message["params"][2:]),
    )


# --- delegation -------------------------------------------------------------------------------


async def start_delegation(deps: WalletDeps, member_id: int, *, limited: bool = True) -> SigningRequest:
    """A request for the linked wallet to sign ``delegateBySig`` to itself (activates voting power)."""
    wallet = await _linked_wallet(deps, member_id)
    nonce = await deps.votes.token_nonce(wallet)
    expiry = deps.clock.now() + deps.settings.ttl + deps.settings.delegation_validity
    typed = delegation(deps.settings.token, delegatee=wallet, nonce=nonce, expiry=expiry)
    payload = {"typed_data": typed, "delegator": wallet}
    return await _new_request(deps, member_id, SigningKind.DELEGATE, payload, limited=limited)


async def complete_delegation(deps: WalletDeps, token: str, signature: str) -> DelegationRelayIntent:
    request = await open_request(deps, token, SigningKind.DELEGATE)
    wallet = await _check_typed_signer(deps, request, signature, "delegatee")
    message = request.data["typed_data"]["message"]
    if await deps.votes.token_nonce(wallet) != int(message["nonce"]):
        raise WrongState("Your wallet signed another delegation since this link was made. Ask for a new one.")
    if deps.clock.now() > int(message["expiry"]):
        raise SignatureRejected("This delegation signature has expired. Ask the bot for a new link.")
    await _spend(deps, request)
    return DelegationRelayIntent(
        chain_id=deps.settings.chain_id, token=deps.settings.token.verifying_contract, delegator=wallet,
        delegatee=wallet, nonce=int(message["nonce"]), expiry=int(message["expiry"]),
        signature=canonical_signature(signature),
    )


# --- the signing page's entrypoint ------------------------------------------------------------


async def submit(deps: WalletDeps, token: str, signature: str, message_text: str | None = None) -> Completion:
    """Complete the request behind ``token`` whatever its kind; relay votes and delegations."""
    request = await open_request(deps, token)
    if request.kind is SigningKind.LINK:
        wallet = await complete_link(deps, token, message_text or "", signature)
        follow_up = None
        if await deps.votes.delegate_of(wallet) != wallet:
            follow_up = (await start_delegation(deps, request.member_id, limited=False)).token
        return Completion(request.kind, wallet, describe(request, wallet), next_token=follow_up)
    if request.kind is SigningKind.VOTE:
        vote = await complete_vote(deps, token, signature)
        tx_hash = await deps.relay.relay_vote(vote)
        return Completion(request.kind, vote.voter, describe(request), tx_hash=tx_hash)
    if request.kind is SigningKind.DELEGATE:
        deleg = await complete_delegation(deps, token, signature)
        tx_hash = await deps.relay.relay_delegation(deleg)
        return Completion(request.kind, deleg.delegator, describe(request), tx_hash=tx_hash)
    return await _complete_by_handler(deps, request, signature)


def _handler(deps: WalletDeps, request: SigningRequest) -> KindHandler:
    handler = deps.handlers.get(request.kind)
    if handler is None:
        raise WrongState(f"This bot cannot complete {request.kind.value} requests right now.")
    return handler


async def _complete_by_handler(deps: WalletDeps, request: SigningRequest, signature: str) -> Completion:
    handler = _handler(deps, request)
    wallet = await _linked_wallet(deps, request.member_id)
    done = await handler.complete(request, wallet, signature)
    await deps.requests.mark_used(request.token, deps.clock.now())
    return done


# --- what the signing page shows --------------------------------------------------------------


@dataclass(frozen=True)
class SigningView:
    """Everything the page needs to show and sign a request; no secrets."""

    kind: SigningKind
    summary: str
    method: str  # the EIP-1193 method: personal_sign or eth_signTypedData_v4
    chain_id: int
    expires: int
    details: tuple[tuple[str, str], ...]
    expected_wallet: Address | None = None
    message: str | None = None
    typed_data: dict[str, Any] | None = None


def _details(deps: WalletDeps, request: SigningRequest, address: Address | None) -> tuple[tuple[str, str], ...]:
    data, s = request.data, deps.settings
    if request.kind not in (SigningKind.LINK, SigningKind.VOTE, SigningKind.DELEGATE):
        return ()
    if request.kind is SigningKind.LINK:
        member = data.get("member_name") or str(request.member_id)
        return (("Discord member", member), ("Wallet", address or "the account you connect"), ("Site", s.domain))
    message = data["typed_data"]["message"]
    if request.kind is SigningKind.VOTE:
        return (
            ("Proposal", data["proposal_id"]), ("Vote", Support(data["support"]).word),
            ("Reason", data.get("reason") or "none"), ("Voter", message["voter"]),
            ("Governor contract", s.governor.verifying_contract), ("Chain ID", str(s.chain_id)),
        )
    expiry = _iso(int(message["expiry"])).strftime("%Y-%m-%d %H:%M UTC")
    return (
        ("Delegate to", message["delegatee"]), ("Token contract", s.token.verifying_contract),
        ("Signature valid until", expiry), ("Chain ID", str(s.chain_id)),
    )


async def view_request(deps: WalletDeps, token: str, address: str | None = None) -> SigningView:
    """What to sign for ``token`` (for a link, the SIWE text once the wallet's ``address`` is known)."""
    request = await open_request(deps, token)
    wallet = parse_address(address) if address else None
    view = SigningView(
        kind=request.kind, summary=describe(request, wallet), method="personal_sign",
        chain_id=deps.settings.chain_id, expires=request.expires, details=_details(deps, request, wallet),
    )
    if request.kind is SigningKind.LINK:
        return replace(view, message=siwe.build(_siwe_for(deps, request, wallet)) if wallet else None)
    if request.kind not in (SigningKind.VOTE, SigningKind.DELEGATE):
        handler = _handler(deps, request)
        return replace(view, method="eth_signTypedData_v4", typed_data=handler.typed_data(request),
                       expected_wallet=await _linked_wallet(deps, request.member_id),
                       details=handler.details(request))
    message = request.data["typed_data"]["message"]
    expected = parse_address(message.get("voter") or message["delegatee"])
    return replace(view, method="eth_signTypedData_v4", typed_data=request.data["typed_data"], expected_wallet=expected)
