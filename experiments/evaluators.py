"""Where runs execute, behind one small interface (EMA Workbench's ``evaluators``, our way).

An evaluator's :meth:`imap` takes run tasks and the scenario's content and yields one
:class:`RunOutcome` per task as runs finish, in any order. It keeps only a bounded number of
runs in flight (twice the workers), so memory stays flat however many runs a sweep has.

- :class:`SerialEvaluator`: in this process, one run after another (``--workers 0``).
- :class:`LocalPoolEvaluator`: a ``concurrent.futures.ProcessPoolExecutor`` (``--workers N``).
  A worker process that dies (killed, out of memory, a crash in native code) breaks the whole
  pool and every run in flight raises ``BrokenProcessPool``. Those runs are not lost and do not
  take the pending ones down: a fresh pool starts, and the runs that were in flight become
  *suspects*, re-run one at a time. A suspect that breaks the pool again while it runs alone is
  the culprit: it is recorded as failed ("worker process died") and the sweep goes on.
- :class:`DaskEvaluator`: tasks on a ``dask.distributed`` cluster (``--scheduler ADDRESS``, or
  ``--cluster local`` for a ``LocalCluster``). The scenario's content is scattered to the
  workers once (remote workers lack the user's files); Dask itself re-runs the tasks of a lost
  worker, and a task that loses workers too often (``KilledWorker``) is recorded as failed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from experiments.runner import RunOutcome, RunTask, execute_run
from experiments.scenario_bundle import ScenarioBundle
from model.errors import UserInputError

RunFn = Callable[[RunTask, ScenarioBundle], RunOutcome]


class Evaluator:
    """Base: a context manager that runs tasks and yields outcomes as they finish."""

    description = "evaluator"

    def imap(self, tasks: Iterable[RunTask], bundle: ScenarioBundle) -> Iterator[RunOutcome]:
        raise NotImplementedError

    def close(self) -> None:
        """Release workers; runs still in flight are abandoned (a resumed sweep redoes them)."""

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SerialEvaluator(Evaluator):
    def __init__(self, fn: RunFn = execute_run):
        self.fn = fn
        self.description = "serial (this process)"

    def imap(self, tasks: Iterable[RunTask], bundle: ScenarioBundle) -> Iterator[RunOutcome]:
        for task in tasks:
            yield self.fn(task, bundle)


def _worker_init(parent_pid: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides, the workers carry on
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.name == "posix":
        threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()


def _exit_with_parent(parent_pid: int) -> None:
    """A pool worker whose parent was SIGKILLed would wait forever on its task queue (it holds
    both ends of the pipe): leave when the parent is gone."""
    while True:
        time.sleep(1.0)
        if not _alive(parent_pid):
            os._exit(1)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, killed but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (macOS …): ask the kernel
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process took the id: ours is gone
        return False
    return True


def _context() -> multiprocessing.context.BaseContext:
    # A forkserver forks clean workers (the parent has threads: progress bar); spawn elsewhere.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["experiments.runner"])
        return ctx
    return multiprocessing.get_context("spawn")


class LocalPoolEvaluator(Evaluator):
    """A process pool on this machine that survives the death of a worker (see module doc)."""

    def __init__(self, workers: int, fn: RunFn = execute_run):
        self.workers, self.fn = workers, fn
        self.description = f"local process pool ({workers} worker{'s' if workers != 1 else ''})"
        self.pools_started = 0
        self._pool: ProcessPoolExecutor | None = None
        self._busy = False  # runs in flight (imap not finished)

    def _new_pool(self) -> ProcessPoolExecutor:
        self._shutdown()  # a broken pool: its processes are dead or dying
        self.pools_started += 1
        self._pool = ProcessPoolExecutor(self.workers, mp_context=_context(),
                                         initializer=_worker_init, initargs=(os.getpid(),))
        return self._pool

    def _shutdown(self) -> None:
        if self._pool is not None:
            if self._busy:  # interrupted or broken: abandon the runs in flight, don't wait
                for p in list((getattr(self._pool, "_processes", None) or {}).values()):
                    p.terminate()
            self._pool.shutdown(wait=not self._busy, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        self._shutdown()

    def _submit(self, task: RunTask, bundle: ScenarioBundle) -> Future:
        try:
            return self._pool.submit(self.fn, task, bundle)
        except BrokenProcessPool:  # a worker died while idle
            return self._new_pool().submit(self.fn, task, bundle)

    def imap(self, tasks: Iterable[RunTask], bundle: ScenarioBundle) -> Iterator[RunOutcome]:
        pending = iter(tasks)
        suspects: deque[RunTask] = deque()  # in flight when a worker died: re-run one at a time
        in_flight: dict[Future, RunTask] = {}
        window = 2 * self.workers
        self._busy = True
        if self._pool is None:  # one pool for every imap of this evaluator, until it breaks
            self._new_pool()
        while True:
            alone = bool(suspects)  # invariant: nothing is in flight while suspects wait
            if alone:
                task = suspects.popleft()
                in_flight[self._submit(task, bundle)] = task
            else:
                while len(in_flight) < window and (task := next(pending, None)) is not None:
                    in_flight[self._submit(task, bundle)] = task
            if not in_flight:
                self._busy = False
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken, outcomes = False, []
            for fut in done:
                task = in_flight.pop(fut)
                try:
                    outcomes.append(fut.result())
                except BrokenProcessPool:
                    broken = True
                    if alone:
                        outcomes.append(RunOutcome(
                            task.run_id, False, error="worker process died while running it "
                            "alone (killed, out of memory, or a crash in native code)"))
                    else:
                        suspects.append(task)
                except Exception as e:  # e.g. a result that cannot be pickled
                    outcomes.append(RunOutcome(task.run_id, False,
                                               error=f"{type(e).__name__}: {e}".splitlines()[0]))
            if broken:
                suspects.extend(in_flight.values())  # every run in flight died with the pool
                in_flight.clear()
                self._new_pool()
            yield from outcomes


class DaskEvaluator(Evaluator):
    """Runs as tasks on a Dask distributed cluster; the scenario ships as content."""

    def __init__(self, client, cluster=None, fn: RunFn = execute_run):
        self.client, self.cluster, self.fn = client, cluster, fn
        where = "local Dask cluster" if cluster is not None else f"Dask scheduler {client.scheduler.address}"
        self.description = f"{where} ({self._threads()} worker threads)"

    def _threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def imap(self, tasks: Iterable[RunTask], bundle: ScenarioBundle) -> Iterator[RunOutcome]:
        from distributed import as_completed

        shipped = self.client.scatter(bundle, broadcast=True)
        session = uuid.uuid4().hex[:8]
        pending = iter(tasks)
        by_key: dict[str, RunTask] = {}
        done_iter = as_completed()
        window, checked = 2 * self._threads(), time.monotonic()

        def submit(n: int) -> None:
            for _ in range(n):
                task = next(pending, None)
                if task is None:
                    return
                fut = self.client.submit(self.fn, task, shipped, pure=False,
                                         key=f"siberia-run-{session}-{task.run_id}")
                by_key[fut.key] = task
                done_iter.add(fut)

        submit(window)
        for fut in done_iter:
            task = by_key.pop(fut.key)
            try:
                outcome = fut.result()
            except Exception as e:  # KilledWorker, a worker that cannot import the project …
                outcome = RunOutcome(task.run_id, False, error=f"lost on the Dask cluster: "
                                     f"{type(e).__name__}: {e}".splitlines()[0])
            fut.release()
            if time.monotonic() - checked > 5.0:  # the cluster may have grown or shrunk
                window, checked = 2 * self._threads(), time.monotonic()
            submit(max(0, window - len(by_key)))
            yield outcome

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def dask_evaluator(scheduler: str | None = None, local_workers: int | None = None) -> DaskEvaluator:
    """Connect to a Dask scheduler, or start a LocalCluster of ``local_workers`` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UserInputError("Dask is not installed; install the sweep extra: "
                             "pip install 'siberia-abm[sweep]'") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except Exception as e:  # OSError, TimeoutError, ValueError for a malformed address
            raise UserInputError(f"cannot connect to the Dask scheduler at {scheduler}: "
                                 f"{type(e).__name__}: {e}".splitlines()[0]) from None
        return DaskEvaluator(client)
    cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return DaskEvaluator(Client(cluster), cluster)
