"""``threats`` (the seed's claim 2, backups away from threats): paired replications with and
without ``backups_allowed`` on the same seeds; per run the cumulative disruption losses, output
lost, backup cost; across replications the mean, P95 and P99 of losses, and the backup cost
against the loss it avoided (paired differences).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model import SiberiaModel
from model.errors import UserInputError


@dataclass(frozen=True)
class ThreatStudy:
    scenario: str = "high_threat"
    seeds: int = 8
    years: int = 12
    seed: int = 0


def _run(scenario: str, seed: int, years: int, **params) -> dict[str, float]:
    m = SiberiaModel(scenario, rng=seed, horizon_years=years, **params)
    while m.running:
        m.step()
    df = m.datacollector.get_model_vars_dataframe()
    t = m.threats
    return {"loss_usd": float(t.cumulative_loss_usd),
            "output_lost_usd": float(df["output_lost_usd"].sum() / 12.0),
            "backup_cost_usd": float(t.backup_capex_usd + t.backup_upkeep_usd),
            "backups": float(len(t.backups())), "events": float(t.events),
            "siberia_processing_share_end": float(df["siberia_processing_share"].iloc[-12:].mean())}


def threat_table(study: ThreatStudy) -> pd.DataFrame:
    """One row per seed and arm (backups allowed or not)."""
    seeds = np.random.SeedSequence(study.seed).generate_state(study.seeds, dtype=np.uint32)
    rows = []
    for s in seeds:
        for allowed in (True, False):
            r = _run(study.scenario, int(s), study.years, backups_allowed=allowed)
            rows.append({"seed": int(s), "backups_allowed": allowed, **r})
    return pd.DataFrame(rows)


def threat_report(table: pd.DataFrame, study: ThreatStudy) -> str:
    on = table[table.backups_allowed].set_index("seed")
    off = table[~table.backups_allowed].set_index("seed")
    avoided = (off["output_lost_usd"] - on["output_lost_usd"])
    cost = on["backup_cost_usd"]
    q = lambda s, p: float(np.percentile(s, p)) / 1e9  # noqa: E731
    lines = [
        f"# Threats, losses and backups — scenario `{study.scenario}`, {study.seeds} paired "
        f"seeds, {study.years} years",
        "",
        "Each seed runs twice, with and without backups, on the same per-facility event streams "
        "(common random numbers). Money in 2024 USD bn over the horizon.",
        "",
        "| | backups allowed | no backups |",
        "|---|---|---|",
        f"| disruption losses, mean | {on['loss_usd'].mean() / 1e9:.2f} | "
        f"{off['loss_usd'].mean() / 1e9:.2f} |",
        f"| disruption losses, P95 | {q(on['loss_usd'], 95):.2f} | {q(off['loss_usd'], 95):.2f} |",
        f"| disruption losses, P99 | {q(on['loss_usd'], 99):.2f} | {q(off['loss_usd'], 99):.2f} |",
        f"| output lost, mean | {on['output_lost_usd'].mean() / 1e9:.2f} | "
        f"{off['output_lost_usd'].mean() / 1e9:.2f} |",
        f"| backups built, mean | {on['backups'].mean():.1f} | 0 |",
        f"| hits, mean | {on['events'].mean():.1f} | {off['events'].mean():.1f} |",
        "",
        f"Backup cost (capital + upkeep), mean: **{cost.mean() / 1e9:.3f}** bn; output loss "
        f"avoided by backups (paired), mean: **{avoided.mean() / 1e9:.3f}** bn "
        f"(min {avoided.min() / 1e9:.3f}, max {avoided.max() / 1e9:.3f}). "
        + ("Backups cost more than the loss they avoid over this horizon."
           if cost.mean() > avoided.mean() else
           "Backups avoid more loss than they cost over this horizon."),
        "",
        "P95 and P99 over so few replications are rough; raise `--seeds` for the tails.",
    ]
    return "\n".join(lines) + "\n"


def run_threat_study(out: Path, study: ThreatStudy) -> Path:
    """Write ``report.md`` and ``runs.csv`` to ``out`` (all or nothing)."""
    out = Path(out)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise UserInputError(f"output folder's parent is missing or not writable: {parent}")
    if study.seeds < 2:
        raise UserInputError(f"--seeds must be at least 2 for percentiles, got {study.seeds}")
    table = threat_table(study)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        table.to_csv(staging / "runs.csv", index=False)
        (staging / "report.md").write_text(threat_report(table, study))
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return out




def run_threat_options(out: Path, opts) -> Path:
    """The threats study with the command line's options (:class:`StudyOptions`)."""
    return run_threat_study(out, ThreatStudy(opts.scenario, opts.seeds, opts.years, opts.seed))
