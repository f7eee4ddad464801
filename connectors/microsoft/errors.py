"""Every Graph and Entra ID (msal) failure is classified here, once, in two tables.

Why one place: the same symptom arrives in different shapes. A bad client secret is
an msal result ``{"error": "invalid_client", "error_codes": [7000215]}``; a revoked
admin consent or an RBAC management scope that leaves a mailbox out is a Graph
``403 {"error": {"code": "ErrorAccessDenied"}}`` for that mailbox only; an expired
delta token is ``410 Gone`` (sometimes with no JSON body) or a 4xx whose code is
``syncStateNotFound`` / ``resyncRequired`` / ``syncStateInvalid`` in varying case.
Codes are compared case-insensitively. Messages name the rep and the mailbox, never
a secret, a token or the provider's free-text description (which may echo input).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping

from dealnudge.connectors.base import (
    AdminError,
    ConnectorError,
    CursorExpired,
    ErrorKind,
    TransientError,
)


class Outcome(enum.Enum):
    EXPIRED = "expired"  # drop the cursor, full resync of this stream only
    TRANSIENT = "transient"  # back off (Retry-After first) and retry
    ADMIN = "admin"  # the tenant admin must act; do not retry
    BUG = "bug"  # a request we should never have made


# Graph ``error.code`` (lower-cased) -> what to do and the sentence for the admin.
GRAPH_CODES: dict[str, tuple[Outcome, str]] = {
    "syncstatenotfound": (Outcome.EXPIRED, "the delta token for {what} has expired"),
    "resyncrequired": (Outcome.EXPIRED, "Graph asked for a full resync of {what}"),
    "syncstateinvalid": (Outcome.EXPIRED, "the delta token for {what} is no longer valid"),
    "erroraccessdenied": (Outcome.ADMIN, (
        "access to mailbox {mailbox} was denied: check the app's Mail.Read/Calendars.Read "
        "consent and its RBAC management scope")),
    "authorization_requestdenied": (Outcome.ADMIN, (
        "access to mailbox {mailbox} was denied: the app's permissions or admin consent "
        "are missing")),
    "accessdenied": (Outcome.ADMIN, "access to mailbox {mailbox} was denied"),
    "errorinvaliduser": (Outcome.ADMIN, "mailbox {mailbox} was not found in the tenant"),
    "mailboxnotenabledforrestapi": (Outcome.ADMIN, (
        "mailbox {mailbox} is not an Exchange Online mailbox (or has no licence)")),
    "resourcenotfound": (Outcome.ADMIN, "mailbox {mailbox} or its folder was not found"),
    "invalidauthenticationtoken": (Outcome.ADMIN, (
        "Graph rejected the access token for mailbox {mailbox}: check the tenant and "
        "client id")),
    "errormailboxnotfound": (Outcome.ADMIN, "mailbox {mailbox} was not found"),
    "applicationthrottled": (Outcome.TRANSIENT, "Graph throttled the app on {what}"),
    "errortoomanyrequests": (Outcome.TRANSIENT, "Graph throttled requests for {what}"),
    "serviceunavailable": (Outcome.TRANSIENT, "Graph is unavailable for {what}"),
}

# HTTP status -> outcome when the body names no known code.
GRAPH_STATUS: dict[int, Outcome] = {
    410: Outcome.EXPIRED,
    429: Outcome.TRANSIENT, 500: Outcome.TRANSIENT, 502: Outcome.TRANSIENT,
    503: Outcome.TRANSIENT, 504: Outcome.TRANSIENT,
    401: Outcome.ADMIN, 403: Outcome.ADMIN, 404: Outcome.ADMIN,
}

# Entra ID ``AADSTS`` numbers (msal ``error_codes``) -> the admin's sentence.
AAD_CODES: dict[int, str] = {
    7000215: "the client secret is wrong",
    7000222: "the client secret has expired",
    700027: "the client certificate was not accepted (check the thumbprint)",
    700016: "the application (client id) was not found in the tenant",
    90002: "the tenant was not found",
    900023: "the tenant id is not valid",
    65001: "admin consent for the app's permissions is missing or was revoked",
    50020: "the signed-in account does not belong to the tenant",
    70008: "the device-code login has expired: run the login again",
    50173: "the stored login was revoked: run the device-code login again",
}
AAD_ADMIN_ERRORS = frozenset({"invalid_client", "unauthorized_client", "invalid_grant",
                              "invalid_request", "invalid_scope", "consent_required",
                              "interaction_required", "access_denied"})


def graph_error(status: int, body: bytes, headers: Mapping[str, str], *,
                rep: str, mailbox: str, what: str) -> ConnectorError:
    """The classified error for one non-2xx Graph response."""
    code = _graph_code(body)
    outcome, template = GRAPH_CODES.get(code.lower(), (None, ""))
    if outcome is None:
        outcome = GRAPH_STATUS.get(status, Outcome.BUG)
        template = _default_sentence(outcome, status, code)
    sentence = template.format(mailbox=mailbox, what=what)
    return _build(outcome, f"Microsoft 365 ({rep}): {sentence}", status=status,
                  retry_after=retry_after_seconds(headers))


def token_error(result: Mapping[str, object], *, rep: str) -> ConnectorError:
    """The classified error for a failed msal ``acquire_token_*`` result."""
    raw_codes = result.get("error_codes") or []
    codes = [int(c) for c in raw_codes if isinstance(c, int | str) and str(c).isdigit()] \
        if isinstance(raw_codes, list) else []
    error = str(result.get("error") or "unknown_error")
    for number in codes:
        if number in AAD_CODES:
            return AdminError(f"Microsoft 365 login ({rep}) failed: {AAD_CODES[number]} "
                              f"(AADSTS{number}, {error})")
    if error in AAD_ADMIN_ERRORS:
        tail = f", AADSTS{codes[0]}" if codes else ""
        return AdminError(f"Microsoft 365 login ({rep}) failed: {error}{tail}")
    return TransientError(f"Microsoft 365 login ({rep}) failed for now: {error}")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare on Graph; fall back to exponential backoff


def _graph_code(body: bytes) -> str:
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        return ""
    error = doc.get("error") if isinstance(doc, dict) else None
    if isinstance(error, dict):
        return str(error.get("code") or "")
    return str(error or "")


def _default_sentence(outcome: Outcome, status: int, code: str) -> str:
    label = f"HTTP {status}" + (f" {code}" if code else "")
    return {
        Outcome.EXPIRED: "the delta token for {what} has expired (" + label + ")",
        Outcome.TRANSIENT: "Graph is busy or unavailable on {what} (" + label + ")",
        Outcome.ADMIN: "Graph refused {what} for mailbox {mailbox} (" + label + ")",
        Outcome.BUG: "Graph rejected the request for {what} (" + label + ")",
    }[outcome]


def _build(outcome: Outcome, message: str, *, status: int,
           retry_after: float | None) -> ConnectorError:
    if outcome is Outcome.EXPIRED:
        return CursorExpired(message, status=status)
    if outcome is Outcome.TRANSIENT:
        return TransientError(message, status=status, retry_after=retry_after)
    if outcome is Outcome.ADMIN:
        return AdminError(message, status=status)
    return ConnectorError(message, kind=ErrorKind.BUG, status=status)
