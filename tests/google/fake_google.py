"""A local fake of the Google endpoints the connector talks to, served over HTTP.

The real google-api-python-client and google-auth talk to it through an endpoint
override and the key file's ``token_uri``. It implements the OAuth token endpoint
(JWT-bearer grant with signature, audience, scope and subject checks; refresh and
authorization-code grants for the single-user mode), Gmail (``messages.list``/
``get``/``send``, ``getProfile``, ``history.list``, the multipart ``/batch/gmail/v1``
endpoint) and Calendar ``events.list``. As Google documents, ``messages.list`` with a
``q`` needs more than ``gmail.metadata``; ``replace_message_ids`` makes ``send`` file
the copy under a Message-ID of its own, as Gmail has been reported to do for API sends.

Every request is recorded (batch parts too, with their batch number) so tests can
assert what was asked. Faults are injected as *stubs* that answer matching requests
instead of the model; a stub that was never used fails the test (``verify``).
"""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import json
import re
import secrets
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

from tests.google.fake_calendar import FakeCalendar
from tests.google.fake_mail import ApiError, Json, Mailbox

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GMAIL_READ = "https://www.googleapis.com/auth/gmail.readonly"
GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
GMAIL_METADATA = "https://www.googleapis.com/auth/gmail.metadata"
CALENDAR_READ = {"https://www.googleapis.com/auth/calendar.readonly",
                 "https://www.googleapis.com/auth/calendar.events.readonly"}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    user: str | None = None  # mailbox the bearer token belongs to
    batch: int | None = None  # which batch POST carried it
    status: int = 0
    form: dict[str, list[str]] = field(default_factory=dict)  # token endpoint
    claims: Json = field(default_factory=dict)  # verified JWT claims (token endpoint)
    body: bytes = b""


@dataclass
class Stub:
    """Answer the next ``times`` matching requests with ``status`` instead of the model."""

    matches: Callable[[Recorded], bool]
    status: int
    body: Json
    headers: dict[str, str]
    times: int = 1
    used: int = 0
    label: str = ""


@dataclass
class Grant:
    user: str
    scopes: set[str]


