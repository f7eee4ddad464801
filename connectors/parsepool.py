"""Worker processes that parse local mail files while the syncing process stores pages.

Parsing MIME is CPU work in Python, and the GIL keeps the sync's rep threads on one
core however many there are. A first sync of large local mail folders therefore hands
the files to a few worker processes: each takes a chunk of files (paths, not bytes),
reads and parses them with the same pure function the in-process path uses, and sends
the records back; the rep's thread stores them in file order, so pages, cursors and
stored rows are exactly those of an in-process round.

Bounded: a round keeps at most ``ahead`` chunks in flight, so memory follows a few
hundred parsed messages per rep thread, not the folder. Robust: anything that goes
wrong with the pool itself (a worker killed, the pool shut down, a result that does not
come back) costs only speed — those files are read in process, where one bad file
still only skips that file with its reason. Each worker is a plain
``python -c`` child fed pickled tasks on its stdin, each driven by one thread of the
syncing process: no ``multiprocessing`` start method re-imports the caller's main
script or forks a process that has threads and open database connections. Workers
ignore SIGINT (the syncing process decides when to stop) and leave when their stdin
closes, so a killed syncing process leaves none behind.

Used only where it pays: ``install`` puts a pool in place for the duration of a
``sync_all`` call when the machine has more than one usable core, and the local
connector asks for it only for a mail round with at least ``min_files`` changed
files; the pool's processes start on that first request.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from typing import IO, Any, TypeVar

log = logging.getLogger(__name__)

MIN_FILES = 200  # fewer changed files parse faster in process than workers start
CHUNK_FILES = 50  # files per task: amortises the round trip, keeps results small
T = TypeVar("T")
R = TypeVar("R")


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def default_processes() -> int:
    """One worker per usable core, up to 4; none on a single core (nothing to gain)."""
    cores = usable_cores()
    return min(cores, 4) if cores > 1 else 0


class ParsePool:
    """Worker processes shared by every rep thread of a sync; started on first use."""

    def __init__(self, processes: int, *, min_files: int = MIN_FILES,
                 chunk: int = CHUNK_FILES) -> None:
        if processes < 1:
            raise ValueError("a parse pool needs at least one process")
        self.processes = processes
        self.min_files = min_files
        self.chunk = chunk
        self._lock = threading.Lock()
        self._workers: Workers | None = None
        self._closed = False
        self._failed = False
        self.chunks_parsed = 0  # chunks the workers delivered (not counting in-process reads)

    @property
    def usable(self) -> bool:
        return not self._closed and not self._failed

    def worker_pids(self) -> list[int]:
        workers = self._workers
        return workers.pids() if workers is not None else []

    def _start(self) -> Workers | None:
        with self._lock:
            if not self.usable:
                return None
            if self._workers is None:
                log.info("parsing local mail in %d worker processes", self.processes)
                self._workers = Workers(self.processes)
            return self._workers

    def _give_up(self, err: BaseException) -> None:
        with self._lock:
            if not self._failed and not self._closed:
                log.warning("mail parsing workers failed (%s: %s); parsing in process",
                            type(err).__name__, err)
            self._failed = True

    def ordered(self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T],
                fallback: Callable[[T], R], *, ahead: int | None = None) -> Iterator[R]:
        """``work`` over ``items`` in chunks in the workers, results in item order.

        ``work`` must be picklable (a module-level function or a ``functools.partial``
        of one) and return one result per item. A chunk the pool could not deliver is
        computed with ``fallback`` per item in the caller's thread. Closing the
        iterator early cancels the chunks not yet started.
        """
        pending: deque[tuple[Sequence[T], Future[list[R]] | None]] = deque()
        parts = iter([items[i:i + self.chunk] for i in range(0, len(items), self.chunk)])
        ahead = ahead if ahead is not None else 2 * self.processes

        def submit_next() -> bool:
            part = next(parts, None)
            if part is None:
                return False
            workers = self._start()
            future: Future[list[R]] | None = None
            if workers is not None:
                try:
                    future = workers.submit(work, part)
                except Exception as err:  # noqa: BLE001 - shut down meanwhile: read in process
                    self._give_up(err)
            pending.append((part, future))
            return True

        try:
            while len(pending) < ahead and submit_next():
                pass
            while pending:
                part, future = pending.popleft()
                submit_next()
                results = self._collect(future, len(part))
                if results is None:
                    results = [fallback(item) for item in part]
                yield from results
        finally:
            for _part, future in pending:
                if future is not None:
                    future.cancel()

    def _collect(self, future: Future[list[R]] | None, expected: int) -> list[R] | None:
        if future is None:
            return None
        try:
            results = future.result()
        except Exception as err:  # noqa: BLE001 - a worker died, a result did not pickle …
            self._give_up(err)
            return None
        if not isinstance(results, list) or len(results) != expected:
            self._give_up(WorkerFailed(f"a chunk of {expected} came back as {type(results)}"))
            return None
        with self._lock:
            self.chunks_parsed += 1
        return results

    def close(self) -> None:
        """Stop the workers; chunks not yet started are cancelled (a round still
        running then reads those files in process)."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown()


