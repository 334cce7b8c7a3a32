"""The layer rules of DESIGN.md, checked in a fresh interpreter each."""

import subprocess
import sys

import pytest

CHECK = """
import importlib, pkgutil, sys
package = importlib.import_module({package!r})
for info in pkgutil.walk_packages(package.__path__, {package!r} + "."):
    importlib.import_module(info.name)
forbidden = [m for m in {forbidden!r} if m in sys.modules]
print(",".join(forbidden))
"""


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("store", ["textual", "sync", "sandbox", "tui", "httpx"]),
        ("sync", ["textual", "sandbox", "tui"]),
        ("sandbox", ["textual", "store", "sync", "tui"]),
    ],
)
def test_package_imports_without_forbidden_layers(
    package: str, forbidden: list[str]
) -> None:
    """Importing every module of a package pulls in none of the layers it must not."""
    code = CHECK.format(package=package, forbidden=forbidden)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{package} imported {result.stdout.strip()}"
