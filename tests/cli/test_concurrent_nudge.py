"""Four ``dealnudge nudge`` processes at once on one fresh database (SQLite and
PostgreSQL): all exit 0, no SQL or customer text on stderr, one digest per rep."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dealnudge.demo.team import DEMO_NOW, write_demo_team

EXE = Path(sys.executable).with_name("dealnudge")


def run(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(EXE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_four_concurrent_nudge_runs_all_succeed(store_url: str, tmp_path: Path) -> None:
    config = write_demo_team(tmp_path / "team", now=DEMO_NOW)
    text = config.read_text(encoding="utf-8").replace("sqlite:///dealnudge.db", f'"{store_url}"')
    config.write_text(text, encoding="utf-8")
    now = DEMO_NOW.isoformat()
    sync = subprocess.run([str(EXE), "--config", str(config), "sync", "--now", now],
                          capture_output=True, text=True, timeout=300, check=False)
    assert sync.returncode == 0, sync.stderr
    runs = [run("--config", str(config), "nudge", "--now", now) for _ in range(4)]
    done = [(p.wait(timeout=300), *p.communicate()) for p in runs]
    for code, _, err in done:
        assert code == 0, err
        assert "Traceback" not in err and "IntegrityError" not in err and "INSERT" not in err
    sent = [line for _, _, err in done for line in err.splitlines() if line.endswith(": sent")]
    outbox = list((tmp_path / "team" / "outbox").glob("*.eml"))
    assert sent and len(outbox) == len(sent) == len({line.split(":")[0] for line in sent})


