"""The situations of docs/method.md, one function each, played by a ``Scene`` for one account.

Expected findings (default thresholds, at the instant the team is generated for):
``healthy``, ``late_follow_up`` → none; ``missing_follow_up`` → missing_follow_up;
``no_next_step`` → no_next_step; ``vague`` → vague_next_step; ``stalled`` →
stalled_deal (and vague_next_step for its old meeting); ``dormant`` → no stall (its
old meeting still lacks a next step); ``going_quiet`` → none (the customer wrote ten
days ago and the rep chased twice since: a stall only once ``stall_after_days`` is
lowered under ten, as ``dealnudge backtest`` shows); ``cancelled`` →
repeated_reschedules (one meeting cancelled, one declined by every customer
attendee); ``slipped`` → slipped_commitment (a dated deliverable whose day passed in
silence; an older promise the customer kept is superseded); ``single_thread`` →
single_threaded (three meetings, one customer person); ``unanswered`` →
unanswered_customer (the latest question; an earlier one was answered); ``shared`` →
missing_follow_up for the second rep only. Replies that would ask a question of their
own are avoided where a play is about something else, so each account shows its one
situation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dealnudge.demo import text as tx
from dealnudge.demo.scenes import Mail, Scene


def _recap(s: Scene, meeting_end: dt.datetime, hours: float, *extra: str,
           reply_to: Mail | None = None) -> Mail:
    sent = s.rep_time(meeting_end, hours)
    return s.write(True, sent, tx.rep_recap(s.rng, s.say(sent)), *extra, subject=s.subject(),
                   reply_to=reply_to)


def _first_contact(s: Scene, days_ago: int) -> None:
    sent = s.at(days_ago, 11, zone=s.account.zone)
    intro = s.write(False, sent, tx.inquiry(s.rng, s.say(sent)), subject=s.subject())
    s.write(True, s.rep_time(intro.sent_at, 4), tx.rep_promise(s.rng, s.say(intro.sent_at)),
            reply_to=intro)


def healthy(s: Scene) -> None:
    rng = s.rng
    _first_contact(s, rng.randint(62, 70))
    m1 = s.meeting(s.at(rng.randint(38, 46), 10), room=rng.random() < 0.5)
    s.write(True, s.rep_time(m1.start, -20), tx.rep_agenda(rng, s.say(m1.start)), subject=s.subject())
    recap = _recap(s, m1.end, 2, tx.rep_promise(rng, s.say(m1.end)))
    m2_start = s.at(rng.randint(22, 28), 14)
    sent = s.customer_time(m1.end, 20)
    reply = s.write(False, sent, tx.praise_customer(rng, s.say(sent)),
                    tx.dated_customer(rng, s.say(sent, m2_start.date())), reply_to=recap)
    m2 = s.meeting(m2_start, by_customer=rng.random() < 0.5, stamp=reply.sent_at)
    m3_start = s.at(rng.randint(4, 8), 10)
    sent = s.rep_time(m2.end, 3)
    recap2 = _recap(s, m2.end, 3, tx.rep_recap_of_customer(rng, s.say(sent, m3_start.date())))
    s.meeting(m3_start, room=True, stamp=recap2.sent_at)
    recap3 = _recap(s, m3_start + dt.timedelta(hours=1), 2)
    m4_start = s.at(-rng.randint(4, 10), 15)
    sent = s.customer_time(recap3.sent_at, 18)
    reply = s.write(False, sent, tx.dated_customer(rng, s.say(sent, m4_start.date())),
                    reply_to=recap3)
    s.meeting(m4_start, stamp=reply.sent_at)


def missing_follow_up(s: Scene) -> None:
    rng = s.rng
    sent = s.at(rng.randint(24, 32), 11, zone=s.account.zone)
    intro = s.write(False, sent, tx.inquiry(rng, s.say(sent)), subject=s.subject())
    s.write(True, s.rep_time(intro.sent_at, 3), tx.rep_promise(rng, s.say(intro.sent_at)),
            reply_to=intro)
    m1 = s.meeting(s.at(rng.randint(2, 5), 15), room=rng.random() < 0.5)
    s.write(True, s.rep_time(m1.start, -22), tx.rep_agenda(rng, s.say(m1.start)), subject=s.subject())
    s.meeting(s.at(-rng.randint(5, 12), 10), by_customer=True, stamp=m1.end)


def late_follow_up(s: Scene) -> None:
    rng = s.rng
    m1 = s.meeting(s.at(rng.randint(9, 14), 14))
    m2_start = s.at(-rng.randint(3, 9), 11)
    sent = s.rep_time(m1.end, rng.randint(56, 80))
    recap = _recap(s, m1.end, (sent - m1.end).total_seconds() / 3600,
                   tx.rep_recap_of_customer(rng, s.say(sent, m2_start.date())))
    sent = s.customer_time(recap.sent_at, 5)
    reply = s.write(False, sent, tx.deadline_customer(rng, s.say(sent)), reply_to=recap)
    s.meeting(m2_start, stamp=reply.sent_at)


def no_next_step(s: Scene) -> None:
    rng = s.rng
    m1 = s.meeting(s.at(rng.randint(5, 12), rng.choice((10, 15))), by_customer=rng.random() < 0.3)
    recap = _recap(s, m1.end, 2, tx.rep_promise(rng, s.say(m1.end)))
    sent = s.customer_time(recap.sent_at, 20)
    s.write(False, sent, tx.praise_customer(rng, s.say(sent)), reply_to=recap)


def vague(s: Scene) -> None:
    rng = s.rng
    m1 = s.meeting(s.at(rng.randint(6, 16), 14), room=rng.random() < 0.5)
    recap = _recap(s, m1.end, 3, tx.rep_promise(rng, s.say(m1.end)))
    sent = s.customer_time(recap.sent_at, 26)
    s.write(False, sent, tx.praise_customer(rng, s.say(sent)), tx.vague_customer(rng, s.say(sent)),
            reply_to=recap)


def stalled(s: Scene) -> None:
    rng = s.rng
    m1 = s.meeting(s.at(rng.randint(33, 40), 10))
    recap = _recap(s, m1.end, 2)
    sent = s.customer_time(recap.sent_at, 20)
    last = s.write(False, sent, tx.vague_customer(rng, s.say(sent)), reply_to=recap)
    for i, days in enumerate((rng.randint(24, 27), rng.randint(14, 18), rng.randint(2, 5))):
        sent = s.at(days, 9 + i * 2, 30)
        last = s.write(True, sent, tx.rep_chaser(rng, s.say(sent)), reply_to=last)
        if i == 1:
            _out_of_office(s, last)
    s.meeting(s.at(-rng.randint(3, 8), 16), answer="NEEDS-ACTION", stamp=s.at(rng.randint(2, 4), 9))


def _out_of_office(s: Scene, to: Mail) -> None:
    back = (to.sent_at + dt.timedelta(days=9)).date()
    prefix, text = tx.ooo_text(s.customer, back)
    mail = s.mail(s.customer, [to.sender], s.customer_time(to.sent_at, 0.05), text,
                  subject=prefix + to.subject, auto_reply=True)
    mail.in_reply_to = to.message_id
    mail.headers = {"Auto-Submitted": "auto-replied"} if s.rng.random() < 0.5 else {
        "X-Autoreply": "yes"}


def dormant(s: Scene) -> None:
    rng = s.rng
    _first_contact(s, rng.randint(63, 72))
    m1 = s.meeting(s.at(rng.randint(50, 56), 15))
    last = _recap(s, m1.end, 4)
    for days in (rng.randint(44, 47), rng.randint(34, 40)):
        sent = s.at(days, 10)
        last = s.write(True, sent, tx.rep_chaser(rng, s.say(sent)), reply_to=last)


def cancelled(s: Scene) -> None:
    rng = s.rng
    sent = s.at(rng.randint(15, 20), 10, zone=s.account.zone)
    intro = s.write(False, sent, tx.inquiry(rng, s.say(sent)), subject=s.subject())
    s.write(True, s.rep_time(intro.sent_at, 2), tx.rep_promise(rng, s.say(intro.sent_at)),
            reply_to=intro)
    start = s.at(rng.randint(2, 6), 14)
    sent = s.customer_time(start, -26)
    note = s.write(False, sent, tx.reschedule(rng, s.say(sent)), tx.vague_customer(rng, s.say(sent)),
                   subject=s.subject())
    s.meeting(start, status="CANCELLED", stamp=note.sent_at)
    s.meeting(s.at(-rng.randint(3, 7), 10), answer="DECLINED", stamp=note.sent_at)
    s.meeting(s.at(rng.randint(1, 3), 16), by_customer=True, rep_answer="DECLINED")


def going_quiet(s: Scene) -> None:
    rng = s.rng
    _first_contact(s, rng.randint(20, 26))
    sent = s.at(10, 10, zone=s.account.zone)
    last = s.write(False, sent, tx.praise_customer(rng, s.say(sent)), subject=s.subject())
    for days in (7, 3):
        sent = s.at(days, 9, 30)
        last = s.write(True, sent, tx.rep_chaser(rng, s.say(sent)), reply_to=last)


def shared(s: Scene) -> None:
    """Two reps in one customer meeting (one UID on both calendars); only the first follows up."""
    rng = s.rng
    m1 = s.meeting(s.at(rng.randint(3, 5), 10), room=True, reps=s.account.reps)
    second = s.account.reps[1].person
    m2_start = s.at(-rng.randint(6, 12), 14)
    sent = s.rep_time(m1.end, 2)
    recap = s.write(True, sent, tx.rep_recap(rng, s.say(sent)), subject=s.subject(), cc=[second])
    sent = s.customer_time(recap.sent_at, 20)
    reply = s.write(False, sent, tx.dated_customer(rng, s.say(sent, m2_start.date())),
                    reply_to=recap, cc=[second])
    s.meeting(m2_start, by_customer=True, reps=s.account.reps, stamp=reply.sent_at)


def slipped(s: Scene) -> None:
    """The customer promised a deliverable by a day, the day passed, nothing since."""
    rng = s.rng
    m1 = s.meeting(s.at(rng.randint(20, 24), 10))
    recap = _recap(s, m1.end, 2)
    kept_day = s.at(rng.randint(14, 16), 10).date()
    sent = s.customer_time(recap.sent_at, 20)
    reply = s.write(False, sent, tx.promise_customer(rng, s.say(sent, kept_day)), reply_to=recap)
    sent = s.customer_time(dt.datetime.combine(kept_day, dt.time(16), tzinfo=s.account.zone), 0)
    kept = s.write(False, sent, tx.promise_customer(rng, s.say(sent, s.at(rng.randint(6, 8), 10)
                                                               .date())), reply_to=reply)
    s.write(True, s.rep_time(kept.sent_at, 3), tx.rep_recap(rng, s.say(kept.sent_at)),
            reply_to=kept)


def single_thread(s: Scene) -> None:
    """Three good meetings, each with a dated next step, but always the same one person."""
    rng = s.rng
    starts = [s.at(rng.randint(22, 25), 10), s.at(rng.randint(13, 16), 14),
              s.at(rng.randint(4, 6), 11), s.at(-rng.randint(4, 8), 15)]
    m1 = s.meeting(starts[0], only_contact=True)
    recap = _recap(s, m1.end, 2)
    sent = s.customer_time(recap.sent_at, 18)
    reply = s.write(False, sent, tx.dated_customer(rng, s.say(sent, starts[1].date())),
                    reply_to=recap)
    m2 = s.meeting(starts[1], by_customer=True, stamp=reply.sent_at, only_contact=True)
    sent = s.rep_time(m2.end, 3)
    recap2 = _recap(s, m2.end, 3, tx.rep_recap_of_customer(rng, s.say(sent, starts[2].date())))
    m3 = s.meeting(starts[2], stamp=recap2.sent_at, only_contact=True)
    recap3 = _recap(s, m3.end, 2)
    sent = s.customer_time(recap3.sent_at, 18)
    reply = s.write(False, sent, tx.dated_customer(rng, s.say(sent, starts[3].date())),
                    reply_to=recap3)
    s.meeting(starts[3], stamp=reply.sent_at, only_contact=True)


def unanswered(s: Scene) -> None:
    """A question answered the same day, then a newer one left waiting for days."""
    rng = s.rng
    sent = s.at(rng.randint(12, 16), 10, zone=s.account.zone)
    first = s.write(False, sent, tx.question_customer(rng, s.say(sent)), subject=s.subject())
    answer = s.write(True, s.rep_time(first.sent_at, 3), tx.rep_recap(rng, s.say(first.sent_at)),
                     reply_to=first)
    sent = s.at(rng.randint(3, 5), 15, zone=s.account.zone)
    s.write(False, max(sent, answer.sent_at + dt.timedelta(days=2)),
            tx.question_customer(rng, s.say(sent)), reply_to=answer)


PLAYS: dict[str, Callable[[Scene], None]] = {
    "healthy": healthy, "missing_follow_up": missing_follow_up, "late_follow_up": late_follow_up,
    "no_next_step": no_next_step, "vague": vague, "stalled": stalled, "dormant": dormant,
    "cancelled": cancelled, "going_quiet": going_quiet, "slipped": slipped,
    "single_thread": single_thread, "unanswered": unanswered,
}
