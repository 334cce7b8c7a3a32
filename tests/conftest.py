"""Shared fixtures: each area's fixtures live in a module under tests/fixtures/."""

pytest_plugins: list[str] = [
    "tests.fixtures.sandbox",
    "tests.fixtures.synced",
    "tests.fixtures.app",
]
