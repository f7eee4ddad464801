"""Fuzzing the config loader: mutated real configs and generated YAML never escape as a
traceback; every refusal is a list of ``file:line: sentence`` problems.

Each test runs 1,000 inputs (hypothesis, no database of examples needed), each bounded
by a two-second deadline, so a regression to an unbounded walk fails here, not in serve.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dealnudge.config.loader import ConfigError, parse_config
from dealnudge.config.schema import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.config.test_loader import MINIMAL

EXAMPLES = Path(__file__).resolve().parents[2] / "config"
SEEDS = [MINIMAL] + [(EXAMPLES / n).read_text(encoding="utf-8")
                     for n in ("demo.yaml", "google.yaml", "microsoft.yaml", "imap.yaml")]
PATH = Path("/nonexistent-dealnudge-fuzz/dealnudge.yaml")
PROBLEM = re.compile(r"^dealnudge\.yaml:\d+: .+", re.DOTALL)  # a key may start with U+00A0
HOSTILE_TOKENS = [
    "*a", "&a", "&a [*a, *a]", "!!python/object:os.system {}", "!!binary AAAA", "!tag x",
    "[", "]", "{", "}", ": ", "? ", "- ", "|", ">", "'", '"', "#", "%YAML 1.1\n---\n", "---",
    "...", ".inf", "-.inf", ".nan", "1e300", "9" * 60, "-1", "0", "25:00", "8:30:00", "0x7f",
    "0o17", "0b101", "~", "null", "yes", "no", "2026-02-30", "\t", "\x00", "\x1b[31m", "\r\n",
    "\u2028", "${NOPE}", "${HOME}", "<<: *a", "[[[[[[[[", "{a: {b: {c: {d: [1, [2, [3]]]}}}}",
    "/dev/zero", "../../../../etc/passwd", "sqlite:///", "已发送", "\ufeff",
]


def outcome(text: str) -> Config | list[str]:
    try:
        return parse_config(text, PATH)
    except ConfigError as err:
        return err.problems


def run(text: str) -> None:
    result = outcome(text)
    if isinstance(result, Config):
        return
    assert result
    for problem in result:
        assert PROBLEM.match(problem), problem


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True) or [""]
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["token", "drop", "dup", "swap", "bytes", "indent", "value"]))
        if action == "token":
            col = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:col] + draw(st.sampled_from(HOSTILE_TOKENS)) + lines[i][col:]
        elif action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i] * draw(st.integers(1, 3)))
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "bytes":
            col = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:col] + draw(st.text(max_size=8)) + lines[i][col:]
        elif action == "indent":
            lines[i] = " " * draw(st.integers(0, 6)) + lines[i].lstrip()
        elif ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(HOSTILE_TOKENS))}\n"
        text = "".join(lines)
    return text


FAST = settings(max_examples=1000, deadline=dt.timedelta(seconds=2), database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(mutated())
def test_mutated_real_configs_never_escape(text: str) -> None:
    run(text)


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                         st.text(max_size=20), st.sampled_from(HOSTILE_TOKENS))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["organization", "name", "reps", "email", "source", "kind",
                                     "nudges", "send_at", "weekdays", "thresholds", "database",
                                     "internal_domains", "sync", "providers", "imap"]),
                    inner, max_size=4)), max_leaves=30)


def _emit(value: object, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(value, dict):
        return "".join(f"{pad}{k}:\n{_emit(v, indent + 1)}" for k, v in value.items()) or f"{pad}{{}}\n"
    if isinstance(value, list):
        return "".join(f"{pad}-\n{_emit(v, indent + 1)}" for v in value) or f"{pad}[]\n"
    return f"{pad}{value}\n"


@FAST
@given(yaml_values)
def test_generated_documents_never_escape(value: object) -> None:
    run(_emit(value))
