"""IMAP mail behaviour beyond the conformance suite, against the real Dovecot."""

from __future__ import annotations

import re
import socket
import threading
from email.header import Header
from pathlib import Path

import pytest
from dealnudge.connectors.base import AdminError, CursorExpired, Stream, TransientError
from dealnudge.connectors.imap.cursor import FolderCursor

from tests.conformance import drain, message
from tests.imap.conftest import ImapWorld, mime
from tests.imap.servers import CuttingProxy, Dovecot, LocalCA, Radicale

INBOX, SENT = Stream("mail:inbox", "mail"), Stream("mail:sent", "mail")
COMMAND = re.compile(r"^\d+\.\d+ \S+ ((?:UID )?[A-Z]+)", re.MULTILINE)


def commands(world: ImapWorld) -> list[str]:
    return COMMAND.findall(world.dovecot.rawlog(world.rep_email))


def test_sync_is_read_only_flags_and_commands(world: ImapWorld) -> None:
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(5)])
    with world.imap() as c:  # one message the rep has already read
        c.select_folder("INBOX")
        c.add_flags([min(c.search("ALL"))], [b"\\Seen"])
    before = world.flags()
    world.dovecot.clear_rawlog(world.rep_email)
    conn = world.connector()
    first = drain(conn, INBOX, None)
    assert len(first.messages) == 5
    conn.close()
    assert world.flags() == before
    sent = commands(world)
    assert "EXAMINE" in sent and "UID FETCH" in sent
    assert not {"SELECT", "STORE", "UID STORE", "EXPUNGE", "APPEND", "COPY", "MOVE"} & set(sent)
    assert "BODY.PEEK[]" in world.dovecot.rawlog(world.rep_email)


def test_unchanged_incremental_is_one_command_per_folder(world: ImapWorld) -> None:
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(4)]
                       + [message(9, "sent", world.rep_email)])
    conn = world.connector()
    cursors = {s: drain(conn, s, None).cursor for s in (INBOX, SENT)}
    conn.close()
    with world.imap() as c:  # the rep reads mail: HIGHESTMODSEQ moves, nothing else
        c.select_folder("INBOX")
        c.add_flags(c.search("ALL"), [b"\\Seen"])
    world.dovecot.clear_rawlog(world.rep_email)
    conn = world.connector()
    for stream in (INBOX, SENT):
        again = drain(conn, stream, cursors[stream])
        assert again.messages == [] and again.deleted == []
    conn.close()
    assert [c for c in commands(world) if c != "LOGOUT"] == ["EXAMINE", "EXAMINE"]


def test_chinese_sent_folder_without_special_use_and_gbk(dovecot: Dovecot, radicale: Radicale,
                                                         ca: LocalCA) -> None:
    world = ImapWorld(dovecot, radicale, ca, sent_name="已发送")
    try:
        with world.imap() as c:
            flags = {n: f for f, _, n in c.list_folders()}
        assert b"\\Sent" not in flags["已发送"]
        spec = message(1, "sent", world.rep_email, body="王总您好，我们周四下午三点见。")
        world.add_message(spec, charset="gbk")
        raw = (b"From: =?GBK?B?" + __import__("base64").b64encode("张伟".encode("gbk"))
               + b"?= <zhang@acme.example>\r\nTo: " + world.rep_email.encode()
               + b"\r\nSubject: " + Header("报价单确认", "gb2312").encode().encode()
               + b"\r\nDate: Mon, 02 Mar 2026 10:00:00 +0800\r\nMessage-ID: <gbk1@acme.example>"
               b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=gb2312"
               b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               + "我们下周三安排王总一起讨论。".encode("gbk") + b"\r\n")
        world.append("INBOX", raw)
        conn = world.connector()
        sent = drain(conn, SENT, None).messages
        inbox = drain(conn, INBOX, None).messages
        assert [m.folder for m in sent] == ["sent"]
        assert "王总您好" in sent[0].body_text
        assert inbox[0].subject == "报价单确认" and inbox[0].sender.name == "张伟"
        assert "我们下周三安排王总一起讨论" in inbox[0].body_text
        assert FolderCursor.loads(drain(conn, SENT, None).cursor or "").folder == "已发送"
    finally:
        world.close()


