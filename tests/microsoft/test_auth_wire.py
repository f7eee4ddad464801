"""Login through the real msal against the fake Entra ID over TLS (test CA)."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from dealnudge.connectors import microsoft
from dealnudge.connectors.base import AdminError, Stream, TransientError
from dealnudge.connectors.microsoft import auth

from tests.conformance import drain, message
from tests.microsoft.server import Reply
from tests.microsoft.tls import TlsFiles
from tests.microsoft.world import SECRET, FakeMicrosoft, GraphWorld

INBOX = Stream("mail:inbox", "mail")


def test_authority_outside_published_clouds_turns_instance_discovery_off(
        world: GraphWorld, fake: FakeMicrosoft) -> None:
    world.add_message(message(0, "inbox", world.rep_email))
    drain(world.connector(), INBOX, None)
    paths = [r.path for r in fake.requests]
    assert paths[0].endswith("/v2.0/.well-known/openid-configuration")
    assert not any("discovery/instance" in p for p in paths)
    assert fake.identity.token_scopes == [f"{fake.base}/.default"]
    assert auth.instance_discovery_for(fake.base) is False
    assert auth.instance_discovery_for("https://login.chinacloudapi.cn") is None


def test_token_is_cached_across_syncs_and_reps(fake: FakeMicrosoft) -> None:
    config = fake.config(["a@northwind.example", "b@northwind.example"])
    for rep in config.reps:
        fake.add_message(rep.email, message(1, "inbox", rep.email))
    ctx = GraphWorld(fake).context()
    for rep in config.reps * 2:
        drain(microsoft.create(rep, config, ctx), INBOX, None)
    assert len(fake.token_requests()) == 1
    assert len([r for r in fake.requests if "openid-configuration" in r.path]) == 1


def test_bad_secret_is_an_admin_error_naming_the_rep_without_the_secret(
        fake: FakeMicrosoft) -> None:
    fake.identity.secret = "the-right-one"
    config = fake.config(["a@northwind.example"])
    fake.add_message("a@northwind.example", message(1, "inbox", "a@northwind.example"))
    with pytest.raises(AdminError) as caught:
        drain(microsoft.create(config.reps[0], config, GraphWorld(fake).context()), INBOX, None)
    text = str(caught.value)
    assert "a@northwind.example" in text and "AADSTS7000215" in text
    assert SECRET not in text and "the-right-one" not in text


def test_revoked_consent_for_one_mailbox_leaves_the_other_rep_syncing(
        fake: FakeMicrosoft) -> None:
    config = fake.config(["a@northwind.example", "b@northwind.example"])
    for rep in config.reps:
        fake.add_message(rep.email, message(1, "inbox", rep.email))
    fake.graph.denied.add("a@northwind.example")
    ctx = GraphWorld(fake).context()
    with pytest.raises(AdminError, match=r"a@northwind\.example"):
        drain(microsoft.create(config.reps[0], config, ctx), INBOX, None)
    assert len(drain(microsoft.create(config.reps[1], config, ctx), INBOX, None).messages) == 1


def test_unknown_mailbox_is_an_admin_error(fake: FakeMicrosoft) -> None:
    config = fake.config(["ghost@northwind.example"])
    with pytest.raises(AdminError, match=r"ghost@northwind\.example was not found"):
        drain(microsoft.create(config.reps[0], config, GraphWorld(fake).context()), INBOX, None)


def test_certificate_credential_signs_an_assertion(fake: FakeMicrosoft, tmp_path: Path) -> None:
    key_file, thumbprint = _certificate(tmp_path)
    fake.identity.secret, fake.identity.thumbprint = "", thumbprint
    config = fake.config(["a@northwind.example"], client_secret=None,
                         client_certificate_file=str(key_file),
                         client_certificate_thumbprint=thumbprint)
    fake.add_message("a@northwind.example", message(1, "inbox", "a@northwind.example"))
    conn = microsoft.create(config.reps[0], config, GraphWorld(fake).context())
    assert len(drain(conn, INBOX, None).messages) == 1
    assert "client_assertion" in fake.token_requests()[0].form()


@pytest.fixture
def china(tls: TlsFiles, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMicrosoft]:
    """21Vianet host names resolve to the local fake; every other name stays unresolvable."""
    server = FakeMicrosoft(tls)
    real = socket.getaddrinfo
    cloud = {"login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"}

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in cloud:
            return real("127.0.0.1", server.server.port, *args, **kwargs)
        if host in ("127.0.0.1", "localhost"):
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(f"no network for {host}")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    yield server
    server.stop()
    server.assert_clean()


def test_national_cloud_hosts_are_used_for_login_and_graph(china: FakeMicrosoft) -> None:
    config = china.config(["a@northwind.example"],
                          authority_host="https://login.chinacloudapi.cn",
                          graph_endpoint="https://microsoftgraph.chinacloudapi.cn")
    china.add_message("a@northwind.example", message(1, "inbox", "a@northwind.example"))
    conn = microsoft.create(config.reps[0], config, GraphWorld(china).context())
    assert len(drain(conn, INBOX, None).messages) == 1
    hosts = {r.host for r in china.requests}
    assert hosts == {"login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"}
    assert china.identity.token_scopes == ["https://microsoftgraph.chinacloudapi.cn/.default"]
    assert not any("discovery/instance" in r.path for r in china.requests)


def test_device_code_login_persists_an_owner_only_cache(fake: FakeMicrosoft,
                                                        tmp_path: Path) -> None:
    cache_file = tmp_path / "conf" / "msal.json"
    config = fake.config([fake.identity.user], client_secret=None, device_code=True,
                         token_cache_file=str(cache_file))
    fake.add_message(fake.identity.user, message(1, "inbox", fake.identity.user))
    shown: list[str] = []
    assert microsoft.login_device_code(config, shown.append) == fake.identity.user
    assert "ABCD-EFGH" in shown[0]
    assert stat.S_IMODE(cache_file.stat().st_mode) == 0o600
    assert fake.token_requests()[-1].form()["grant_type"].endswith("device_code")
    auth._APPS.clear()  # as after a restart: only the cache file survives
    before = len(fake.token_requests())
    conn = microsoft.create(config.reps[0], config, GraphWorld(fake).context())
    assert len(drain(conn, INBOX, None).messages) == 1
    assert len(fake.token_requests()) == before  # the cached access token was used
    device = next(r for r in fake.requests if r.path.endswith("/devicecode"))
    scopes = device.form()["scope"].split()
    assert f"{fake.base}/Mail.Read" in scopes and f"{fake.base}/Calendars.Read" in scopes


def test_device_code_without_login_tells_the_admin(fake: FakeMicrosoft, tmp_path: Path) -> None:
    config = fake.config([fake.identity.user], client_secret=None, device_code=True,
                         token_cache_file=str(tmp_path / "none.json"))
    conn = microsoft.create(config.reps[0], config, GraphWorld(fake).context())
    with pytest.raises(AdminError, match="device-code login"):
        drain(conn, INBOX, None)


def _certificate(folder: Path) -> tuple[Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dealnudge")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))
    path = folder / "app.key"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    thumbprint = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    return path, thumbprint.upper()


@pytest.mark.parametrize("reply", [
    Reply(500, b"<html>Internal Server Error</html>", {"Content-Type": "text/html"}),
    Reply(200, b"\x00\xffnot json at all", {"Content-Type": "application/json"}),
    Reply(503, b"", {}),
], ids=["500 html", "garbage 200", "503 empty"])
def test_token_endpoint_failures_are_transient_sentences(fake: FakeMicrosoft,
                                                         reply: Reply) -> None:
    config = fake.config(["a@northwind.example"])
    fake.add_message("a@northwind.example", message(1, "inbox", "a@northwind.example"))
    # msal itself asks up to five times when the answer is not JSON: an outage lasts longer
    fake.server.script(lambda r: r.path.endswith("/oauth2/v2.0/token"), reply, "token fails",
                       times=10)
    with pytest.raises(TransientError) as caught:
        drain(microsoft.create(config.reps[0], config, GraphWorld(fake).context()), INBOX, None)
    text = str(caught.value)
    assert text.startswith("Microsoft 365 login (a@northwind.example) failed for now: the "
                           "token endpoint gave ") and "\n" not in text
    fake.server.scripted.clear()  # msal remembers a 5xx for a while: not every script is used
