"""Local connector behaviour beyond the conformance suite: layouts, incrementality, bad files."""

from __future__ import annotations

import datetime as dt
import mailbox
import os
import shutil
from pathlib import Path

import pytest
from dealnudge.config.schema import Config
from dealnudge.connectors.base import AdminError, ConnectorContext, CursorExpired
from dealnudge.connectors.local import (
    CALENDAR,
    MAIL,
    LocalConnector,
    _fingerprint,
    _is_mail_file,
    create,
    list_mail_files,
)

from tests.conformance import drain, event, message
from tests.local.world import NOW, ics_text, mime_bytes

FIXTURES = Path(__file__).parent.parent / "fixtures" / "local"
REP = "rep@northwind.example"


def connector(tmp_path: Path, *, mail: Path | None = None, calendar: Path | None = None,
              aliases: tuple[str, ...] = (), now: dt.datetime = NOW,
              progress: list[tuple[str, int, int | None]] | None = None) -> LocalConnector:
    source: dict[str, object] = {"kind": "local"}
    if mail is not None:
        source["mail"] = str(mail)
    if calendar is not None:
        source["calendar"] = str(calendar)
    config = Config.model_validate({
        "organization": {"name": "Northwind", "internal_domains": ["northwind.example"]},
        "reps": [{"email": REP, "timezone": "Asia/Shanghai", "aliases": list(aliases),
                  "source": source}]})
    seen = progress if progress is not None else []
    ctx = ConnectorContext(now=now, progress=lambda s, d, t: seen.append((s, d, t)))
    return create(config.reps[0], config, ctx)


def eml_dir(tmp_path: Path, count: int) -> Path:
    root = tmp_path / "eml"
    (root / "2026" / "03").mkdir(parents=True)
    for i in range(count):
        (root / "2026" / "03" / f"m{i}.eml").write_bytes(mime_bytes(message(i, world_rep=REP)))
    return root


def test_directory_of_eml_files_with_fixture_quirks(tmp_path: Path) -> None:
    root = tmp_path / "mail"
    shutil.copytree(FIXTURES / "mail", root)
    got = drain(connector(tmp_path, mail=root), MAIL, None)
    ids = {m.source_id for m in got.messages}
    assert "gbk_body.eml" in ids and "auto/subject_ooo.eml" in ids
    assert sorted(s.split(": ", 1)[0] for s in got.pages[-1].skipped) == sorted(
        str(root / "bad" / n) for n in ("no_date.eml", "no_from.eml"))
    assert len(got.messages) == len(list(root.rglob("*.eml"))) - 2


def test_malformed_file_is_skipped_with_its_reason_and_not_fatal(tmp_path: Path) -> None:
    root = eml_dir(tmp_path, 2)
    (root / "broken.eml").write_bytes(b"\x00\x01 not mail at all")
    got = drain(connector(tmp_path, mail=root), MAIL, None)  # the pipeline logs each skip once
    assert len(got.messages) == 2
    skipped = [s for p in got.pages for s in p.skipped]
    assert skipped == [f"{root / 'broken.eml'}: no From address"]


def test_maildir_folders_flags_and_sent_by_alias(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "md", create=True)
    box.add(mime_bytes(message(1, world_rep=REP)))
    sent_box = box.add_folder("Sent")
    spec = message(2, "sent", world_rep="rep.alias@northwind.example")
    sent_box.add(mime_bytes(spec))
    box.add_folder("Trash").add(mime_bytes(message(3, world_rep=REP)))
    conn = connector(tmp_path, mail=tmp_path / "md", aliases=("rep.alias@northwind.example",))
    first = drain(conn, MAIL, None)
    assert {m.subject: m.folder for m in first.messages} == {
        "Pilot plan 1 / 试用计划": "inbox", "Pilot plan 2 / 试用计划": "sent"}
    for path in (tmp_path / "md").glob("**/new/*"):  # read by the mail program: renamed only
        path.rename(path.parent.parent / "cur" / f"{path.name}:2,S")
    read_before = conn.files_read
    again = drain(conn, MAIL, first.cursor)
    assert again.messages == [] and again.deleted == []
    assert conn.files_read == read_before


