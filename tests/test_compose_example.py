"""docs/compose.sharded.yaml tells the truth: real settings, shards covered once, one database."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config import SECTIONS, env_name, load_settings, section_keys

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docs" / "compose.sharded.yaml").read_text(encoding="utf-8"))
SHARDING = (ROOT / "docs" / "sharding.md").read_text(encoding="utf-8")
KNOWN = {env_name(section, key) for section in SECTIONS for key in section_keys(section)}


def concierge_services() -> dict[str, dict[str, str]]:
    """Each Concierge service's environment, with ${POSTGRES_PASSWORD} filled in."""
    found = {}
    for name, service in COMPOSE["services"].items():
        if service.get("image") != "concierge":
            continue
        pairs = [item.partition("=") for item in service["environment"]]
        found[name] = {
            key: value.replace("${POSTGRES_PASSWORD}", "secret")
            for key, _, value in pairs
            if key.startswith("CONCIERGE_")
        }
    return found


def test_two_processes_split_the_shards_exactly_once():
    services = concierge_services()
    settings = [load_settings(None, env) for env in services.values()]

    assert len(services) == 2
    assert all(s.discord.sharded for s in settings)
    counts = {s.discord.shard_count for s in settings}
    assert counts == {2}
    assert sorted(i for s in settings for i in s.discord.shard_ids) == [0, 1]


def test_every_process_shares_the_one_postgresql():
    services = concierge_services()
    urls = {load_settings(None, env).storage.database_url for env in services.values()}

    assert len(urls) == 1
    [url] = urls
    assert url.startswith("postgresql://concierge:secret@postgres:5432/")
    assert "postgres" in COMPOSE["services"]
    for name in services:
        assert COMPOSE["services"][name]["depends_on"]["postgres"]["condition"] == (
            "service_healthy"
        )


def test_every_variable_in_the_example_and_the_page_is_a_setting():
    names = {key for env in concierge_services().values() for key in env}
    names |= set(re.findall(r"CONCIERGE_[A-Z_]*[A-Z]", SHARDING))
    assert names <= KNOWN, names - KNOWN
    for section, key in re.findall(r"`(\w+)\.(\w+)`", SHARDING):
        if section in SECTIONS:
            assert key in section_keys(section), f"{section}.{key}"
