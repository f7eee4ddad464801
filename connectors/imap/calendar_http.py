"""Pieces the CalDAV and feed readers share: the HTTP error table and the cursor's item map."""

from __future__ import annotations

from dealnudge.connectors.base import AdminError, ConnectorError, TransientError


def saved_items(raw: dict[str, object] | None) -> dict[str, list[str]]:
    items = raw.get("items", {}) if raw else {}
    return {str(k): [str(x) for x in v] for k, v in items.items()} if isinstance(items, dict) else {}


def check_http(status: int, retry_after: str | None, what: str) -> None:
    """The HTTP half of the error table (CalDAV and feeds)."""
    if status < 400:
        return
    if status in (401, 403):
        raise AdminError(f"{what} refused the credentials (HTTP {status})", status=status)
    if status == 404:
        raise AdminError(f"{what} was not found (HTTP 404); check the calendar URL", status=status)
    if status == 429 or status >= 500:
        wait = float(retry_after) if retry_after and retry_after.isdigit() else None
        raise TransientError(f"{what} is unavailable (HTTP {status})", status=status,
                             retry_after=wait)
    raise ConnectorError(f"{what} answered HTTP {status}", status=status)
