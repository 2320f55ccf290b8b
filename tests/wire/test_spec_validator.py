"""The request validator itself: it accepts what Discord accepts and refuses what Discord refuses,
including the limits Discord's OpenAPI description cannot express."""

from __future__ import annotations

import pytest

from tests.fakediscord import SpecValidator

CHANNEL = "/channels/123456789012345678/messages"
CALLBACK = "/interactions/223456789012345678/aW50ZXJhY3Rpb24/callback"


@pytest.fixture(scope="module")
def validator() -> SpecValidator:
    return SpecValidator()


def good_message() -> dict:
    return {
        "content": "Here you go.",
        "embeds": [
            {
                "title": "Who is directing Ballerina?",
                "description": "Len Wiseman is directing the film.",
                "color": 0xB48A3C,
                "url": "https://example.com/ballerina",
                "fields": [
                    {"name": "⚠️ Sources disagree", "value": "One says 2024.", "inline": False}
                ],
                "footer": {"text": "Source: From the World of John Wick: Ballerina"},
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "Cast", "custom_id": "concierge:show:cast"},
                    {
                        "type": 2,
                        "style": 5,
                        "label": "Read the source",
                        "url": "https://example.com",
                    },
                ],
            }
        ],
        "allowed_mentions": {"parse": [], "replied_user": False},
        "message_reference": {"message_id": 323456789012345678, "fail_if_not_exists": False},
        "tts": False,
    }


def test_accepts_a_good_reply(validator: SpecValidator):
    assert validator.problems("POST", CHANNEL, good_message()) == []


def test_accepts_snowflakes_as_strings_and_as_integers(validator: SpecValidator):
    body = good_message()
    body["message_reference"]["message_id"] = "323456789012345678"
    assert validator.problems("POST", CHANNEL, body) == []
    body["message_reference"]["message_id"] = "not-a-snowflake"
    assert validator.problems("POST", CHANNEL, body)


def test_refuses_embeds_over_6000_characters_in_all(validator: SpecValidator):
    body = good_message()
    # Every part within its own limit (description 4096, field value 1024), 6,001 in all.
    embed = body["embeds"][0]
    embed["title"] = "t" * 256
    embed["description"] = "d" * 4096
    embed["fields"] = [{"name": "n", "value": "v" * 1024}]
    embed["footer"] = {"text": "f" * (6001 - 256 - 4096 - 1 - 1024)}

    [problem] = validator.problems("POST", CHANNEL, body)

    assert "6001 characters over all embeds" in problem


def test_refuses_an_embed_part_over_its_own_limit(validator: SpecValidator):
    body = good_message()
    body["embeds"][0]["description"] = "d" * 4097
    [problem] = validator.problems("POST", CHANNEL, body)
    assert "embeds/0/description" in problem and "maxLength=4096" in problem


def test_refuses_content_over_2000_characters_though_the_spec_says_4000(
    validator: SpecValidator,
):
    assert validator.problems("POST", CHANNEL, {"content": "x" * 2000}) == []
    [problem] = validator.problems("POST", CHANNEL, {"content": "x" * 2001})
    assert "2001 characters" in problem


def test_interaction_answers(validator: SpecValidator):
    good = {"type": 4, "data": {"content": "hi", "flags": 64}}
    assert validator.problems("POST", CALLBACK, good) == []
    assert validator.problems("POST", CALLBACK, {"type": 5, "data": {"flags": 64}}) == []
    long_label = {"type": 4, "data": {**good_message(), "message_reference": None}}
    long_label["data"]["components"][0]["components"][0]["label"] = "x" * 81
    [problem] = validator.problems("POST", CALLBACK, long_label)
    assert "label" in problem and "maxLength=80" in problem


def test_refuses_autocomplete_choices_over_100_characters(validator: SpecValidator):
    fine = {"type": 8, "data": {"choices": [{"name": "n" * 100, "value": "v" * 100}]}}
    assert validator.problems("POST", CALLBACK, fine) == []
    too_long = {"type": 8, "data": {"choices": [{"name": "name", "value": "v" * 101}]}}
    [problem] = validator.problems("POST", CALLBACK, too_long)
    assert "choices/0/value: 101 characters" in problem
    too_many = {"type": 8, "data": {"choices": [{"name": "a", "value": "a"}] * 26}}
    assert validator.problems("POST", CALLBACK, too_many)


def test_command_upload(validator: SpecValidator):
    path = "/applications/123456789012345678/commands"
    ask = {
        "name": "ask",
        "description": "Ask a question.",
        "type": 1,
        "options": [
            {"type": 3, "name": "question", "description": "Your question", "autocomplete": True}
        ],
    }
    assert validator.problems("PUT", path, [ask]) == []
    assert validator.problems("PUT", path, [{**ask, "description": "d" * 101}])


def test_an_unknown_route_is_a_problem(validator: SpecValidator):
    [problem] = validator.problems("POST", "/channels/1/telepathy", {})
    assert "no such operation" in problem
