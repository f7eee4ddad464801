"""Secrets are given inline as ``${ENV_VAR}`` (substituted by the loader) or as a
``*_file`` path; this is the one place that reads them. Never log the result."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

MAX_SECRET_BYTES = 64 * 1024


class SecretMissing(ValueError):
    pass


def read_secret(inline: SecretStr | None, path: Path | None, *, what: str) -> str | None:
    """The secret's value from the inline key or its ``*_file`` (first line, stripped)."""
    if inline is not None:
        return inline.get_secret_value()
    if path is None:
        return None
    try:
        if not path.is_file():  # a folder, /dev/zero or a pipe never holds a password
            raise SecretMissing(f"cannot read {what} from {path}: it is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_SECRET_BYTES + 1)
    except OSError as err:
        raise SecretMissing(f"cannot read {what} from {path}: {err.strerror}") from None
    if len(data) > MAX_SECRET_BYTES:
        raise SecretMissing(f"{what} file {path} is larger than {MAX_SECRET_BYTES:,} bytes")
    text = data.decode("utf-8", "replace")
    value = text.strip()
    if not value:
        raise SecretMissing(f"{what} file {path} is empty")
    return value
