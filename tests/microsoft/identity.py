"""Fake Entra ID (v2.0 endpoints) that the real msal talks to.

Serves tenant discovery (``/{tenant}/v2.0/.well-known/openid-configuration``), the
token endpoint (client credentials with a secret or a certificate assertion, device
code, refresh token) and the device authorization endpoint. Errors follow Entra's
shape: ``{"error": "invalid_client", "error_description": "AADSTS7000215: …",
"error_codes": [7000215]}``.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field

from tests.microsoft.server import Reply, Request

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _b64(doc: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


@dataclass
class Identity:
    tenant: str
    client_id: str
    secret: str = ""
    thumbprint: str = ""
    user: str = "li.wei@northwind.example"
    pending_polls: int = 1  # device flow: "authorization_pending" this many times first
    issued: set[str] = field(default_factory=set)
    token_scopes: list[str] = field(default_factory=list)
    devices: dict[str, list[object]] = field(default_factory=dict)  # code -> [polls left, scope]
    refresh_tokens: set[str] = field(default_factory=set)

    def handles(self, request: Request) -> bool:
        return request.path.startswith(f"/{self.tenant}/")

    def handle(self, request: Request) -> Reply:
        base = f"https://{request.host}/{self.tenant}"
        if request.path.endswith("/v2.0/.well-known/openid-configuration"):
            return Reply.json(200, {
                "issuer": f"{base}/v2.0", "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
                "tenant_region_scope": "AS"})
        if request.path.endswith("/oauth2/v2.0/devicecode"):
            code = secrets.token_hex(8)
            self.devices[code] = [self.pending_polls, request.form().get("scope", "")]
            return Reply.json(200, {
                "user_code": "ABCD-EFGH", "device_code": code, "expires_in": 900,
                "interval": 0, "verification_uri": "https://microsoft.com/devicelogin",
                "message": "To sign in, use a web browser to open the page "
                           "https://microsoft.com/devicelogin and enter the code ABCD-EFGH."})
        if request.path.endswith("/oauth2/v2.0/token"):
            return self._token(request.form(), request.host)
        return Reply.json(404, {"error": "not_found"})

    def _token(self, form: dict[str, str], host: str) -> Reply:
        self.token_scopes.append(form.get("scope", ""))
        if form.get("client_id") != self.client_id:
            return _aad_error(400, "unauthorized_client", 700016,
                              "Application with identifier was not found in the directory.")
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if not self._client_ok(form):
                return _aad_error(401, "invalid_client", 7000215,
                                  "Invalid client secret provided.")
            return self._issue(user=False, host=host)
        if grant == DEVICE_GRANT:
            device = self.devices.get(form.get("device_code", ""))
            if device is None:
                return _aad_error(400, "expired_token", 70020, "The device code expired.")
            left, scope = device
            if isinstance(left, int) and left > 0:
                device[0] = left - 1
                return _aad_error(400, "authorization_pending", 70016, "Pending.")
            return self._issue(user=True, host=host, scope=str(scope))
        if grant == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            return self._issue(user=True, host=host, scope=form.get("scope", ""))
        return _aad_error(400, "invalid_grant", 9002313, "Invalid request.")

    def _client_ok(self, form: dict[str, str]) -> bool:
        if "client_secret" in form:
            return bool(self.secret) and form["client_secret"] == self.secret
        assertion = form.get("client_assertion", "")
        if not assertion or not self.thumbprint:
            return False
        header = json.loads(base64.urlsafe_b64decode(assertion.split(".")[0] + "=="))
        expected = base64.urlsafe_b64encode(bytes.fromhex(self.thumbprint)).decode().rstrip("=")
        return bool(str(header.get("x5t", "")).rstrip("=") == expected)

    def _issue(self, *, user: bool, host: str, scope: str = "") -> Reply:
        token = "at-" + secrets.token_hex(12)
        self.issued.add(token)
        doc: dict[str, object] = {"token_type": "Bearer", "expires_in": 3599,
                                  "ext_expires_in": 3599, "access_token": token}
        if user:
            refresh = "rt-" + secrets.token_hex(12)
            self.refresh_tokens.add(refresh)
            oid = "00000000-0000-0000-0000-0000000000aa"
            claims = {"iss": f"https://{host}/{self.tenant}/v2.0", "aud": self.client_id,
                      "tid": self.tenant, "oid": oid, "sub": "sub-1",
                      "preferred_username": self.user, "name": "Li Wei",
                      "iat": 1772442000, "exp": 4102444800}
            granted = [s for s in scope.split() if s not in ("openid", "profile", "offline_access")]
            doc.update({"refresh_token": refresh, "scope": " ".join(granted),
                        "id_token": f"{_b64({'alg': 'none'})}.{_b64(claims)}.",
                        "client_info": _b64({"uid": oid, "utid": self.tenant})})
        return Reply.json(200, doc)


def _aad_error(status: int, error: str, code: int, text: str) -> Reply:
    return Reply.json(status, {"error": error, "error_description": f"AADSTS{code}: {text}",
                               "error_codes": [code], "trace_id": "t", "correlation_id": "c"})
