"""Google sign-in at the wire: delegated JWT grants, refusals, single-user mode."""

from __future__ import annotations

import json
import stat
import threading
import urllib.parse
import urllib.request
import webbrowser
from pathlib import Path

import pytest
from dealnudge.config.schema import GoogleProvider, GoogleSource, Rep
from dealnudge.connectors.base import AdminError
from dealnudge.connectors.google import login_single_user
from dealnudge.connectors.google.connector import CALENDAR, MAIL

from tests.conformance import drain, event, message
from tests.google.fake_google import CALENDAR_READ, GMAIL_READ, FakeGoogle, Grant
from tests.google.world import GoogleWorld, KeyPair, make_config

REP, SECOND = "rep@northwind.example", "second@northwind.example"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"


def test_delegated_grant_asks_only_for_read_scopes_as_the_rep(world: GoogleWorld) -> None:
    world.add_message(message(0, "inbox", REP))
    conn = world.connector()
    drain(conn, MAIL, None)
    drain(conn, CALENDAR, None)
    (grant,) = world.fake.token_requests()  # one token serves both APIs
    assert grant.claims["sub"] == REP
    assert set(str(grant.claims["scope"]).split()) == {GMAIL_READ, CALENDAR_SCOPE}
    assert grant.claims["aud"] == "https://oauth2.googleapis.com/token"


def test_mailbox_override_is_the_delegation_subject(fake: FakeGoogle, key_file: Path) -> None:
    config = make_config(fake, key_file, [REP])
    rep = Rep(email=REP, source=GoogleSource(kind="google", mailbox="sales.rep@northwind.example"))
    config = config.model_copy(update={"reps": [rep]})
    drain(GoogleWorld(fake, config).connector(), CALENDAR, None)
    assert fake.token_requests()[0].claims["sub"] == "sales.rep@northwind.example"


def test_revoked_grant_stops_one_rep_only(world: GoogleWorld) -> None:
    world.add_message(message(0, "inbox", SECOND), rep=SECOND)
    world.fake.revoked.add(REP)
    with pytest.raises(AdminError) as caught:
        drain(world.connector(), MAIL, None)
    text = str(caught.value)
    assert REP in text and "revoked" in text and "PRIVATE KEY" not in text
    assert world.sleeps == []
    out = drain(world.connector(SECOND), MAIL, None)
    assert [m.subject for m in out.messages] == ["Pilot plan 0 / 试用计划"]


def test_scopes_not_granted_to_the_client_id_is_an_admin_error(world: GoogleWorld) -> None:
    world.fake.granted_scopes = {GMAIL_READ}  # the admin forgot the calendar scope
    with pytest.raises(AdminError, match="domain-wide delegation"):
        drain(world.connector(), CALENDAR, None)


def test_broken_key_file_names_the_file_not_the_key(fake: FakeGoogle, tmp_path: Path) -> None:
    bad = tmp_path / "sa.json"
    bad.write_text(json.dumps({"type": "service_account", "client_email": "x@y",
                               "token_uri": fake.token_uri, "private_key": "SECRETSTUFF"}))
    config = make_config(fake, bad, [REP])
    with pytest.raises(AdminError) as caught:
        GoogleWorld(fake, config).connector()
    assert str(bad) in str(caught.value) and "SECRETSTUFF" not in str(caught.value)


class _ConsentingBrowser(webbrowser.BaseBrowser):
    """Plays the user: approves the consent screen, then follows the redirect."""

    def __init__(self, fake: FakeGoogle, user: str) -> None:
        super().__init__("consenting-user")
        self.fake, self.user = fake, user
        self.seen: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.seen.append(url)
        self.fake.auth_codes["4/consent"] = Grant(self.user, set(query["scope"][0].split()))
        back = query["redirect_uri"][0] + "?" + urllib.parse.urlencode(
            {"code": "4/consent", "state": query["state"][0], "scope": query["scope"][0]})
        threading.Thread(target=lambda: urllib.request.urlopen(back, timeout=10).read(),
                         daemon=True).start()
        return True


def test_single_user_login_stores_a_private_token_and_syncs(
        fake: FakeGoogle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake token endpoint is http
    fake.oauth_clients["123.apps.googleusercontent.com"] = "client-secret"
    client_file = tmp_path / "client_secret.json"
    client_file.write_text(json.dumps({"installed": {
        "client_id": "123.apps.googleusercontent.com", "client_secret": "client-secret",
        "auth_uri": fake.url + "o/oauth2/auth", "token_uri": fake.token_uri,
        "redirect_uris": ["http://localhost"]}}))
    provider = GoogleProvider(oauth_client_file=client_file, token_file=tmp_path / "t/tok.json",
                              api_endpoint=fake.url, calendar_endpoint=fake.url + "calendar/v3/")
    base = make_config(fake, client_file, [REP])
    config = base.model_copy(update={"providers": base.providers.model_copy(
        update={"google": provider})})
    browser = _ConsentingBrowser(fake, REP)
    webbrowser.register("consenting-user", None, browser)
    path = login_single_user(config, browser="consenting-user")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "refresh_token" in json.loads(path.read_text())
    asked = urllib.parse.parse_qs(urllib.parse.urlsplit(browser.seen[0]).query)
    assert set(asked["scope"][0].split()) == {GMAIL_READ, CALENDAR_SCOPE}
    world = GoogleWorld(fake, config)
    world.add_event(event(1, REP))
    fake.tokens.clear()  # the stored access token has expired: a 401 makes google-auth refresh
    assert len(drain(world.connector(), CALENDAR, None).events) == 1
    refresh = fake.token_requests()[-1]
    assert refresh.form["grant_type"] == ["refresh_token"]
    assert set(refresh.form["scope"][0].split()) <= {GMAIL_READ} | CALENDAR_READ


def test_single_user_without_token_file_asks_for_login(fake: FakeGoogle,
                                                       tmp_path: Path) -> None:
    provider = GoogleProvider(oauth_client_file=tmp_path / "c.json",
                              token_file=tmp_path / "missing.json", api_endpoint=fake.url)
    base = make_config(fake, tmp_path / "c.json", [REP])
    config = base.model_copy(update={"providers": base.providers.model_copy(
        update={"google": provider})})
    with pytest.raises(AdminError, match="google-login"):
        GoogleWorld(fake, config).connector()


def test_key_pair_fixture_is_private(key_pair: KeyPair) -> None:
    assert key_pair.private_pem.startswith("-----BEGIN PRIVATE KEY-----")
