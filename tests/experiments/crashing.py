"""Run functions for the pool's failure tests: importable by worker processes."""

import os

from experiments.runner import RunTask, execute_run

KILL_RUN = 3  # this run's worker dies as if killed (out of memory, a segfault)
BAD_RUN = 5  # this run raises inside the model


def kill_one_worker(task: RunTask, bundle):
    if task.run_id == KILL_RUN:
        os._exit(1)
    if task.run_id == BAD_RUN:
        task = RunTask(task.run_id, task.point, task.replication, task.seed,
                       {**task.params, "no_such_parameter": 1}, task.series, task.columns)
    return execute_run(task, bundle)