def test_mbox_file_incremental_append_and_delete(tmp_path: Path) -> None:
    path = tmp_path / "mail.mbox"
    box = mailbox.mbox(path)
    for i in range(3):
        box.add(mime_bytes(message(i, world_rep=REP)))
    box.flush()
    conn = connector(tmp_path, mail=path)
    first = drain(conn, MAIL, None)
    assert len(first.messages) == 3 and all(m.source_id.startswith("mbox:") for m in first.messages)
    box.add(mime_bytes(message(3, world_rep=REP)))
    box.flush()
    second = drain(conn, MAIL, first.cursor)
    assert [m.subject for m in second.messages] == ["Pilot plan 3 / 试用计划"]
    assert second.deleted == []
    victim = next(k for k, m in box.items() if "Pilot plan 0" in str(m["subject"]))
    box.remove(victim)
    box.flush()
    box.close()
    third = drain(conn, MAIL, second.cursor)
    gone = next(m.source_id for m in first.messages if m.subject.startswith("Pilot plan 0"))
    assert third.deleted == [gone]


def test_incremental_reads_only_new_or_changed_files(tmp_path: Path) -> None:
    root = eml_dir(tmp_path, 5)
    conn = connector(tmp_path, mail=root)
    first = drain(conn, MAIL, None)
    assert conn.files_read == 5
    (root / "new.eml").write_bytes(mime_bytes(message(7, world_rep=REP)))
    changed = root / "2026" / "03" / "m1.eml"
    changed.write_bytes(mime_bytes(message(1, world_rep=REP, body="edited body")))
    os.utime(changed, ns=(1, 1))  # size alone may not change: mtime does
    (root / "2026" / "03" / "m2.eml").unlink()
    again = drain(conn, MAIL, first.cursor)
    assert conn.files_read == 7
    assert sorted(m.source_id for m in again.messages) == ["2026/03/m1.eml", "new.eml"]
    assert again.deleted == ["2026/03/m2.eml"]
    assert not again.pages[0].full and first.pages[0].full


def test_pages_are_bounded_and_progress_is_reported(tmp_path: Path) -> None:
    root = eml_dir(tmp_path, 7)
    progress: list[tuple[str, int, int | None]] = []
    conn = connector(tmp_path, mail=root, progress=progress)
    conn.page_size = 3
    got = drain(conn, MAIL, None)
    assert [len(p.messages) for p in got.pages] == [3, 3, 1]
    assert [p.complete for p in got.pages] == [False, False, True]
    assert progress[-1] == ("mail", 7, 7) and len(progress) == 7


def test_calendar_change_deletes_vanished_instances(tmp_path: Path) -> None:
    cal = tmp_path / "calendar.ics"
    spec = event(1, REP)
    weekly = ics_text(spec).replace("SUMMARY:", "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:")
    cal.write_text(weekly, encoding="utf-8")
    conn = connector(tmp_path, calendar=cal)
    first = drain(conn, CALENDAR, None)
    assert len(first.events) == 3 and all("/" in e.source_id for e in first.events)
    cal.write_text(weekly.replace("COUNT=3", "COUNT=2"), encoding="utf-8")
    again = drain(conn, CALENDAR, first.cursor)
    assert len(again.events) == 2
    assert again.deleted == [max(e.source_id for e in first.events)]


