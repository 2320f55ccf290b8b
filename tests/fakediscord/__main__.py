"""Run the fake Discord in its own process: `python -m tests.fakediscord [--generous] ...`.

Prints `listening on PORT` once it serves, then runs until SIGTERM or SIGINT. With `--control`
it also serves the /_fake/ API the load benchmark drives (see control.py).
"""

from __future__ import annotations

import argparse
import gc
import signal
import threading

from tests.fakediscord.control import add_control_routes
from tests.fakediscord.ratelimits import RateLimitPolicy
from tests.fakediscord.server import FakeConfig, FakeDiscord


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakediscord", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--generous", action="store_true", help="rate limits so high they never bind"
    )
    parser.add_argument(
        "--no-validate", action="store_true", help="skip checking bodies against the spec"
    )
    parser.add_argument("--heartbeat-ms", type=int, default=41_250)
    parser.add_argument(
        "--interaction-deadline", type=float, default=3.0, help="seconds to the first response"
    )
    parser.add_argument("--channels", type=int, default=3, help="text channels in the server")
    parser.add_argument("--control", action="store_true", help="serve the /_fake/ control API")
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="no garbage collection in the fake, so its pauses never count as the bot's latency",
    )
    args = parser.parse_args()
    config = FakeConfig(
        port=args.port,
        heartbeat_interval_ms=args.heartbeat_ms,
        policy=RateLimitPolicy.generous() if args.generous else RateLimitPolicy.real(),
        validate=not args.no_validate,
        interaction_deadline=args.interaction_deadline,
        channel_count=args.channels,
        extra_routes=(add_control_routes,) if args.control else (),
    )
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    with FakeDiscord(config) as fake:
        if args.no_gc:
            gc.collect()
            gc.freeze()
            gc.disable()
        print(f"listening on {fake.port}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
