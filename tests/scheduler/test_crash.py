"""A sender killed with SIGKILL mid-delivery never causes a second digest (at-most-once).

A real subprocess runs ``send_due_nudges`` against the same database and a real SMTP
server that holds its reply. The test kills the subprocess at two moments: after the
server has the whole message (the worst case: delivered but never recorded) and while
the server is still waiting on the envelope. Then it runs the nudges again and counts
what the server received.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from dealnudge.config.schema import SmtpDelivery
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store

from tests.scheduler.factories import SARAH, config, sarah, seed, standard_findings
from tests.scheduler.smtp_server import Handler, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 3, 5, 14, 0, tzinfo=dt.UTC)
SCRIPT = """
import datetime as dt, sys
from pathlib import Path
from dealnudge.config.schema import Config
from dealnudge.scheduler.nudges import send_due_nudges
from dealnudge.store import Store
config = Config.model_validate_json(Path(sys.argv[1]).read_text())
store = Store.open(sys.argv[2])
print([o.status for o in send_due_nudges(config, store, dt.datetime.fromisoformat(sys.argv[3]))])
"""


class HoldAtRcpt(Handler):
    """Receives nothing: the envelope's first recipient waits until the test releases it."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        import asyncio

        self.received.set()
        assert self.hold is not None
        await asyncio.get_running_loop().run_in_executor(None, self.hold.wait)
        envelope.rcpt_tos.append(address)
        return "250 OK"


def spawn(config_file: Path, url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(config_file), url,
                             NOW.isoformat()], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("moment", ["after_data", "during_envelope"])
def test_kill_9_mid_send_never_sends_twice(store: Store, store_url: str, tmp_path: Path,
                                           moment: str) -> None:
    cfg = config(tmp_path, reps=[sarah()])
    seed(store, standard_findings(SARAH), NOW, cfg)
    handler = (Handler if moment == "after_data" else HoldAtRcpt)(hold=threading.Event())
    with smtp_server(handler) as port:
        cfg = cfg.model_copy(update={"nudges": cfg.nudges.model_copy(update={
            "delivery": SmtpDelivery(kind="smtp", host="127.0.0.1", port=port, starttls=False,
                                     timeout_seconds=30)})})
        config_file = tmp_path / "config.json"
        config_file.write_text(cfg.model_dump_json())
        child = spawn(config_file, store_url)
        try:
            assert handler.received.wait(60), child.stderr.read() if child.stderr else ""
            claim = store.nudge(SARAH, NOW.date(), "digest")
            assert claim is not None and claim.status == "sending"  # claimed BEFORE delivery
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(30) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
            handler.hold.set()  # type: ignore[union-attr]
        delivered = len(handler.messages)
        assert delivered == (1 if moment == "after_data" else 0)

        again = spawn(config_file, store_url)  # a fresh process, as the next `nudge` run
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err.decode()
        assert out.decode().strip() == "['skipped_already_sent']"
        [inline] = send_due_nudges(cfg, store, NOW + dt.timedelta(hours=1))
        assert inline.status == "skipped_already_sent"
    assert len(handler.messages) == delivered  # never a second copy
    record = store.nudge(SARAH, NOW.date(), "digest")
    assert record is not None and record.status == "sending"  # left for the admin to see
