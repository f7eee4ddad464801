"""Every configuration key is documented in the admin guide's reference."""

from __future__ import annotations

import typing
from pathlib import Path

from dealnudge.config import schema
from pydantic import BaseModel

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "admin-guide.md"


def _models() -> list[type[BaseModel]]:
    return [obj for obj in vars(schema).values()
            if isinstance(obj, type) and issubclass(obj, schema.Strict) and obj is not schema.Strict]


def test_every_key_is_in_the_admin_guide() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    missing = sorted({f"{m.__name__}.{name}" for m in _models() for name in m.model_fields
                      if f"`{name}`" not in text and name != "kind"})
    assert missing == []


def test_models_forbid_unknown_keys() -> None:
    assert all(m.model_config.get("extra") == "forbid" for m in _models())
    assert typing.get_args(schema.Weekday) == schema.WEEKDAYS
