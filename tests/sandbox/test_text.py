"""Transcripts carry varied and hostile text, the same on every request."""

import json

import pytest

from sandbox.text import TextFactory
from tests.sandbox.walk import Walk

HOSTILE = {
    "markup": "[bold]",
    "stray close": "[/]",
    "click action": "[@click=app.quit]",
    "link": "[link=https://example.com]",
    "shortcode": ":warning:",
    "clear screen": "\x1b[2J",
    "title": "\x1b]0;pwned\x07",
    "clipboard": "\x1b]52;",
    "carriage return": "\r",
    "bell": "\x07",
}
SCRIPTS = {
    "japanese": "\u3042",  # hiragana a
    "arabic": "\u0627",
    "cyrillic": "\u0421",
    "devanagari": "\u0915",
}


def _contents(walked: dict[str, Walk]) -> list[str]:
    return [str(m["content"]) for m in walked["messages"].records.values()]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_transcripts_contain_hostile_text(name: str, walked: dict[str, Walk]) -> None:
    assert any(HOSTILE[name] in text for text in _contents(walked))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_transcripts_contain_non_latin_scripts(
    name: str, walked: dict[str, Walk]
) -> None:
    assert any(SCRIPTS[name] in text for text in _contents(walked))


def test_transcripts_contain_markdown_tables_and_fenced_code(
    walked: dict[str, Walk],
) -> None:
    texts = _contents(walked)
    assert any("|---|" in text for text in texts)
    assert any("```python" in text for text in texts)
    assert any(text.startswith("#") or "\n# " in text for text in texts)


def test_some_answers_are_several_kilobytes_and_some_are_short(
    walked: dict[str, Walk],
) -> None:
    sizes = [len(text) for text in _contents(walked)]
    assert max(sizes) > 4000
    assert min(sizes) < 100


def test_no_message_contains_nul(walked: dict[str, Walk]) -> None:
    assert not any("\x00" in text for text in _contents(walked))


def test_some_flag_comments_are_present_and_some_are_null(
    walked: dict[str, Walk],
) -> None:
    comments = [f["comment"] for f in walked["flags"].records.values()]
    assert None in comments
    assert any(isinstance(c, str) and c for c in comments)


def test_message_text_is_a_function_of_seed_and_index() -> None:
    first, again, other = TextFactory(7), TextFactory(7), TextFactory(8)
    assert first.agent_message(42, 1, 200, 900) == again.agent_message(42, 1, 200, 900)
    assert first.agent_message(42, 1, 200, 900) != other.agent_message(42, 1, 200, 900)


def test_a_failed_answer_says_it_failed() -> None:
    assert "503" in TextFactory(7).agent_message(5, 0, 503, 0)


def test_the_json_form_of_a_message_decodes_to_its_text() -> None:
    factory = TextFactory(7)
    for index in range(400):
        topic, status, tokens = index % 6, (200, 200, 500)[index % 3], index * 7
        agent = factory.agent_message_json(index, topic, status, tokens)
        user = factory.user_message_json(index, topic)
        assert agent.isascii() and user.isascii()
        assert json.loads(agent) == factory.agent_message(index, topic, status, tokens)
        assert json.loads(user) == factory.user_message(index, topic)
