"""The HTTP API under /api/v10: what discord.py calls at start, and everything a reply needs.

Each request is, in order: matched to a route (spec path template), authenticated (`Bot <token>`,
except interaction callbacks and webhook-token routes, which Discord authenticates by the token in
the path), counted against the rate limits (429 with `Retry-After` when over, or a forced fault),
validated against the spec (400 "Invalid Form Body", code 50035, as Discord answers), then served.
All of it is recorded. Routes the fake does not serve get Discord's 404 and count as problems.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakediscord import payloads as p
from tests.fakediscord.world import TOKEN_LIFETIME

if TYPE_CHECKING:
    from tests.fakediscord.server import FakeDiscord

PREFIX = "/api/v10"
Result = tuple[int, Any]
Handler = Callable[[dict[str, str], Any, dict[str, str]], Awaitable[Result]]

# Discord's error bodies.
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}
UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
UNKNOWN_INTERACTION = {"message": "Unknown interaction", "code": 10062}
ALREADY_ACKNOWLEDGED = {"message": "Interaction has already been acknowledged.", "code": 40060}
UNAUTHORIZED = {"message": "401: Unauthorized", "code": 0}
NOT_FOUND = {"message": "404: Not Found", "code": 0}
# Callback types each interaction type accepts.
ALLOWED_CALLBACKS = {
    p.APPLICATION_COMMAND: {4, 5, 9},
    p.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    p.AUTOCOMPLETE: {8},
}


def invalid_form(problems: list[str]) -> dict[str, Any]:
    """Discord's 400 body for a body it refuses, `errors` nested as Discord nests them (a list
    there makes discord.py fail to build its exception)."""
    errors = [{"code": "BASE_TYPE_INVALID", "message": problem} for problem in problems]
    return {"message": "Invalid Form Body", "code": 50035, "errors": {"_fake": {"_errors": errors}}}


class Rest:
    """Routes and handlers of the HTTP API."""

    def __init__(self, fake: FakeDiscord) -> None:
        """Serve for `fake`."""
        self.fake = fake
        self.world = fake.world
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("POST", "/users/@me/channels", self.create_dm),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message),
            ("POST", "/channels/{channel_id}/typing", self.no_content),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me",
                self.add_reaction,
            ),
            (
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self.interaction_callback,
            ),
            ("POST", "/webhooks/{webhook_id}/{webhook_token}", self.followup),
            (
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                self.edit_original,
            ),
            (
                "PATCH",
                "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
                self.edit_followup,
            ),
            (
                "DELETE",
                "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
                self.no_content,
            ),
        ]
        self.routes = [
            (method, template, _compile(template), handler) for method, template, handler in routes
        ]

    def match(self, method: str, path: str) -> tuple[str, dict[str, str], Handler] | None:
        """The route template, path parameters and handler for a request, if it is one we serve."""
        for route_method, template, pattern, handler in self.routes:
            if route_method != method:
                continue
            found = pattern.match(path)
            if found is not None:
                return template, found.groupdict(), handler
        return None

    # the pipeline ---------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one request, send the answer, then record both (so a recorded request's answer
        has already been written to the bot's connection)."""
        arrived = time.monotonic()
        if self.fake.config.latency:
            await asyncio.sleep(self.fake.config.latency)
        method = request.method
        path = request.path[len(PREFIX) :] if request.path.startswith(PREFIX) else request.path
        query = dict(request.query)
        body = await _read_body(request)
        authorization = request.headers.get("Authorization")
        matched = self.match(method, path)
        route = f"{method} {matched[0] if matched else path}"
        headers: dict[str, str] = {}
        problems: list[str] = []
        status, data = await self._serve(
            matched, method, path, route, body, query, authorization, headers, problems
        )
        if status == 204 or data is None:
            response = web.Response(status=204 if status < 300 else status, headers=headers)
        else:
            # Exactly `application/json`, no charset: discord.py compares the header verbatim.
            headers["Content-Type"] = "application/json"
            response = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
        try:
            await response.prepare(request)
            await response.write_eof()
        finally:
            self.fake.recorder.add_request(
                at=arrived,
                method=method,
                path=path,
                route=route,
                query=query,
                body=body,
                status=status,
                authorization=authorization,
                problems=tuple(problems),
                response=data,
            )
        return response

    async def _serve(
        self,
        matched: tuple[str, dict[str, str], Handler] | None,
        method: str,
        path: str,
        route: str,
        body: Any,
        query: dict[str, str],
        authorization: str | None,
        headers: dict[str, str],
        problems: list[str],
    ) -> Result:
        """Authenticate, rate-limit, validate, then run the handler; fills headers and problems."""
        fake = self.fake
        if matched is None:
            problems.append(f"{method} {path}: a route the fake does not serve")
            if fake.validator is not None and method in ("POST", "PUT", "PATCH"):
                problems.extend(fake.validator.problems(method, path, body))
            return 404, NOT_FOUND
        _, params, handler = matched
        token_routed = path.startswith(("/interactions/", "/webhooks/"))
        if not token_routed and authorization != f"Bot {fake.config.token}":
            return 401, UNAUTHORIZED
        verdict = fake.limiter.check(
            method,
            path,
            route,
            limited=not path.startswith("/interactions/"),
            counts_globally=not token_routed,
        )
        headers.update(verdict.headers)
        if verdict.status == 429:
            refusal: dict[str, Any] = {
                "message": "You are being rate limited.",
                "retry_after": verdict.retry_after,
                "global": verdict.is_global,
            }
            if verdict.is_global:
                refusal["code"] = 0
            return 429, refusal
        if verdict.status != 200:
            return verdict.status, {"message": "Internal Server Error", "code": 0}
        if fake.validator is not None and method in ("POST", "PUT", "PATCH"):
            problems.extend(fake.validator.problems(method, path, body))
            if problems:
                return 400, invalid_form(problems)
        return await handler(params, body, query)

    # start-up -------------------------------------------------------------------------------

    async def get_me(self, params: dict[str, str], body: Any, query: dict[str, str]) -> Result:
        return 200, self.world.bot_user

    async def get_application(self, params: dict[str, str], body: Any, query: Any) -> Result:
        application = dict(self.world.application)
        if self.fake.config.privileged_intents_enabled & p.MESSAGE_CONTENT:
            application["flags"] = application["flags"] | p.GATEWAY_MESSAGE_CONTENT
        return 200, application

    async def get_gateway(self, params: dict[str, str], body: Any, query: Any) -> Result:
        return 200, {"url": self.fake.gateway_url}

    async def get_gateway_bot(self, params: dict[str, str], body: Any, query: Any) -> Result:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
        return 200, {"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limit}

    async def get_commands(self, params: dict[str, str], body: Any, query: Any) -> Result:
        return 200, self.world.commands.get(params.get("guild_id"), [])

    async def put_commands(self, params: dict[str, str], body: Any, query: Any) -> Result:
        if params["application_id"] != self.world.application_id:
            return 403, {"message": "Missing Access", "code": 50001}
        guild_id = params.get("guild_id")
        if guild_id is not None and guild_id not in self.world.guilds:
            return 403, {"message": "Missing Access", "code": 50001}
        return 200, self.world.register_commands(guild_id, body or [])

    # messages -----------------------------------------------------------------------------

    async def create_dm(self, params: dict[str, str], body: Any, query: Any) -> Result:
        person = self.world.users.get(str(body.get("recipient_id")))
        if person is None:
            return 400, invalid_form(["recipient_id: unknown user"])
        return 200, self.world.dm_channel_for(person)

    async def create_message(self, params: dict[str, str], body: Any, query: Any) -> Result:
        channel_id = params["channel_id"]
        if self.world.channel(channel_id) is None:
            return 404, UNKNOWN_CHANNEL
        if not (body.get("content") or body.get("embeds") or body.get("components")):
            return 400, {"message": "Cannot send an empty message", "code": 50006}
        reference = body.get("message_reference") or {}
        referenced = str(reference.get("message_id", ""))
        if referenced and referenced not in self.world.messages:
            if reference.get("fail_if_not_exists", True):
                return 400, invalid_form(["message_reference: Unknown message"])
            body = {k: v for k, v in body.items() if k != "message_reference"}
        message = self.world.bot_message(channel_id, body)
        if referenced:
            self.fake.recorder.reply(referenced, time.monotonic())
        return 200, message

    async def edit_message(self, params: dict[str, str], body: Any, query: Any) -> Result:
        message = self.world.messages.get(params["message_id"])
        if message is None or message["channel_id"] != params["channel_id"]:
            return 404, UNKNOWN_MESSAGE
        message.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        message["edited_timestamp"] = p.iso_now()
        return 200, message

    async def add_reaction(self, params: dict[str, str], body: Any, query: Any) -> Result:
        message = self.world.messages.get(params["message_id"])
        if message is None or message["channel_id"] != params["channel_id"]:
            return 404, UNKNOWN_MESSAGE
        return 204, None

    async def no_content(self, params: dict[str, str], body: Any, query: Any) -> Result:
        return 204, None

    # interactions -------------------------------------------------------------------------

    async def interaction_callback(self, params: dict[str, str], body: Any, query: Any) -> Result:
        world = self.world
        state = world.interactions.get(params["interaction_id"])
        now = time.monotonic()
        if state is None or state.token != params["interaction_token"]:
            return 404, UNKNOWN_INTERACTION
        if now - state.dispatched_at > self.fake.config.interaction_deadline:
            return 404, UNKNOWN_INTERACTION
        if state.acknowledged:
            return 400, ALREADY_ACKNOWLEDGED
        kind = body.get("type")
        if kind not in ALLOWED_CALLBACKS.get(state.kind, set()):
            return 400, invalid_form(
                [f"type: {kind} is not a response to interaction {state.kind}"]
            )
        state.callback_type = kind
        self.fake.recorder.reply(state.id, now)
        resource: dict[str, Any] = {"type": kind}
        data = body.get("data") or {}
        if kind in (4, 5):
            flags = p.EPHEMERAL if (data.get("flags") or 0) & p.EPHEMERAL else 0
            message = world.bot_message(state.channel_id, data if kind == 4 else {}, flags=flags)
            if kind == 5:
                message["flags"] |= 1 << 7  # LOADING
            state.original_message_id = message["id"]
            resource["message"] = message
        if query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        return 200, {
            "interaction": {
                "id": state.id,
                "type": state.kind,
                "response_message_id": state.original_message_id,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(
                    (data.get("flags") or 0) & p.EPHEMERAL if kind in (4, 5) else False
                ),
            },
            "resource": resource,
        }

    def _token_state(self, params: dict[str, str]) -> Any:
        state = self.world.interaction_by_token(params["webhook_token"])
        if state is None or params["webhook_id"] != self.world.application_id:
            return None
        if time.monotonic() - state.dispatched_at > TOKEN_LIFETIME or not state.acknowledged:
            return None
        return state

    async def followup(self, params: dict[str, str], body: Any, query: dict[str, str]) -> Result:
        state = self._token_state(params)
        if state is None:
            return 404, UNKNOWN_WEBHOOK
        message = self.world.bot_message(state.channel_id, body)
        state.followup_ids.append(message["id"])
        if query.get("wait") in ("1", "true", "True"):
            return 200, message
        return 204, None

    async def edit_original(self, params: dict[str, str], body: Any, query: Any) -> Result:
        state = self._token_state(params)
        if state is None or state.original_message_id is None:
            return 404, UNKNOWN_WEBHOOK if state is None else UNKNOWN_MESSAGE
        message = self.world.messages[state.original_message_id]
        message.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        message["flags"] &= ~(1 << 7)
        return 200, message

    async def edit_followup(self, params: dict[str, str], body: Any, query: Any) -> Result:
        state = self._token_state(params)
        if state is None or params["message_id"] not in state.followup_ids:
            return 404, UNKNOWN_MESSAGE
        message = self.world.messages[params["message_id"]]
        message.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
        return 200, message


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{regex}$")


async def _read_body(request: web.Request) -> Any:
    """The JSON body; for multipart, its payload_json part; None when there is none."""
    if not request.can_read_body:
        return None
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) == "payload_json":
                return json.loads(await part.text())  # type: ignore[union-attr]
        return None
    raw = await request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