def test_calendar_window_and_broken_files(tmp_path: Path) -> None:
    root = tmp_path / "cal"
    root.mkdir()
    for name in ("recurring.ics", "one_bad_event.ics", "not_a_calendar.ics", "zones.ics"):
        shutil.copy(FIXTURES / "ics" / name, root / name)
    got = drain(connector(tmp_path, calendar=root), CALENDAR, None)
    uids = {e.uid for e in got.events}
    assert "good@northwind.example" in uids and "outside@northwind.example" not in uids
    assert all(e.source_id.startswith(e.source_id.split("#")[0] + "#") for e in got.events)
    skipped = got.pages[-1].skipped
    assert len(skipped) == 4  # the unreadable file and three bad VEVENTs
    assert any(s.startswith(str(root / "not_a_calendar.ics")) for s in skipped)


def test_calendar_window_growth_rereads_files_once(tmp_path: Path) -> None:
    cal = tmp_path / "calendar.ics"
    far = event(1, REP)
    far_start = NOW + dt.timedelta(days=65)
    cal.write_text(ics_text(far.__class__(**{**far.__dict__, "start": far_start,
                                             "end": far_start + dt.timedelta(hours=1)})))
    conn = connector(tmp_path, calendar=cal)
    first = drain(conn, CALENDAR, None)
    assert first.events == []
    later = connector(tmp_path, calendar=cal, now=NOW + dt.timedelta(days=10))
    second = drain(later, CALENDAR, first.cursor)
    assert [e.start for e in second.events] == [far_start]
    third = drain(later, CALENDAR, second.cursor)
    assert third.events == [] and later.files_read == 1


def test_unreadable_or_foreign_cursor_expires(tmp_path: Path) -> None:
    root = eml_dir(tmp_path, 1)
    conn = connector(tmp_path, mail=root)
    cursor = drain(conn, MAIL, None).cursor
    assert cursor is not None
    for bad in ("garbage", "1.!!!", "2." + cursor.split(".", 1)[1]):
        with pytest.raises(CursorExpired):
            list(conn.sync(MAIL, bad))
    cal = tmp_path / "c.ics"
    cal.write_text(ics_text(event(1, REP)))
    with pytest.raises(CursorExpired):  # a mail cursor handed to the calendar stream
        list(connector(tmp_path, calendar=cal).sync(CALENDAR, cursor))


def test_vanished_directory_contents_are_suspicious_not_deleted(tmp_path: Path) -> None:
    root = eml_dir(tmp_path, 2)
    conn = connector(tmp_path, mail=root)
    cursor = drain(conn, MAIL, None).cursor
    for path in root.rglob("*.eml"):
        path.unlink()
    with pytest.raises(AdminError, match="empty"):
        list(conn.sync(MAIL, cursor))
    with pytest.raises(AdminError, match="does not exist"):
        list(connector(tmp_path, mail=tmp_path / "missing").sync(MAIL, None))


def test_eml_listing_matches_the_pathlib_definition(tmp_path: Path) -> None:
    """The scandir listing finds exactly the files ``_is_mail_file`` accepts, in
    ``sorted(rglob)`` order, with the same keys and fingerprints."""
    root = tmp_path / "mail"
    head = b"From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n"
    files = {"b.eml": head, "a/z.eml": head, "a/b/1": head, "a/b/2": b"not mail",
             "a/b/10": head, "A.EML": head, "c.msg": b"x", "notes.txt": head, "x.7": head,
             ".hidden.eml": head, ".trash/t.eml": head, "a/.cache/q.eml": head,
             "a-b/c.eml": head, "a b/c.eml": head, "é/ü.eml": head, "From_line": b"From x\n"}
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "a" / "dir.eml").mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "o.eml").write_bytes(head)
    os.symlink(outside, root / "linked")  # rglob does not follow linked folders
    os.symlink(outside / "o.eml", root / "link.eml")  # a linked file is listed
    os.symlink(tmp_path / "missing.eml", root / "dangling.eml")
    expected = [(p.relative_to(root).as_posix(), p, _fingerprint(p))
                for p in sorted(root.rglob("*")) if _is_mail_file(p, root)]
    got = [(f.key, f.path, f.fingerprint) for f in list_mail_files(root, "emldir")]
    assert got == expected
    assert len(got) == 12
