"""Export pages make message text in batches: a batch is what one call each makes."""

import json

import numpy as np
import pytest

from sandbox.config import SandboxConfig, parse_iso_ms
from sandbox.records import message_records
from sandbox.text import SHOWCASE_KINDS, TextFactory
from sandbox.world import World

BATCH = 3000


@pytest.fixture(scope="module")
def factory() -> TextFactory:
    """The text of seed 7."""
    return TextFactory(7)


@pytest.fixture(scope="module")
def world() -> World:
    """A small organisation, seed 7."""
    config = SandboxConfig(
        seed=7, scale="small", now_ms=parse_iso_ms("2026-06-01T12:00:00Z")
    )
    return World(config)


def _one_by_one(factory: TextFactory, facts: dict[str, np.ndarray], row: int) -> str:
    index, topic = int(facts["index"][row]), int(facts["topic"][row])
    showcase = int(facts["showcase"][row])
    if facts["agent"][row]:
        status, tokens = int(facts["status"][row]), int(facts["tokens"][row])
        return factory.agent_message_json(index, topic, status, tokens, showcase)
    return factory.user_message_json(index, topic, showcase)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_batch_of_messages_is_what_one_call_per_message_makes(
    factory: TextFactory, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    facts = {
        "index": rng.choice(10**8, BATCH, replace=False),
        "topic": rng.integers(0, 20, BATCH),
        "agent": rng.random(BATCH) < 0.5,
        "status": rng.choice([200, 200, 200, 201, 404, 500, 503], BATCH),
        # Mostly short answers, some as long as an answer may be.
        "tokens": np.where(
            rng.random(BATCH) < 0.05,
            rng.integers(0, 9000, BATCH),
            rng.integers(0, 900, BATCH),
        ),
        "showcase": np.where(
            rng.random(BATCH) < 0.03, rng.integers(0, SHOWCASE_KINDS, BATCH), -1
        ),
    }
    batch = factory.messages_json(
        facts["index"],
        facts["topic"],
        facts["agent"],
        facts["status"],
        facts["tokens"],
        facts["showcase"],
    )
    assert batch == [_one_by_one(factory, facts, row) for row in range(BATCH)]


def test_an_empty_batch_makes_no_text(factory: TextFactory) -> None:
    empty = np.empty(0, dtype=np.int64)
    agent = np.empty(0, dtype=bool)
    assert factory.messages_json(empty, empty, agent, empty, empty, empty) == []


def test_export_records_carry_the_worlds_message_texts(world: World) -> None:
    snapshot = world.snapshot()
    positions = np.arange(len(snapshot.messages))
    records = [json.loads(text) for text in message_records(world, snapshot, positions)]
    texts = world.message_texts(snapshot, positions, snapshot.messages["session"])
    assert [record["content"] for record in records] == texts
