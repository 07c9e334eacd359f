"""Uncertainty: N replications of the current settings in the background, shown as bands.

A click on "run replications" starts a :class:`ReplicationJob` on a thread of its own: it runs
the current controls (and the Compare counterfactual, if one is on) on N seeds derived from the
running model's seed (``model.replications``), to the current date or to the horizon, and
reports each finished run to a progress bar. The page stays live meanwhile — Step and Play work
on the main model. When all runs are done the plots draw the median and the 5–95% band across
them. Cancel, a Reset or a new job stop it (the runs check a cancel flag every month).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from model import SiberiaModel
from model.replications import Cancelled, replication_seeds, run_replications
from viz import state
from viz.compare import current_arm

DEFAULT_REPLICATIONS = 8
TARGETS = ("current date", "horizon")


@dataclass(eq=False)
class Replicated:
    """Finished replications for one model: runs by arm role ("A" current, "B" counterfactual)."""

    model_ref: weakref.ref
    runs: dict[str, list[pd.DataFrame]]
    months: int
    b_label: str | None = None

    @property
    def n(self) -> int:
        return len(self.runs["A"])


class ReplicationJob:
    """Replications of the current settings on a background thread (see the module doc)."""

    def __init__(self, model: SiberiaModel, n: int, months: int, comparison=None):
        self.model_ref = weakref.ref(model)
        self.arms = [current_arm(model)]
        if comparison is not None:
            self.arms.append(comparison.b)
        self.seeds = replication_seeds(model.run_seed, n)
        self.months = months
        self.message = ""
        self._cancel = threading.Event()
        self.thread = threading.Thread(target=self._run, name="siberia-replications",
                                       daemon=True)

    def start(self) -> ReplicationJob:
        state.progress.set((0, len(self.arms) * len(self.seeds)))
        self.thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _mine(self) -> bool:
        return state.job.value is self and not self.cancelled

    def _progress(self, done: int, total: int) -> None:
        if self._mine():
            state.progress.set((done, total))

    def _run(self) -> None:
        try:
            out = run_replications(self.arms, self.seeds, self.months, self._progress,
                                   self._cancel)
        except Cancelled:
            return
        except Exception as e:  # shown on the page; the main model is unaffected
            self.message = f"replications failed: {e}"
            if state.job.value is self:
                state.progress.set((0, 0))  # re-draw: the view shows the message
            return
        if not self._mine():
            return
        runs = {"A": out[self.arms[0].label]}
        b_label = None
        if len(self.arms) > 1:
            runs["B"], b_label = out[self.arms[1].label], self.arms[1].label
        state.replicated.set(Replicated(self.model_ref, runs, self.months, b_label))
        state.job.set(None)


def target_months(model: SiberiaModel, target: str) -> int:
    return model.calendar.month_index if target == "current date" else model.horizon_months


@solara.component
def UncertaintyView(model: SiberiaModel):
    """N (a control), run to the current date or the horizon, a progress bar, cancel."""
    update_counter.get()
    n, set_n = solara.use_state(DEFAULT_REPLICATIONS)
    target, set_target = solara.use_state(TARGETS[0])
    job = state.job.value
    done, total = state.progress.value
    result = state.replicated.value
    months = target_months(model, target)

    def start():
        if state.job.value is not None:
            state.job.value.cancel()
        state.replicated.set(None)
        state.job.set(ReplicationJob(model, n, months, state.comparison.value))
        state.job.value.start()

    def cancel():
        if state.job.value is not None:
            state.job.value.cancel()
            state.job.set(None)

    with solara.Card("Uncertainty: replications on other seeds", style={"width": "100%"}):
        solara.SliderInt(label=f"replications N = {n}", value=n, on_value=set_n, min=2, max=32)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text("run to")
            solara.ToggleButtonsSingle(value=target, values=list(TARGETS), on_value=set_target)
        with solara.Row():
            solara.Button(f"run {n} replications", on_click=start, color="primary",
                          disabled=months < 1)
            solara.Button("cancel", on_click=cancel, disabled=job is None)
        if months < 1:
            solara.Text("step the model first, or run to the horizon")
        if job is not None and job.message:
            solara.Error(job.message)
        elif job is not None:
            solara.ProgressLinear(value=100.0 * done / max(total, 1))
            solara.HTML(tag="div", unsafe_innerHTML=f"running: {done} of {total} runs",
                        attributes={"id": "siberia-replication-progress"})
        elif result is not None:
            solara.ProgressLinear(value=100.0)
            arms = " (both arms of the comparison)" if result.b_label else ""
            solara.HTML(tag="div", unsafe_innerHTML=(
                f"done: {result.n} runs{arms} to month {result.months}; "
                "the plots show the median and the 5–95% band"),
                attributes={"id": "siberia-replication-progress"})