class WorkerFailed(RuntimeError):
    """A worker process exited, or answered with an error instead of a result."""


_WORKER = "from dealnudge.connectors.parsepool import serve; serve()"
_SIZE = struct.Struct("!Q")
_STOP_SECONDS = 5.0


class Workers:
    """``processes`` worker processes; each is driven by one thread here that sends it
    a task, waits for the answer (without the GIL) and resolves the task's future.
    A worker that dies fails its task and is replaced for the next one."""

    def __init__(self, processes: int) -> None:
        self._tasks: queue.SimpleQueue[tuple[Future[Any], Callable[[Any], Any], Any] | None] = \
            queue.SimpleQueue()
        self._closed = False
        self._processes: dict[int, subprocess.Popen[bytes]] = {}
        self._threads = [threading.Thread(target=self._drive, args=(i,), name=f"parse-worker-{i}",
                                          daemon=True) for i in range(processes)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[[Any], R], arg: Any) -> Future[R]:
        if self._closed:
            raise RuntimeError("the parse workers are shut down")
        future: Future[R] = Future()
        self._tasks.put((future, fn, arg))
        return future

    def shutdown(self) -> None:
        self._closed = True
        while True:  # tasks nobody started: cancelled
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                task[0].cancel()
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()

    def pids(self) -> list[int]:
        return [p.pid for p in list(self._processes.values()) if p.poll() is None]

    def _drive(self, slot: int) -> None:
        process: subprocess.Popen[bytes] | None = None
        try:
            while (task := self._tasks.get()) is not None:
                future, fn, arg = task
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if process is None:
                        process = self._processes[slot] = _start_worker()
                    result = _call(process, fn, arg)
                except BaseException as err:  # noqa: BLE001 - the task's caller decides
                    if process is not None and process.poll() is not None:
                        process = None  # died: the next task gets a new worker
                    future.set_exception(err)
                    continue
                future.set_result(result)
        finally:
            if process is not None:
                _stop_worker(process)


def _start_worker() -> subprocess.Popen[bytes]:
    # a fixed command line: this interpreter, this module
    return subprocess.Popen([sys.executable, "-c", _WORKER],  # noqa: S603
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)


def _stop_worker(process: subprocess.Popen[bytes]) -> None:
    try:
        if process.stdin is not None:
            process.stdin.close()  # the worker's signal to leave
        process.wait(timeout=_STOP_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _call(process: subprocess.Popen[bytes], fn: Callable[[Any], Any], arg: Any) -> Any:
    if process.stdin is None or process.stdout is None:
        raise WorkerFailed("the worker process has no pipes")
    try:
        _send(process.stdin, (fn, arg))
        ok, value = _receive(process.stdout)
    except (OSError, EOFError) as err:
        process.kill()
        process.wait()
        raise WorkerFailed(f"the worker process exited ({process.returncode})") from err
    if not ok:
        raise WorkerFailed(str(value))
    return value


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_SIZE.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_SIZE.size)
    if len(head) < _SIZE.size:
        raise EOFError("no answer")
    (size,) = _SIZE.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("a cut-off answer")
    return pickle.loads(data)  # noqa: S301 - our own pipe to our own child process


def serve() -> None:
    """A worker process: answer pickled ``(function, argument)`` tasks from stdin until
    it closes. Only the syncing process writes there (its own pipe), so unpickling
    its tasks trusts nobody else."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the syncing process's to handle
    tasks = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print() must not corrupt the answers
    while True:
        try:
            fn, arg = _receive(tasks)
        except EOFError:
            return
        try:
            answer: tuple[bool, object] = (True, fn(arg))
        except BaseException as err:  # noqa: BLE001 - reported to the caller, worker goes on
            answer = (False, f"{type(err).__name__}: {err}")
        try:
            _send(answers, answer)
        except Exception as err:  # noqa: BLE001 - pickling failed before anything was written
            _send(answers, (False, f"unpicklable result: {type(err).__name__}: {err}"))


_current: ParsePool | None = None
_current_lock = threading.Lock()


def current() -> ParsePool | None:
    """The pool installed for the running sync, if any and still usable."""
    pool = _current
    return pool if pool is not None and pool.usable else None


@contextmanager
def install(processes: int | None = None, *, min_files: int = MIN_FILES) -> Iterator[ParsePool | None]:
    """A parse pool for the duration of the block (``processes`` None: one per core;
    0: none). A pool already installed stays in place and is used as it is."""
    global _current
    wanted = default_processes() if processes is None else processes
    with _current_lock:
        if _current is not None or wanted < 1:
            outer = True
            pool = _current
        else:
            outer = False
            pool = _current = ParsePool(wanted, min_files=min_files)
    try:
        yield pool
    finally:
        if not outer and pool is not None:
            with _current_lock:
                _current = None
            pool.close()
