"""Nothing acknowledged to a user is lost: the bot dies the instant it thanks a voter."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

from bot.adapter import feedback
from bot.storage import VoteChange, open_store

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("vote_then_hang.py")
TIMEOUT = 60


def first_line(process: subprocess.Popen[str]) -> str:
    """The child's first line of output, or "" if it says nothing within TIMEOUT seconds."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=TIMEOUT)
    except queue.Empty:
        return ""


async def test_a_vote_acknowledged_just_before_a_crash_is_kept(storage_settings, tmp_path: Path):
    target = storage_settings.database_url or storage_settings.sqlite_path
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("CONCIERGE_")}
    process = subprocess.Popen(
        [sys.executable, str(CHILD), target],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = first_line(process)
        _, errors = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert line.startswith("ACK "), line + errors
    assert process.returncode == -9  # killed at the acknowledgement, as a crash would
    _, guild_id, thanks = line.rstrip("\n").split(" ", 2)
    assert thanks == feedback.vote_text(VoteChange.NEW, True)

    store = await open_store(storage_settings)
    try:
        [entry] = (await store.stats(guild_id=int(guild_id))).entries
    finally:
        await store.close()
    assert (entry.entry_id, entry.helpful, entry.not_helpful) == ("demo-director", 1, 0)
