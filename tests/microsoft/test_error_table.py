"""The one classification table: each provider signal maps to exactly one outcome."""

from __future__ import annotations

import json

import pytest
from dealnudge.connectors.base import AdminError, CursorExpired, ErrorKind, TransientError
from dealnudge.connectors.microsoft.errors import graph_error, token_error


def _body(code: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": "secret=hunter2"}}).encode()


@pytest.mark.parametrize(("status", "code", "kind"), [
    (410, "", CursorExpired), (400, "SyncStateNotFound", CursorExpired),
    (400, "resyncRequired", CursorExpired), (400, "syncStateInvalid", CursorExpired),
    (429, "ApplicationThrottled", TransientError), (503, "", TransientError),
    (504, "", TransientError), (403, "ErrorAccessDenied", AdminError),
    (403, "Authorization_RequestDenied", AdminError), (404, "ErrorInvalidUser", AdminError),
    (404, "MailboxNotEnabledForRESTAPI", AdminError), (401, "", AdminError),
])
def test_graph_statuses_and_codes(status: int, code: str, kind: type) -> None:
    err = graph_error(status, _body(code) if code else b"", {"Retry-After": "9"},
                      rep="a@northwind.example", mailbox="a@northwind.example", what="inbox")
    assert type(err) is kind and "hunter2" not in str(err)
    assert "a@northwind.example" in str(err)
    if kind is TransientError:
        assert err.retry_after == 9


def test_unknown_400_is_a_bug_not_a_retry() -> None:
    err = graph_error(400, _body("ErrorInvalidUrlQuery"), {}, rep="r", mailbox="m", what="w")
    assert err.kind is ErrorKind.BUG


@pytest.mark.parametrize(("codes", "error", "needle"), [
    ([7000215], "invalid_client", "client secret is wrong"),
    ([700016], "unauthorized_client", "was not found in the tenant"),
    ([65001], "invalid_grant", "consent"),
    ([90002], "invalid_request", "tenant was not found"),
    ([], "invalid_client", "invalid_client"),
])
def test_token_errors_are_admin_errors(codes: list[int], error: str, needle: str) -> None:
    err = token_error({"error": error, "error_codes": codes,
                       "error_description": "client_secret=hunter2"}, rep="a@northwind.example")
    assert isinstance(err, AdminError) and needle in str(err) and "hunter2" not in str(err)


def test_unknown_token_failure_is_transient() -> None:
    assert isinstance(token_error({"error": "temporarily_unavailable"}, rep="r"), TransientError)