class FakeGoogle:
    def __init__(self, public_key_pem: bytes, client_email: str,
                 granted_scopes: set[str]) -> None:
        self.public_key_pem = public_key_pem
        self.client_email = client_email
        self.granted_scopes = granted_scopes  # what the admin granted the client id
        self.revoked: set[str] = set()  # users whose grant fails with invalid_grant
        self.mailboxes: dict[str, Mailbox] = {}
        self.calendars: dict[str, FakeCalendar] = {}
        self.requests: list[Recorded] = []
        self.stubs: list[Stub] = []
        self.tokens: dict[str, Grant] = {}
        self.oauth_clients: dict[str, str] = {}  # client_id -> secret (single-user mode)
        self.refresh_tokens: dict[str, Grant] = {}
        self.auth_codes: dict[str, Grant] = {}
        self.clock = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # internalDate of sent messages
        self.replace_message_ids = False  # send: store the copy under Gmail's own Message-ID
        self._lock = threading.RLock()
        self._batches = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/"

    @property
    def token_uri(self) -> str:
        return self.url + "token"

    def start(self) -> FakeGoogle:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- state -----------------------------------------------------------------

    def mailbox(self, user: str) -> Mailbox:
        return self.mailboxes.setdefault(user, Mailbox(user))

    def calendar(self, user: str) -> FakeCalendar:
        return self.calendars.setdefault(user, FakeCalendar(user))

    def stub(self, matches: Callable[[Recorded], bool], status: int, *, reason: str = "",
             headers: dict[str, str] | None = None, times: int = 1, body: Json | None = None,
             label: str = "") -> Stub:
        if body is None:
            body = ApiError(status, reason or "backendError", f"stubbed {status}").body()
        stub = Stub(matches, status, body, headers or {}, times, label=label or reason)
        with self._lock:
            self.stubs.append(stub)
        return stub

    def verify(self) -> None:
        unused = [s.label or str(s.status) for s in self.stubs if s.used < s.times]
        assert not unused, f"stubbed responses never used: {unused}"

    def api_requests(self, *, user: str | None = None) -> list[Recorded]:
        """Requests to Gmail/Calendar (batch parts included, batch envelopes excluded)."""
        return [r for r in self.requests if r.path not in ("/token", "/batch/gmail/v1")
                and (user is None or r.user == user)]

    def token_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/token"]

    def batch_sizes(self) -> list[int]:
        sizes: dict[int, int] = {}
        for r in self.requests:
            if r.batch is not None:
                sizes[r.batch] = sizes.get(r.batch, 0) + 1
        return [sizes[k] for k in sorted(sizes)]

    # -- dispatch --------------------------------------------------------------

    def handle(self, rec: Recorded, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(rec)
            stub = next((s for s in self.stubs if s.used < s.times and s.matches(rec)), None)
            if stub is not None:
                stub.used += 1
                rec.status = stub.status
                return stub.status, stub.headers, json.dumps(stub.body).encode()
            try:
                if rec.path == "/token":
                    status, payload = 200, self._token(rec, headers.get("authorization", ""))
                elif rec.path == "/batch/gmail/v1":
                    return self._batch(rec, headers)
                else:
                    status, payload = 200, self._api(rec, headers.get("authorization", ""))
            except ApiError as err:
                rec.status = err.status
                return err.status, err.headers, json.dumps(err.body()).encode()
            except OAuthError as err:
                rec.status = err.status
                return err.status, {}, json.dumps(err.body()).encode()
            rec.status = status
            return status, {}, json.dumps(payload).encode()

    def _api(self, rec: Recorded, authorization: str) -> Json:
        grant = self._grant(authorization)
        rec.user = grant.user
        route = _route(rec.method, rec.path)
        if route is None:
            raise ApiError(404, "notFound", f"no such method {rec.method} {rec.path}")
        name, arg = route
        if name == "events":
            _need(grant, CALENDAR_READ)
            return self.calendar(grant.user).list_events(rec.query)
        if name == "send":
            _need(grant, {GMAIL_SEND})
            return self._send(grant.user, rec.body)
        if name == "list" and rec.query.get("q") and not grant.scopes & {GMAIL_READ}:
            raise ApiError(403, "forbidden", "Metadata scope does not support 'q' parameter")
        _need(grant, {GMAIL_READ, GMAIL_METADATA})
        box = self.mailbox(grant.user)
        if name == "list":
            return box.list_messages(rec.query)
        _need(grant, {GMAIL_READ})  # bodies: gmail.metadata gives headers only
        if name == "get":
            return box.get_message(arg, rec.query)
        if name == "history":
            return box.list_history(rec.query)
        return box.profile()

    def _send(self, user: str, body: bytes) -> Json:
        raw = base64.urlsafe_b64decode(json.loads(body)["raw"])
        if self.replace_message_ids:  # as Gmail has been seen to do with API sends
            parsed = email.message_from_bytes(raw, policy=email.policy.default)
            del parsed["Message-ID"]
            parsed["Message-ID"] = f"<{secrets.token_hex(8)}@mail.gmail.com>"
            raw = parsed.as_bytes()
        msg = self.mailbox(user).add(raw, ["SENT"], self.clock)
        return {"id": msg.id, "threadId": msg.thread_id, "labelIds": ["SENT"]}

    def _grant(self, authorization: str) -> Grant:
        token = authorization.removeprefix("Bearer ").strip()
        grant = self.tokens.get(token)
        if grant is None:
            raise ApiError(401, "authError", "Request had invalid authentication credentials.",
                           headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        return grant

    # -- token endpoint --------------------------------------------------------

    def _token(self, rec: Recorded, authorization: str) -> Json:
        if authorization.startswith("Basic "):  # client_secret_basic, as requests-oauthlib does
            client, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            rec.form.setdefault("client_id", [urllib.parse.unquote(client)])
            rec.form.setdefault("client_secret", [urllib.parse.unquote(secret)])
        grant_type = (rec.form.get("grant_type") or [""])[0]
        if grant_type == JWT_BEARER:
            grant = self._jwt_grant(rec)
        elif grant_type == "refresh_token":
            grant = self._refresh_grant(rec.form)
        elif grant_type == "authorization_code":
            grant = self._code_grant(rec.form)
        else:
            raise OAuthError(400, "unsupported_grant_type", "Invalid grant_type.")
        token = "ya29." + secrets.token_urlsafe(12)
        self.tokens[token] = grant
        out: Json = {"access_token": token, "expires_in": 3599, "token_type": "Bearer",
                     "scope": " ".join(sorted(grant.scopes))}
        if grant_type == "authorization_code":
            refresh = "1//" + secrets.token_urlsafe(12)
            self.refresh_tokens[refresh] = grant
            out["refresh_token"] = refresh
        return out

    def _jwt_grant(self, rec: Recorded) -> Grant:
        assertion = (rec.form.get("assertion") or [""])[0]
        try:
            claims = jwt.decode(assertion, self.public_key_pem, algorithms=["RS256"],
                                audience=GOOGLE_TOKEN_AUDIENCE)
        except jwt.PyJWTError as err:
            raise OAuthError(400, "invalid_grant", f"Invalid JWT Signature. ({err})") from None
        rec.claims = claims
        if claims.get("iss") != self.client_email:
            raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
        scopes = set(str(claims.get("scope", "")).split())
        if not scopes or not scopes <= self.granted_scopes:
            raise OAuthError(401, "unauthorized_client", "Client is unauthorized to retrieve "
                             "access tokens using this method, or client not authorized for "
                             "any of the scopes requested.")
        user = str(claims.get("sub", ""))
        if not user or user in self.revoked:
            raise OAuthError(400, "invalid_grant", "Invalid email or User ID")
        return Grant(user, scopes)

    def _refresh_grant(self, form: dict[str, list[str]]) -> Grant:
        self._client_auth(form)
        grant = self.refresh_tokens.get((form.get("refresh_token") or [""])[0])
        if grant is None or grant.user in self.revoked:
            raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
        asked = set(" ".join(form.get("scope", [])).split())
        if asked and not asked <= grant.scopes:
            raise OAuthError(400, "invalid_scope", "Bad Request")
        return Grant(grant.user, asked or grant.scopes)

    def _code_grant(self, form: dict[str, list[str]]) -> Grant:
        self._client_auth(form)
        grant = self.auth_codes.pop((form.get("code") or [""])[0], None)
        if grant is None:
            raise OAuthError(400, "invalid_grant", "Malformed auth code.")
        return grant

    def _client_auth(self, form: dict[str, list[str]]) -> None:
        client = (form.get("client_id") or [""])[0]
        if self.oauth_clients.get(client) != (form.get("client_secret") or [""])[0]:
            raise OAuthError(401, "invalid_client", "Unauthorized")

    # -- batch -----------------------------------------------------------------

    def _batch(self, rec: Recorded, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self._batches += 1
        number = self._batches
        parts = _parse_batch(headers.get("content-type", ""), rec.body)
        if len(parts) > 100:
            raise ApiError(400, "invalid", "Too many requests in batch.")
        boundary = "batch_" + secrets.token_hex(8)
        out: list[str] = []
        for content_id, method, target, part_headers in parts:
            parsed = urllib.parse.urlsplit(target)
            inner = Recorded(method, parsed.path, urllib.parse.parse_qs(parsed.query),
                             batch=number)
            auth = part_headers.get("authorization", headers.get("authorization", ""))
            status, extra, body = self.handle(inner, {"authorization": auth})
            out.append(_batch_part(boundary, content_id, status, extra, body))
        rec.status = 200
        payload = "".join(out) + f"--{boundary}--\r\n"
        return 200, {"Content-Type": f"multipart/mixed; boundary={boundary}"}, payload.encode()


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def body(self) -> Json:
        return {"error": self.error, "error_description": self.description}


def _need(grant: Grant, any_of: set[str]) -> None:
    if not grant.scopes & any_of:
        raise ApiError(403, "insufficientPermissions",
                       "Request had insufficient authentication scopes.")


_ROUTES = [
    ("GET", re.compile(r"^/gmail/v1/users/me/messages$"), "list"),
    ("GET", re.compile(r"^/gmail/v1/users/me/messages/([^/]+)$"), "get"),
    ("POST", re.compile(r"^/gmail/v1/users/me/messages/send$"), "send"),
    ("GET", re.compile(r"^/gmail/v1/users/me/history$"), "history"),
    ("GET", re.compile(r"^/gmail/v1/users/me/profile$"), "profile"),
    ("GET", re.compile(r"^/calendar/v3/calendars/primary/events$"), "events"),
]


def _route(method: str, path: str) -> tuple[str, str] | None:
    for verb, pattern, name in _ROUTES:
        match = pattern.match(path)
        if verb == method and match:
            return name, (match.group(1) if match.groups() else "")
    return None


def _parse_batch(content_type: str, body: bytes) -> list[tuple[str, str, str, dict[str, str]]]:
    """(Content-ID, method, target, headers) of every part of a multipart/mixed batch."""
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ApiError(400, "invalid", "Batch body is not multipart/mixed.")
    parts = []
    for part in message.get_payload():
        assert isinstance(part, email.message.Message)
        text = str(part.get_payload())
        request_line, _, rest = text.replace("\r\n", "\n").partition("\n")
        method, target, _version = request_line.split(" ", 2)
        head = email.parser.Parser().parsestr(rest, headersonly=True)
        parts.append((str(part["Content-ID"]), method, target,
                      {k.lower(): v for k, v in head.items()}))
    return parts


def _batch_part(boundary: str, content_id: str, status: int, headers: dict[str, str],
                body: bytes) -> str:
    reason = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
              404: "Not Found", 429: "Too Many Requests"}.get(status, "Error")
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json; charset=UTF-8"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    response_id = "<response-" + content_id.strip("<>") + ">"
    return (f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: {response_id}\r\n\r\n"
            + "\r\n".join(lines) + "\r\n\r\n" + body.decode() + "\r\n")


def _handler_for(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            rec = Recorded(self.command, parsed.path, urllib.parse.parse_qs(parsed.query),
                           body=body)
            if parsed.path == "/token":
                rec.form = urllib.parse.parse_qs(body.decode())
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, payload = fake.handle(rec, headers)
            self.send_response(status)
            if not any(k.lower() == "content-type" for k in extra):
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler
