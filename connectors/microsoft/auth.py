"""One long-lived msal application and HTTP session per provider configuration.

Why module-level: msal keeps its token cache, its tenant discovery (a GET of
``<authority>/v2.0/.well-known/openid-configuration`` made inside the constructor)
and its own 429 memory *in the application object*. Building one per rep or per sync
would re-discover the tenant and request a new token every time; one per process and
configuration lets every rep's sync reuse the same app-only token.

Quirks recorded (msal 1.39):
- The authority must be https; msal refuses anything else.
- For a host outside Microsoft's published clouds msal first asks
  ``https://login.microsoftonline.com/common/discovery/instance`` whether the host is
  known, which fails offline or on-premises: we pass ``instance_discovery=False`` for
  those hosts (national clouds such as 21Vianet are on the published list).
- ``http_client=`` takes any object with requests-like ``get``/``post``: we give msal
  the same ``requests.Session`` Graph uses, so ``ca_bundle`` applies to login too.
- In device-code mode the ``SerializableTokenCache`` is written back only when it
  changed, with owner-only permissions (0600), because it holds a refresh token.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msal
import requests
from dealnudge.config.schema import MicrosoftProvider
from dealnudge.config.secrets import SecretMissing, read_secret
from dealnudge.connectors.base import AdminError, ConnectorContext, TransientError
from dealnudge.connectors.microsoft.errors import token_error
from dealnudge.connectors.retry import RateLimiter

# Microsoft's published Entra ID hosts (public cloud, US Government, 21Vianet, …).
PUBLISHED_AUTHORITY_HOSTS = frozenset({
    "login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "sts.windows.net",
    "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
    "login.microsoftonline.us", "login-us.microsoftonline.com", "login.usgovcloudapi.net",
    "login.microsoftonline.de",
})
DELEGATED_SCOPES = ("Mail.Read", "Calendars.Read")
TIMEOUT_SECONDS = 60.0


class TimeoutSession(requests.Session):
    """A session with a default timeout (msal passes none) whose ``verify`` sticks.

    requests lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` from the environment beat
    ``Session.verify`` (measured: the configured ``ca_bundle`` was ignored and TLS
    failed), so the session's own setting is passed on every request explicitly.
    """

    def request(self, method: str, url: str | bytes,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        kwargs.setdefault("verify", self.verify)
        return super().request(method, str(url, "utf-8") if isinstance(url, bytes) else url,
                               *args, **kwargs)


def instance_discovery_for(authority_host: str) -> bool | None:
    """None (msal's default) for Microsoft's published clouds, False for any other host."""
    host = (urlsplit(authority_host).hostname or "").lower()
    return None if host in PUBLISHED_AUTHORITY_HOSTS else False


@dataclass
class MailboxGate:
    """Graph's per-mailbox limits: 4 concurrent requests, 10,000 requests / 10 minutes.

    A ``$batch`` counts as its items for both: Graph evaluates each item against the
    limits and runs up to 4 items of a batch in parallel.
    """

    slots: threading.BoundedSemaphore
    budget: RateLimiter
    size: int = 4  # how many slots ``slots`` holds
    claiming: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def hold(self, items: int = 1) -> Iterator[None]:
        """Hold one slot per request in flight (at most all of them) for the block."""
        wanted = max(1, min(items, self.size))
        held = 0
        try:
            if wanted == 1:
                self.slots.acquire()
                held = 1
            else:
                with self.claiming:  # one multi-slot claimer at a time: no deadlock
                    for _ in range(wanted):
                        self.slots.acquire()
                        held += 1
            yield
        finally:
            for _ in range(held):
                self.slots.release()


@dataclass
class GraphApp:
    provider: MicrosoftProvider
    session: requests.Session
    client: msal.ClientApplication
    scopes: list[str]
    cache: msal.SerializableTokenCache | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    gates: dict[str, MailboxGate] = field(default_factory=dict)

    def token(self, rep: str) -> str:
        """A bearer token from msal's cache, or a fresh one (one request per hour or so)."""
        with self.lock:
            try:
                result = self._acquire()
            except requests.RequestException as err:
                raise TransientError(f"Microsoft 365 login ({rep}) is unreachable: "
                                     f"{type(err).__name__}") from None
            except (msal.exceptions.MsalServiceError, ValueError) as err:
                # The token endpoint answered 5xx, or something that is not JSON (a proxy's
                # error page): the service's trouble, not a bug and not the admin's.
                why = str(err).splitlines()[0][:120] if isinstance(
                    err, msal.exceptions.MsalServiceError) else "not a token response"
                raise TransientError(f"Microsoft 365 login ({rep}) failed for now: the token "
                                     f"endpoint gave {why}") from None
            self._persist()
        if result and "access_token" in result:
            return str(result["access_token"])
        if not result:
            raise AdminError(f"Microsoft 365 ({rep}): no stored login; run the device-code "
                             f"login first")
        raise token_error(result, rep=rep)

    def gate(self, mailbox: str, ctx: ConnectorContext) -> MailboxGate:
        with self.lock:
            if mailbox not in self.gates:
                limit = self.provider.requests_per_10_minutes
                self.gates[mailbox] = MailboxGate(
                    threading.BoundedSemaphore(self.provider.max_concurrency),
                    RateLimiter(limit, 600.0, monotonic=ctx.monotonic, sleep=ctx.sleep),
                    self.provider.max_concurrency)
            return self.gates[mailbox]

    def _acquire(self) -> dict[str, Any] | None:
        if isinstance(self.client, msal.ConfidentialClientApplication):
            result: dict[str, Any] = self.client.acquire_token_for_client(self.scopes)
            return result
        accounts = self.client.get_accounts()
        if not accounts:
            return None
        silent: dict[str, Any] | None = self.client.acquire_token_silent(
            self.scopes, account=accounts[0])
        return silent

    def _persist(self) -> None:
        path = self.provider.token_cache_file
        if self.cache is not None and path is not None and self.cache.has_state_changed:
            write_private(path, self.cache.serialize())
            self.cache.has_state_changed = False


_APPS: dict[tuple[str, ...], GraphApp] = {}
_APPS_LOCK = threading.Lock()


def graph_app(provider: MicrosoftProvider, *, rep: str = "sender") -> GraphApp:
    """The process-wide app for this provider configuration (built on first use)."""
    key = _key(provider)
    with _APPS_LOCK:
        app = _APPS.get(key)
        if app is None:
            app = _APPS[key] = _build(provider, rep)
        return app


def login_device_code(provider: MicrosoftProvider, print_fn: Callable[[str], None]) -> str:
    """Single-user mode: run the device-code flow once and persist the token cache.

    Returns the signed-in account's user name. ``print_fn`` shows Microsoft's
    instruction ("To sign in, use a web browser to open … and enter the code …").
    """
    if not provider.device_code or provider.token_cache_file is None:
        raise AdminError("device-code login needs device_code: true and token_cache_file")
    app = graph_app(provider, rep="device-code login")
    flow = app.client.initiate_device_flow(scopes=app.scopes)
    if "user_code" not in flow:
        raise token_error(flow, rep="device-code login")
    print_fn(str(flow["message"]))
    result = app.client.acquire_token_by_device_flow(flow)
    if "access_token" not in result:
        raise token_error(result, rep="device-code login")
    with app.lock:
        app._persist()
    claims = result.get("id_token_claims") or {}
    return str(claims.get("preferred_username") or "")


def write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by the owner only (0600), creating the folder 0700."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)


def graph_scopes(provider: MicrosoftProvider) -> list[str]:
    base = provider.graph_endpoint.rstrip("/")
    if not provider.device_code:
        return [f"{base}/.default"]
    names = DELEGATED_SCOPES + (("Mail.Send",) if provider.sender else ())
    return [f"{base}/{name}" for name in names]


def _key(provider: MicrosoftProvider) -> tuple[str, ...]:
    secret = provider.client_secret.get_secret_value() if provider.client_secret else ""
    fingerprint = hashlib.sha256(secret.encode()).hexdigest()  # key only; never shown
    return (provider.authority_host, provider.tenant_id, provider.client_id, fingerprint,
            str(provider.client_certificate_file), str(provider.ca_bundle),
            str(provider.device_code), str(provider.token_cache_file), provider.graph_endpoint)


def _build(provider: MicrosoftProvider, rep: str) -> GraphApp:
    session = TimeoutSession()
    if provider.ca_bundle is not None:
        session.verify = str(provider.ca_bundle)
    authority = f"{provider.authority_host.rstrip('/')}/{provider.tenant_id}"
    options: dict[str, Any] = {
        "authority": authority, "http_client": session,
        "instance_discovery": instance_discovery_for(provider.authority_host)}
    cache: msal.SerializableTokenCache | None = None
    try:
        if provider.device_code:
            cache = _load_cache(provider.token_cache_file)
            client: msal.ClientApplication = msal.PublicClientApplication(
                provider.client_id, token_cache=cache, **options)
        else:
            client = msal.ConfidentialClientApplication(
                provider.client_id, client_credential=_credential(provider), **options)
    except requests.RequestException as err:
        raise TransientError(f"Microsoft 365 login ({rep}): {authority} is unreachable "
                             f"({type(err).__name__})") from None
    except ValueError as err:  # msal: not https, or tenant discovery refused
        raise AdminError(f"Microsoft 365 login ({rep}): authority {authority} was not "
                         f"accepted ({str(err)[:160]})") from None
    return GraphApp(provider, session, client, graph_scopes(provider), cache)


def _credential(provider: MicrosoftProvider) -> str | dict[str, str]:
    try:
        secret = read_secret(provider.client_secret, None, what="Microsoft client secret")
        if secret:
            return secret
        key = read_secret(None, provider.client_certificate_file,
                          what="Microsoft client certificate")
    except SecretMissing as err:
        raise AdminError(str(err)) from None
    if not key or not provider.client_certificate_thumbprint:
        raise AdminError("providers.microsoft needs client_secret, or "
                         "client_certificate_file with client_certificate_thumbprint")
    return {"private_key": key, "thumbprint": provider.client_certificate_thumbprint}


def _load_cache(path: Path | None) -> msal.SerializableTokenCache:
    cache = msal.SerializableTokenCache()
    if path is not None and path.exists():
        cache.deserialize(path.read_text(encoding="utf-8"))
    return cache
