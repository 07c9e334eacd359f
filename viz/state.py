"""What one browser session shares between the app's views.

Solara's module-level ``solara.reactive`` values are scoped to the session (kernel), so two
people on the same server do not see each other's selection, comparison or replications.
Setting one re-draws the views that read it; a background thread started from a click
inherits the session, so it may set them too.
"""

from __future__ import annotations

import solara

# the facility shown in the Inspector (a facility id), picked from the list or on the map
selected_facility: solara.Reactive[str | None] = solara.reactive(None)
# the running Compare (viz.compare.Comparison) or None
comparison = solara.reactive(None)
# the replications' progress and, once finished, their runs (viz.uncertainty.Replicated)
replicated = solara.reactive(None)
# the job running replications in the background (viz.uncertainty.ReplicationJob) or None
job = solara.reactive(None)


def forget_other_models(model) -> None:
    """After a Reset (a new model): stop the replications, drop results made for the old one."""
    current = job.value
    if current is not None and current.model_ref() is not model:
        current.cancel()
        job.set(None)
    if replicated.value is not None and replicated.value.model_ref() is not model:
        replicated.set(None)
    if comparison.value is not None and not comparison.value.belongs_to(model):
        comparison.set(None)
    chosen = selected_facility.value
    if chosen is not None and chosen not in model.facilities:
        selected_facility.set(None)
# (runs done, runs in all) of the job in progress
progress: solara.Reactive[tuple[int, int]] = solara.reactive((0, 0))
