"""A real Dovecot and a real Radicale on 127.0.0.1, started privately for the tests.

Both run from the installed binaries with generated configuration in a temporary
directory, behind TLS certificates from a throwaway CA (so the connector's
certificate checks and ``ca_bundle`` are exercised, not switched off). Dovecot runs
in the foreground (``dovecot -F``); as root its mail processes use ``nobody`` and
its internal/login processes the ``dovecot``/``dovenull`` users the Debian package
creates, otherwise everything runs as the current user. ``rawlog_dir`` records
every command a logged-in client sends, which is how the tests prove the connector
never SELECTs or STOREs and how the bench counts round trips.

Only the folder named ``Sent`` carries ``\\Sent`` (SPECIAL-USE); a user whose sent
folder is ``已发送`` gets no flag, like many Chinese providers' older servers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient

from tests.support.tls import make_tls

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def _tied_to_us(cmd: list[str]) -> list[str]:
    """The server gets SIGTERM if the test process dies without its teardown
    (``setpriv --pdeathsig``, util-linux; without it the command runs as is)."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", *cmd] if setpriv else cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"server exited with {proc.returncode}:\n{text[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port} within {seconds}s")


@dataclass
class LocalCA:
    """A CA certificate (``ca_file``) and a server certificate for 127.0.0.1/localhost."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    @classmethod
    def create(cls, root: Path) -> LocalCA:
        files = make_tls(root)
        out = cls(files.ca_pem, files.cert_pem, files.key_pem)
        os.chmod(out.key_file, 0o644)  # dovecot reads it as root; radicale as us
        return out

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def _owners() -> tuple[str, str, str, str]:
    """(mail user, mail group, internal user, login user) for this process."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, me, me
    for needed in ("dovecot", "dovenull"):
        pwd.getpwnam(needed)  # created by the dovecot-core package
    return "nobody", "nogroup", "dovecot", "dovenull"


CONF = """\
instance_name = dealnudge-test-{imaps}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
rawlog_dir = {root}/rawlog/%u
mail_max_userip_connections = 50
imap_capability = {capability}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox Trash {{
    special_use = \\Trash
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    """One private Dovecot; ``users`` maps login → password (``None``: account locked)."""

    root: Path
    ca: LocalCA
    users: dict[str, str | None]
    imaps_port: int = 0
    imap_port: int = 0
    capability: str = "+"  # "+" keeps Dovecot's own list; a full list replaces it
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def write_config(self) -> Path:
        if not os.path.exists(DOVECOT):
            raise RuntimeError("Dovecot is not installed: install the Debian package "
                               "dovecot-imapd (scripts/system-deps.sh does it)")
        mail_user, mail_group, internal, login = _owners()
        self.imaps_port = self.imaps_port or free_port()
        self.imap_port = self.imap_port or free_port()
        for sub in ("mail", "rawlog", "home", "run", "state"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(self.root / sub, 0o777)
        os.chmod(self.root, 0o755)
        lines = []
        for user, password in self.users.items():
            if password is None:
                lines.append(f"{user}:{{PLAIN}}locked::::::nologin reason=Account_locked")
            else:
                lines.append(f"{user}:{{PLAIN}}{password}::::::")
            (self.root / "rawlog" / user).mkdir(exist_ok=True)
            os.chmod(self.root / "rawlog" / user, 0o777)
        (self.root / "passwd").write_text("\n".join(lines) + "\n")
        conf = self.root / "dovecot.conf"
        conf.write_text(CONF.format(
            root=self.root, cert=self.ca.cert_file, key=self.ca.key_file, internal=internal,
            internal_group=internal, login=login, mail_user=mail_user, mail_group=mail_group,
            imap=self.imap_port, imaps=self.imaps_port, capability=self.capability))
        return conf

    def start(self) -> None:
        conf = self.write_config()
        self.proc = subprocess.Popen(_tied_to_us([DOVECOT, "-F", "-c", str(conf)]),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(self.imaps_port, self.proc, self.root / "dovecot.log")
        wait_for_port(self.imap_port, self.proc, self.root / "dovecot.log")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    # --- driving the mailboxes over IMAP, as a mail client would -----------------------

    def client(self, user: str) -> IMAPClient:
        password = self.users[user]
        assert password is not None
        c = IMAPClient("127.0.0.1", port=self.imaps_port, ssl=True,
                       ssl_context=self.ca.context(), timeout=20)
        c.login(user, password)
        return c

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user

    def rawlog(self, user: str) -> str:
        """Everything the clients of ``user`` sent after login (``*.in`` files)."""
        folder = self.root / "rawlog" / user
        return "".join(p.read_text(errors="replace") for p in sorted(folder.glob("*.in")))

    def clear_rawlog(self, user: str) -> None:
        for p in (self.root / "rawlog" / user).glob("*"):
            p.unlink()

    def write_maildir(self, user: str, messages: list[bytes], folder: str = "INBOX",
                      received: dt.datetime | None = None) -> None:
        """Drop messages straight into a folder's ``cur/`` (fast seeding; unseen).

        ``received`` becomes the files' mtime, which Dovecot reports as INTERNALDATE."""
        base = self.maildir(user) if folder == "INBOX" else self.maildir(user) / f".{folder}"
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        stamp = int(time.time())
        when = received.timestamp() if received else None
        for i, raw in enumerate(messages):
            path = base / "cur" / f"{stamp}.M{i}P{len(messages)}.dealnudge:2,"
            path.write_bytes(raw)
            if when is not None:
                os.utime(path, (when, when))
        if os.geteuid() == 0:
            uid, gid = pwd.getpwnam(_owners()[0]).pw_uid, pwd.getpwnam(_owners()[0]).pw_gid
            for path in [self.maildir(user), *self.maildir(user).rglob("*")]:
                os.chown(path, uid, gid)


RADICALE_CONF = """\
[server]
hosts = 127.0.0.1:{port}
ssl = True
certificate = {cert}
key = {key}
[auth]
type = htpasswd
htpasswd_filename = {root}/htpasswd
htpasswd_encryption = plain
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = {root}/collections
[logging]
level = warning
"""


@dataclass
class Radicale:
    """A private Radicale (CalDAV, RFC 6578 sync-collection) over TLS."""

    root: Path
    ca: LocalCA
    users: dict[str, str]
    port: int = 0
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> None:
        self.port = self.port or free_port()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "htpasswd").write_text(
            "".join(f"{u}:{p}\n" for u, p in self.users.items()))
        conf = self.root / "radicale.conf"
        conf.write_text(RADICALE_CONF.format(port=self.port, cert=self.ca.cert_file,
                                             key=self.ca.key_file, root=self.root))
        log = self.root / "radicale.log"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                _tied_to_us([sys.executable, "-m", "radicale", "--config", str(conf)]),
                stdout=out, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.proc, log)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def calendar_url(self, user: str) -> str:
        return f"https://127.0.0.1:{self.port}/{user}/calendar/"


def temp_root(prefix: str) -> Path:
    """A world-traversable temporary directory (Dovecot's mail user must reach it)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, 0o755)
    return path


class CuttingProxy:
    """A TCP relay to 127.0.0.1:``upstream`` whose ``cut()`` drops every live connection
    (what a NAT timeout or a server restart does to an IMAP session mid-fetch)."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.live: list[socket.socket] = []
        self.stalled = threading.Event()  # set: bytes are held back (a hung server)
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            with self._lock:
                self.live += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                while self.stalled.is_set():
                    time.sleep(0.02)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            live, self.live = self.live, []
        for s in live:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self.stalled.clear()
        self.listener.close()
        self.cut()
