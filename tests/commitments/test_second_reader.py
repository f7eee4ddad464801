"""The learned second reader: what it adds to the rules, and what it must leave alone.

Each positive below is a shape of real organisers' and customers' mail that the rules do
not read as a step (``read_by_rules`` finds no dated customer or joint day) and the
second reader does, so these tests fail if the reader is switched off or its weights go
stale. The negatives are shapes the rules rule out on purpose; the reader must not
take them back.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dealnudge.analyzer import second_reader
from dealnudge.analyzer.commitments import (
    Author,
    Commitment,
    Reading,
    extract_commitments,
    open_to_reader,
    read_by_rules,
)

from tests.commitments.realworld import dated_customer_days

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def _days(found: list[Commitment]) -> dt.date | None:
    days = dated_customer_days(found)
    return min(days) if days else None


@pytest.mark.parametrize(("author", "text", "day"), [
    ("seller", "The new meeting time is Thursday, March 12th at 7:00pm.", "2026-03-12"),
    ("seller", "Next meeting 19 Mar", "2026-03-19"),
    ("seller", "Another work day coming up March 14.", "2026-03-14"),
    ("seller", "Hey, that's tonight!", "2026-03-02"),
    ("seller", "I have put together an agenda for our meeting this Friday.", "2026-03-06"),
    ("seller", "10 to 10:30 on Wednesday next week.", "2026-03-11"),
    ("customer", "Adds the steering meeting agenda for 12 March 2026.", "2026-03-12"),
    ("customer", "Our procurement committee convenes on March 18 to approve the order.",
     "2026-03-18"),
])
def test_the_reader_finds_what_the_rules_miss(author: Author, text: str, day: str) -> None:
    by_rules, _ = read_by_rules(text, sent_at=MONDAY, author=author)
    assert _days(by_rules) is None  # the reader's to find, not the rules'
    found = extract_commitments(text, sent_at=MONDAY, author=author)
    assert _days(found) == dt.date.fromisoformat(day)
    step = next(c for c in found if c.due is not None)
    assert step.actor == ("customer" if author == "customer" else "joint")
    assert not step.vague and step.text == text.strip() and step.by == "second reader"


@pytest.mark.parametrize(("author", "text"), [
    # the rep's own promises stay the rep's, though the reader may weigh the rep's days
    ("seller", "I'll send the revised quote by Friday."),
    ("seller", "I will call you tomorrow at 10 to walk through the numbers."),
    ("customer", "The contract ends on March 31."),  # a period ending
    ("seller", "Your Team plan renews on March 14 at $480."),  # or renewing
    ("seller", "We wish the outstanding payment to be made by 30 March 2026."),  # a wish
    ("customer", "Thanks for the call on Tuesday."),  # a look back
    ("seller", "Does Thursday at 3pm work for you?"),  # a question
    ("customer", "By Friday do you mean tomorrow 3/6 or\nnext week?"),  # one, wrapped
    ("customer", "I'm in the office on Friday."),  # being somewhere
    ("customer", "Monday is a holiday here, sorry."),  # a holiday
    ("seller", "Hoping for a kickoff on May 4."),  # a hope
    ("customer", "Please send the revised quote by Friday."),  # a request to the seller
    ("seller", "Subject: Planning meeting March 12\n\nSorry, I can't make it this time."),
    # the quote is never the writer's own text, for the reader either
    ("customer", ("Got it, thanks.\n\nOn Mon, Mar 2, 2026 at 8:00 AM, Ann Lee <ann@example.org> "
                  "wrote:\n> Another work day coming up March 14.\n")),
])
def test_the_reader_leaves_what_the_rules_rule_out(author: Author, text: str) -> None:
    assert _days(extract_commitments(text, sent_at=MONDAY, author=author)) is None


def test_the_reader_speaks_only_when_the_rules_found_no_dated_customer_step() -> None:
    text = "Board review is set for next Tuesday. Next meeting 19 Mar"
    found = extract_commitments(text, sent_at=MONDAY, author="customer")
    assert [c.due for c in found if c.due is not None] == [dt.date(2026, 3, 10)]


def test_an_undecided_numeric_date_stays_undated() -> None:
    # "04/03" from a sender whose zone, language and mail do not say which order they write
    utc = MONDAY.replace(tzinfo=dt.UTC)
    assert _days(extract_commitments("Next meeting 04/03", sent_at=utc, author="seller")) is None
    # the same words from a US zone read month first, from a European one day first
    assert _days(extract_commitments("Next meeting 04/03", sent_at=MONDAY, author="seller")) \
        == dt.date(2026, 4, 3)
    paris = MONDAY.replace(tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert _days(extract_commitments("Next meeting 04/03", sent_at=paris, author="seller")) \
        == dt.date(2026, 3, 4)


def test_gated_sentences_are_not_open_to_the_reader() -> None:
    reading = Reading(["Thanks for the call on Tuesday.", "Next meeting 19 Mar",
                       "The contract ends on March 31."], MONDAY.date(), "md", None)
    assert open_to_reader(reading) == ["Next meeting 19 Mar"]
    # the subject line is the rules' alone: a reply declining it leaves the reader nothing
    declining = Reading(["Planning meeting March 12", "Sorry, I can't make it."], MONDAY.date(),
                        "md", "Planning meeting March 12")
    assert open_to_reader(declining) == []


def test_the_weights_file_is_a_trained_model() -> None:
    raw = json.loads(second_reader.MODEL_FILE.read_text(encoding="utf-8"))
    assert "dev split" in raw["about"]
    assert 0 < raw["threshold"] < 1
    assert len(raw["weights"]) > 1000
    model = second_reader.model()
    # words that mark a meeting ahead weigh for a step, looking back weighs against it
    assert model.weights["w:meeting"] > 0
    assert model.probability(["author=seller", "w:next", "w:meeting", "w:next_meeting"]) > \
        model.probability(["author=seller", "w:last", "w:meeting", "w:last_meeting"])


def test_the_weights_were_trained_on_todays_dev_split_and_rules() -> None:
    """The reader learns from the days and sentences the rules leave it on dev: when dev or
    the rules' reading of it changes, the weights are stale. Retrain with
    ``.venv/bin/python -m bench.train_second_reader --write`` (the ``bench`` extra)."""
    from bench.train_second_reader import dev_mails, fingerprint

    raw = json.loads(second_reader.MODEL_FILE.read_text(encoding="utf-8"))
    assert raw["trained_on"] == fingerprint(dev_mails()), \
        "analyzer/second_reader.json is stale: run python -m bench.train_second_reader --write"



def test_an_extreme_score_is_a_probability_not_an_overflow() -> None:
    """A long sentence of many distinct, heavily weighted words must not stop the mail:
    exp() overflows past a logit of about 709."""
    model = second_reader.Model(0.0, 0.5, {"w:a": -400.0, "w:b": -400.0, "w:c": 900.0})
    assert model.probability(["w:a", "w:b"]) == pytest.approx(0.0, abs=1e-20)
    assert model.probability(["w:c"]) == pytest.approx(1.0)
