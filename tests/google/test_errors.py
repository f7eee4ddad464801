"""The error table: one classification for every Google failure the connector sees."""

from __future__ import annotations

import datetime as dt
import json

import httplib2
import pytest
from dealnudge.connectors.base import (
    AdminError,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    TransientError,
)
from dealnudge.connectors.google.errors import Call, classify, retry_after
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
REP = "rep@northwind.example"


def _http(status: int, reason: str, headers: dict[str, str] | None = None) -> HttpError:
    resp = httplib2.Response({"status": str(status), **(headers or {})})
    body = {"error": {"code": status, "message": "m", "errors": [{"reason": reason}]}}
    return HttpError(resp, json.dumps(body).encode())


@pytest.mark.parametrize(("status", "reason", "call", "expected"), [
    (404, "notFound", Call.HISTORY, CursorExpired),
    (404, "notFound", Call.GMAIL, ConnectorError),
    (410, "fullSyncRequired", Call.CALENDAR_SYNC, CursorExpired),
    (410, "deleted", Call.CALENDAR, ConnectorError),
    (429, "rateLimitExceeded", Call.GMAIL, TransientError),
    (403, "userRateLimitExceeded", Call.GMAIL, TransientError),
    (403, "rateLimitExceeded", Call.CALENDAR, TransientError),
    (500, "backendError", Call.HISTORY, TransientError),
    (503, "", Call.CALENDAR_SYNC, TransientError),
    (403, "domainPolicy", Call.GMAIL, AdminError),
    (403, "accessNotConfigured", Call.CALENDAR, AdminError),
    (403, "insufficientPermissions", Call.SEND, AdminError),
    (400, "failedPrecondition", Call.GMAIL, AdminError),
    (401, "authError", Call.GMAIL, AdminError),
    (400, "invalidArgument", Call.GMAIL, ConnectorError),
])
def test_http_errors(status: int, reason: str, call: Call, expected: type) -> None:
    err = classify(_http(status, reason), rep=REP, call=call, now=NOW)
    assert type(err) is expected and err.status == status and REP in str(err)
    if expected is ConnectorError:
        assert err.kind is ErrorKind.BUG


@pytest.mark.parametrize("code", ["invalid_grant", "unauthorized_client", "invalid_client"])
def test_token_endpoint_refusals_are_admin_errors(code: str) -> None:
    data = {"error": code, "error_description": "Invalid email or User ID"}
    err = classify(RefreshError(f"{code}: x", data, retryable=False), rep=REP,
                   call=Call.GMAIL, now=NOW)
    assert isinstance(err, AdminError) and REP in str(err)


def test_retryable_token_failure_is_transient() -> None:
    err = classify(RefreshError("internal_failure", {"error": "internal_failure"},
                                retryable=True), rep=REP, call=Call.GMAIL, now=NOW)
    assert isinstance(err, TransientError)


def test_retry_after_seconds_and_dates() -> None:
    assert retry_after({"retry-after": "7"}, NOW) == 7
    assert retry_after({"retry-after": "Tue, 10 Mar 2026 12:00:30 GMT"}, NOW) == 30
    assert retry_after({}, NOW) is None
    err = classify(_http(429, "rateLimitExceeded", {"retry-after": "11"}), rep=REP,
                   call=Call.GMAIL, now=NOW)
    assert err.retry_after == 11


def test_network_errors_are_transient() -> None:
    err = classify(ConnectionResetError("reset"), rep=REP, call=Call.CALENDAR, now=NOW)
    assert isinstance(err, TransientError)
