"""The bench runs end to end on a small data set and its request counts add up."""

from __future__ import annotations

import argparse

from bench.graph_sync import run_bench
from tests.microsoft.world import FakeMicrosoft


def test_bench_counts(fake: FakeMicrosoft) -> None:
    args = argparse.Namespace(messages=45, events=6, page_size=10)
    result = run_bench(fake, args)
    assert result["unchanged_incremental"]["requests"] == 1  # all three deltaLinks in one $batch
    assert result["token_requests"] == 1
    text, mime = result["mail_bodies"]["text_in_delta"], result["mail_bodies"]["mime_via_batch"]
    assert text["requests"] == 2 + 4  # 12 sent + 33 inbox messages in pages of 10
    assert mime["requests"] == text["requests"] + 1 + 2  # plus ceil(12/20) + ceil(33/20) batches
    assert mime["response_bytes"] > text["response_bytes"]