def test_extra_folder_stream(world: ImapWorld) -> None:
    with world.imap() as c:
        c.create_folder("客户/Acme")
    spec = message(3, "inbox", world.rep_email)
    world.append("客户/Acme", mime(spec), spec.sent_at)
    conn = world.connector(folders=["客户/Acme"])
    names = [s.name for s in conn.streams()]
    assert names == ["mail:inbox", "mail:sent", "mail:客户/Acme", "calendar"]
    got = drain(conn, Stream("mail:客户/Acme", "mail"), None).messages
    assert [m.subject for m in got] == [spec.subject] and got[0].folder == "other"


def test_deleted_message_is_reported_once(world: ImapWorld) -> None:
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(3)])
    conn = world.connector()
    first = drain(conn, INBOX, None)
    world.delete_message("m1")
    later = drain(conn, INBOX, first.cursor)
    gone = next(m.source_id for m in first.messages if m.subject.startswith("Pilot plan 1 "))
    assert later.deleted == [gone] and later.messages == []
    assert drain(conn, INBOX, later.cursor).deleted == []


def test_duplicate_copies_are_one_record_until_the_last_goes(world: ImapWorld) -> None:
    spec = message(5, "inbox", world.rep_email)
    world.add_message(message(6, "inbox", world.rep_email))
    world.append("INBOX", mime(spec), spec.sent_at)
    world.append("INBOX", mime(spec), spec.sent_at)
    conn = world.connector()
    first = drain(conn, INBOX, None)
    assert len(first.messages) == 2
    copy = next(m.source_id for m in first.messages if m.subject == spec.subject)
    with world.imap() as c:
        c.select_folder("INBOX")
        c.delete_messages([max(c.search("ALL"))])
        c.expunge()
    later = drain(conn, INBOX, first.cursor)
    assert later.deleted == []  # one copy is still there
    world.delete_message("m5")
    last = drain(conn, INBOX, later.cursor)
    assert last.deleted == [copy]
    world.delete_message("m6")  # the folder is now empty: suspicious, nothing is deleted
    assert drain(conn, INBOX, last.cursor).deleted == []


def test_uidvalidity_change_resync_keeps_source_ids(world: ImapWorld) -> None:
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(3)])
    conn = world.connector()
    first = drain(conn, INBOX, None)
    world.expire_cursor(INBOX)
    with pytest.raises(CursorExpired):
        drain(conn, INBOX, first.cursor)
    again = drain(conn, INBOX, None)
    assert sorted(m.source_id for m in again.messages) == sorted(
        m.source_id for m in first.messages)


def test_renamed_sent_folder_is_found_again(world: ImapWorld) -> None:
    world.add_message(message(1, "sent", world.rep_email))
    conn = world.connector()
    first = drain(conn, SENT, None)
    with world.imap() as c:
        c.rename_folder("Sent", "Sent Items")
    world.append("Sent Items", mime(message(2, "sent", world.rep_email)))
    conn = world.connector()
    try:
        later = drain(conn, SENT, first.cursor)
    except CursorExpired:  # servers that give a renamed folder a new UIDVALIDITY
        later = drain(conn, SENT, None)
    ids = {m.source_id for m in first.messages}
    assert [m.subject for m in later.messages if m.source_id not in ids] == [
        "Pilot plan 2 / 试用计划"]
    assert FolderCursor.loads(later.cursor or "").folder == "Sent Items"


def test_wrong_password_is_admin_error_for_that_rep_only(dovecot: Dovecot, radicale: Radicale,
                                                          ca: LocalCA) -> None:
    good = ImapWorld(dovecot, radicale, ca)
    bad = ImapWorld(dovecot, radicale, ca, password="not-the-password")
    try:
        good.add_message(message(1, "inbox", good.rep_email))
        with pytest.raises(AdminError) as err:
            drain(bad.connector(), INBOX, None)
        assert "not-the-password" not in str(err.value)
        assert len(drain(good.connector(), INBOX, None).messages) == 1
    finally:
        good.close()
        bad.close()


def test_password_file_and_missing_password(world: ImapWorld, tmp_path: Path) -> None:
    secret = tmp_path / "imap-password"
    secret.write_text(world.password + "\n")
    assert drain(world.connector(password=None, password_file=str(secret)), INBOX, None).pages
    with pytest.raises(AdminError, match="password"):
        world.connector(password=None)


