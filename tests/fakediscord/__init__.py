"""A loopback Discord for wire-level tests: HTTP API and gateway on 127.0.0.1, recording everything.

`FakeDiscord` (server.py) serves it; `BotProcess` (harness.py) runs the real bot against it;
`SpecValidator` (spec.py) checks request bodies against Discord's OpenAPI description;
`RateLimitPolicy` and `Fault` (ratelimits.py) decide what the rate limits say.
"""

from tests.fakediscord.harness import (
    BotExited,
    BotProcess,
    bot_environment,
    run_command,
    start_bot,
    wait_ready,
)
from tests.fakediscord.ratelimits import Fault, Limit, RateLimitPolicy
from tests.fakediscord.server import DEFAULT_TOKEN, FakeConfig, FakeDiscord
from tests.fakediscord.spec import SpecValidator

__all__ = [
    "DEFAULT_TOKEN",
    "BotExited",
    "BotProcess",
    "FakeConfig",
    "FakeDiscord",
    "Fault",
    "Limit",
    "RateLimitPolicy",
    "SpecValidator",
    "bot_environment",
    "run_command",
    "start_bot",
    "wait_ready",
]
