"""Every Google failure is classified here, once, into the connector's error kinds.

What Google sends (and what we measured against the client libraries):
- token endpoint failures surface from google-auth as ``RefreshError(details,
  response_data)`` where ``response_data`` is the JSON body, e.g.
  ``{"error": "invalid_grant", "error_description": "Invalid email or User ID"}``
  (revoked grant, deleted or suspended user) or ``unauthorized_client`` (the admin
  did not grant the client id these scopes). These are the admin's to fix.
  google-auth itself retries a token request that failed with 5xx/429 (a few times,
  with real sleeps) before raising a ``retryable`` RefreshError; that layer cannot
  be switched off for service accounts, so ours counts it as one transient failure.
- API failures surface from googleapiclient as ``HttpError`` with the JSON body
  ``{"error": {"code", "message", "status", "errors": [{"reason", ...}]}}``.
  Throttling is 429 or 403 with reason ``userRateLimitExceeded``/``rateLimitExceeded``;
  a 403 ``domainPolicy``/``accessNotConfigured``/``insufficientPermissions`` or a 400
  ``failedPrecondition`` (mail service off for the user) will not heal by retrying.
- Only Gmail ``history.list`` 404 and Calendar ``syncToken`` 410 mean "cursor
  expired"; the same codes elsewhere are not.

Messages name the rep and the cause; never a token, key or response body.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import enum
import json
import socket
from dataclasses import dataclass

import httplib2
from dealnudge.connectors.base import (
    AdminError,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    TransientError,
)
from google.auth import exceptions as auth_errors
from googleapiclient.errors import HttpError


class Call(enum.Enum):
    """What was being called: the same status means different things per call."""

    HISTORY = "Gmail history"
    CALENDAR_SYNC = "Calendar incremental sync"
    GMAIL = "Gmail"
    CALENDAR = "Calendar"
    SEND = "Gmail send"


RATE_REASONS = {"userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded",
                "concurrentLimitExceeded", "backendError"}
ADMIN_REASONS = {"domainPolicy", "accessNotConfigured", "insufficientPermissions", "forbidden",
                 "failedPrecondition", "authError", "dailyLimitExceeded", "accountDisabled"}
ADMIN_GRANT_ERRORS = {"invalid_grant", "unauthorized_client", "invalid_client", "access_denied",
                      "invalid_scope", "admin_policy_enforced"}


@dataclass(frozen=True)
class Rule:
    kind: ErrorKind
    why: str


def _rule(status: int, reason: str, call: Call) -> Rule:
    """The one table: (status, reason, call) -> what to do."""
    if status == 404 and call is Call.HISTORY:
        return Rule(ErrorKind.EXPIRED, "the stored Gmail history id is too old")
    if status == 410 and call is Call.CALENDAR_SYNC:
        return Rule(ErrorKind.EXPIRED, "the stored Calendar sync token expired")
    if status == 429 or status >= 500 or (status == 403 and reason in RATE_REASONS):
        return Rule(ErrorKind.TRANSIENT, f"Google throttled or failed ({status} {reason})".strip())
    if status == 401:
        return Rule(ErrorKind.ADMIN, "Google rejected the credentials (401)")
    if status == 403 or (status == 400 and reason in ADMIN_REASONS):
        return Rule(ErrorKind.ADMIN, f"Google refused access ({status} {reason})")
    return Rule(ErrorKind.BUG, f"unexpected answer from Google ({status} {reason})".strip())


def classify(exc: BaseException, *, rep: str, call: Call, now: dt.datetime) -> ConnectorError:
    """Turn anything the Google libraries raise into one of our typed errors."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, auth_errors.RefreshError):
        return _refresh_error(exc, rep)
    if isinstance(exc, HttpError):
        status = int(exc.resp.status)
        rule = _rule(status, error_reason(exc.content), call)
        return _raise_for(rule, rep, call, status, retry_after(exc.resp, now))
    if isinstance(exc, (auth_errors.TransportError, httplib2.HttpLib2Error, socket.timeout,
                        ConnectionError, OSError)):
        return TransientError(f"{call.value} for {rep}: network error ({type(exc).__name__})")
    return ConnectorError(f"{call.value} for {rep}: unexpected {type(exc).__name__}",
                          kind=ErrorKind.BUG)


def _raise_for(rule: Rule, rep: str, call: Call, status: int,
               wait: float | None) -> ConnectorError:
    text = f"{call.value} for {rep}: {rule.why}"
    if rule.kind is ErrorKind.EXPIRED:
        return CursorExpired(text, status=status)
    if rule.kind is ErrorKind.TRANSIENT:
        return TransientError(text, retry_after=wait, status=status)
    if rule.kind is ErrorKind.ADMIN:
        return AdminError(text + "; check the domain-wide delegation grant and that the "
                          "user exists and has Gmail/Calendar enabled", status=status)
    return ConnectorError(text, kind=ErrorKind.BUG, status=status)


def _refresh_error(exc: auth_errors.RefreshError, rep: str) -> ConnectorError:
    data = exc.args[1] if len(exc.args) > 1 else None
    code = str(data.get("error", "")) if isinstance(data, dict) else ""
    if code in ADMIN_GRANT_ERRORS or (not code and not exc.retryable):
        why = {"invalid_grant": "the grant was revoked or the user is deleted or suspended",
               "unauthorized_client": "the client id is not authorised for these scopes "
                                      "(domain-wide delegation)",
               }.get(code, f"Google refused a token ({code or 'no reason given'})")
        return AdminError(f"Google sign-in for {rep} failed: {why}")
    return TransientError(f"Google sign-in for {rep} failed temporarily ({code or 'error'})")


def error_reason(content: bytes | str | None) -> str:
    """The first ``errors[].reason`` (or ``status``) of a Google JSON error body."""
    try:
        error = json.loads(content or b"{}").get("error", {})
    except (ValueError, AttributeError):
        return ""
    if not isinstance(error, dict):
        return str(error)
    details = error.get("errors") or [{}]
    return str(details[0].get("reason") or error.get("status") or "")


def retry_after(resp: httplib2.Response | dict[str, str], now: dt.datetime) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    value = resp.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())