def test_locked_account_is_admin_error(world: ImapWorld) -> None:
    conn = world.connector(username="locked@northwind.example")
    with pytest.raises(AdminError, match="refused the login"):
        drain(conn, INBOX, None)


def test_connection_drop_mid_fetch_resumes_from_saved_cursor(world: ImapWorld) -> None:
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(8)])
    proxy = CuttingProxy(world.dovecot.imaps_port)
    world.extra = {"port": proxy.port}
    conn = world.connector()
    pages = conn.sync(INBOX, None)
    first = next(pages)
    assert first.cursor is not None and not first.complete
    proxy.cut()
    with pytest.raises(TransientError):
        list(pages)
    rest = drain(world.connector(), INBOX, first.cursor)
    proxy.close()
    ids = [m.source_id for m in first.messages + rest.messages]
    assert len(ids) == len(set(ids)) == 8
    assert all(p.full for p in rest.pages)


def test_hung_server_times_out_as_transient(world: ImapWorld) -> None:
    world.add_messages([message(i, "inbox", world.rep_email) for i in range(4)])
    proxy = CuttingProxy(world.dovecot.imaps_port)
    world.extra = {"port": proxy.port, "timeout_seconds": 0.5}
    conn = world.connector()
    pages = conn.sync(INBOX, None)
    first = next(pages)
    proxy.stalled.set()
    with pytest.raises(TransientError, match=r"timed out|TimeoutError"):
        list(pages)
    proxy.close()
    rest = drain(world.connector(), INBOX, first.cursor)
    assert len(first.messages) + len(rest.messages) == 4


def test_missing_sent_folder_is_noted_then_read_once_created(world: ImapWorld) -> None:
    with world.imap() as c:
        c.delete_folder("Sent")
    conn = world.connector()
    first = drain(conn, SENT, None)
    assert first.messages == [] and "source.sent_folder" in first.pages[-1].skipped[0]
    with world.imap() as c:
        c.create_folder("Sent Messages")
    world.append("Sent Messages", mime(message(4, "sent", world.rep_email)))
    later = drain(conn, SENT, first.cursor)
    assert [m.folder for m in later.messages] == ["sent"] and later.pages[0].full


def test_starttls_on_plain_port_and_untrusted_certificate(world: ImapWorld,
                                                           tmp_path: Path) -> None:
    world.add_message(message(1, "inbox", world.rep_email))
    world.extra = {"port": world.dovecot.imap_port, "starttls": True}
    assert len(drain(world.connector(), INBOX, None).messages) == 1
    other = LocalCA.create(tmp_path)  # a CA that did not sign the server's certificate
    world.extra = {"ca_bundle": other.ca_file}
    with pytest.raises(AdminError, match="certificate"):
        drain(world.connector(), INBOX, None)


def test_plaintext_login_is_refused_without_starttls(world: ImapWorld) -> None:
    """A server that offers no STARTTLS never receives the password."""
    received: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        sock, _ = listener.accept()
        sock.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] plain only\r\n")
        sock.settimeout(2)
        try:
            while chunk := sock.recv(4096):
                received.append(chunk)
                tag = chunk.split(b" ", 1)[0]
                if b"CAPABILITY" in chunk:
                    sock.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
                else:
                    sock.sendall(tag + b" OK done\r\n")
        except OSError:
            pass
        sock.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    world.extra = {"port": port, "starttls": True}
    with pytest.raises(AdminError, match="STARTTLS"):
        drain(world.connector(), INBOX, None)
    thread.join(5)
    listener.close()
    assert world.password.encode() not in b"".join(received)


def test_connection_limit_per_server(world: ImapWorld) -> None:
    # "localhost" (also on the certificate) gives this test its own host:port limit
    world.extra = {"host": "localhost", "max_connections": 1, "timeout_seconds": 0.25}
    one, two = world.connector(), world.connector()
    pages = one.sync(INBOX, None)
    next(pages)  # one is mid-round and holds the only slot
    with pytest.raises(TransientError, match="busy"):
        drain(two, INBOX, None)
    list(pages)  # the round ends: the slot is free again
    assert drain(two, INBOX, None).pages
    assert drain(one, SENT, None).pages
