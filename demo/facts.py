"""The demo's facts file (demo/data/facts.toml): what its source documents do not say."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PLANS = ("dongtou", "xunyi")


@cache
def facts() -> dict:
    with (DATA / "facts.toml").open("rb") as f:
        return tomllib.load(f)


def document(key: str) -> Path:
    """The source document the plan `key` is imported from."""
    return DATA / facts()[key]["document"]
