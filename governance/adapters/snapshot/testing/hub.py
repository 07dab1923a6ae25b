"""``LocalSnapshotHub``: a Snapshot hub and sequencer in one aiohttp server, for tests and the demo.

``POST /graphql`` answers the queries ``SnapshotHubClient`` sends (proposals, proposal,
votes, vp) with the public hub's limits (``first`` ≤ 1,000, ``skip`` ≤ 5,000);
``POST /`` is the sequencer (see ``sequencer``), answering refusals as Snapshot does:
HTTP 400 ``{"error": "client_error", "error_description": ...}``.

    async with LocalSnapshotHub(clock=lambda: now) as hub:
        hub.add_space("daobot.eth")
        proposal = hub.add_proposal("daobot.eth", title="…", choices=("Yes", "No"), start=…, end=…)
        hub.set_voting_power("daobot.eth", wallet, 42)
        client = SnapshotHubClient(hub_url=hub.hub_url, sequencer_url=hub.sequencer_url)
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any

from aiohttp import web

from governance.adapters.snapshot.testing.graphql import GraphQLError, Resolver, execute
from governance.adapters.snapshot.testing.sequencer import Refused, ingest
from governance.adapters.snapshot.testing.state import HubState, LocalProposal, LocalSpace, StoredVote
from governance.domain.addresses import ZERO_ADDRESS, parse_address
from governance.domain.snapshot import VotingType

__all__ = ["LocalSnapshotHub"]

MAX_FIRST, MAX_SKIP = 1000, 5000


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def _page(rows: Sequence[dict[str, Any]], args: Mapping[str, Any]) -> list[dict[str, Any]]:
    first, skip = int(args.get("first", 20)), int(args.get("skip", 0))
    if first > MAX_FIRST:
        raise GraphQLError(f"The `first` argument must not be greater than {MAX_FIRST}")
    if skip > MAX_SKIP:
        raise GraphQLError(f"The `skip` argument must not be greater than {MAX_SKIP}")
    descending = str(args.get("orderDirection", "desc")).lower() == "desc"
    ordered = list(reversed(rows)) if descending else list(rows)
    return ordered[skip: skip + first]


class LocalSnapshotHub:
    """A hub with spaces, proposals, a voting-power table and a verifying sequencer, on 127.0.0.1."""

    def __init__(self, *, clock: Callable[[], int] | None = None) -> None:
        self.state = HubState(clock=clock or (lambda: int(time.time())))
        self._faults: list[tuple[int, float]] = []
        self._runner: web.AppRunner | None = None
        self._base_url = ""
        self.requests = 0

    # -- set-up helpers ---------------------------------------------------------------------

    def add_space(self, space_id: str, *, admins: Sequence[str] = (), members: Sequence[str] = (),
                  name: str | None = None) -> LocalSpace:
        space = LocalSpace(space_id, name or space_id, frozenset(parse_address(a) for a in admins),
                           frozenset(parse_address(m) for m in members))
        self.state.add_space(space)
        return space

    def add_proposal(
        self, space: str, *, title: str, choices: Sequence[str], start: int, end: int,
        voting_type: VotingType = VotingType.SINGLE_CHOICE, body: str = "", snapshot: int = 0,
        author: str = ZERO_ADDRESS, proposal_id: str | None = None,
    ) -> LocalProposal:
        proposal = LocalProposal(
            proposal_id or self.state.new_proposal_id(space, title), space, parse_address(author), title, body,
            tuple(choices), voting_type, start, end, snapshot, min(start, self.state.clock()),
        )
        self.state.add_proposal(proposal)
        return proposal

    def set_voting_power(self, space: str, voter: str, vp: int | Decimal) -> None:
        self.state.set_power(space, voter, Decimal(vp))

    def votes_on(self, proposal_id: str) -> list[StoredVote]:
        return self.state.votes_on(proposal_id)

    def fail_next(self, count: int, *, status: int = 503, delay: float = 0.0) -> None:
        """The next ``count`` requests answer ``status`` (0: drop the connection) after ``delay`` seconds."""
        self._faults.extend([(status, delay)] * count)

    # -- GraphQL ------------------------------------------------------------------------------

    def _proposal_row(self, proposal: LocalProposal) -> dict[str, Any]:
        scores, total = self.state.scores_of(proposal)
        return {
            "id": proposal.id, "title": proposal.title, "body": proposal.body, "choices": list(proposal.choices),
            "type": proposal.type.value, "start": proposal.start, "end": proposal.end,
            "snapshot": str(proposal.snapshot), "state": self.state.state_of(proposal),
            "author": proposal.author, "created": proposal.created, "scores": list(scores),
            "scores_total": total, "votes": len(self.state.votes_on(proposal.id)),
            "space": {"id": proposal.space, "name": self.state.spaces[proposal.space].name},
        }

    def _proposals(self, args: Mapping[str, Any]) -> list[dict[str, Any]]:
        where = dict(args.get("where") or {})
        wanted_state = where.get("state") or "all"
        rows = [self._proposal_row(p) for p in sorted(self.state.proposals.values(), key=lambda p: p.created)
                if where.get("space") in (None, p.space)]
        rows = [row for row in rows if wanted_state == "all" or row["state"] == wanted_state]
        return _page(rows, args)

    def _proposal(self, args: Mapping[str, Any]) -> dict[str, Any] | None:
        proposal = self.state.proposals.get(str(args.get("id")))
        return None if proposal is None else self._proposal_row(proposal)

    def _votes(self, args: Mapping[str, Any]) -> list[dict[str, Any]]:
        where = dict(args.get("where") or {})
        stored = self.state.votes_on(str(where.get("proposal")))
        if where.get("voter"):
            stored = [v for v in stored if v.voter.lower() == str(where["voter"]).lower()]
        rows = [{"id": v.id, "voter": v.voter, "choice": v.choice, "vp": v.vp, "reason": v.reason,
                 "app": v.app, "created": v.created} for v in stored]
        return _page(rows, {"orderDirection": "asc", **args})

    def _vp(self, args: Mapping[str, Any]) -> dict[str, Any]:
        vp = self.state.power_of(str(args.get("space")), parse_address(str(args.get("voter"))))
        return {"vp": vp, "vp_by_strategy": [vp], "vp_state": "final"}

    def _resolvers(self) -> Mapping[str, Resolver]:
        return {"proposals": self._proposals, "proposal": self._proposal, "votes": self._votes, "vp": self._vp}

    # -- HTTP ---------------------------------------------------------------------------------

    async def _fault(self, request: web.Request) -> web.StreamResponse | None:
        self.requests += 1
        if not self._faults:
            return None
        status, delay = self._faults.pop(0)
        if delay:
            await asyncio.sleep(delay)
        if status == 0:
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        return web.json_response({"error": "server_error", "error_description": "injected"}, status=status)

    async def _graphql(self, request: web.Request) -> web.StreamResponse:
        fault = await self._fault(request)
        if fault is not None:
            return fault
        try:
            payload = json.loads(await request.text())
        except ValueError:
            return web.json_response({"errors": [{"message": "Body is not JSON"}]}, status=400)
        answer = execute(str(payload.get("query", "")), payload.get("variables"), self._resolvers())
        return web.Response(text=json.dumps(answer, default=_json_default), content_type="application/json")

    async def _sequencer(self, request: web.Request) -> web.StreamResponse:
        fault = await self._fault(request)
        if fault is not None:
            return fault
        try:
            answer = ingest(self.state, json.loads(await request.text()))
        except ValueError:
            return web.json_response({"error": "client_error", "error_description": "wrong envelope format"},
                                     status=400)
        except Refused as refusal:
            body = {"error": "client_error", "error_description": refusal.description}
            return web.json_response(body, status=400)
        return web.json_response(answer)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/graphql", self._graphql)
        app.router.add_post("/", self._sequencer)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app())
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self._base_url = f"http://{bound[0]}:{bound[1]}"
        return self._base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def hub_url(self) -> str:
        return f"{self._base_url}/graphql"

    @property
    def sequencer_url(self) -> str:
        return f"{self._base_url}/"

    async def __aenter__(self) -> LocalSnapshotHub:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
