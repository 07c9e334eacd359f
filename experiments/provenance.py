"""Where a result came from: package versions, the project's git state, hashes of the inputs.

Every manifest the experiments write carries this record, so a table or a figure can be traced
to the code, the scenario files and the data that made it. Money in every output is in 2024 US
dollars; rouble figures in the scenario data were converted at the Bank of Russia's 2024
average rate (the ``MONEY`` record says so in each manifest).
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "model" / "data"

# Money: DESIGN.md §6 "Money"; the rate is the one the scenario data use (model/chain.py).
MONEY: dict[str, Any] = {
    "currency": "USD",
    "price_year": 2024,
    "rub_per_usd": 92.6,
    "exchange_rate_source": "Bank of Russia, 2024 average official rate",
    "flows": "annualised rates (USD/yr, t/yr): a month's value compares with a year's",
}

PACKAGES = ("mesa", "numpy", "scipy", "pandas", "highspy", "pyarrow", "matplotlib")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(Path(path).read_bytes())


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Installed versions of the packages a run depends on ('not installed' if absent)."""
    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@lru_cache(maxsize=1)
def git_state() -> dict[str, Any]:
    """The project's commit and whether tracked files differ from it; 'unknown' without git."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(PROJECT_ROOT), *args], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": "unknown"}
    return {"commit": commit, "dirty": dirty}


@lru_cache(maxsize=1)
def data_hashes() -> dict[str, str]:
    """sha256 of every data file the model reads besides the scenario (the atlas layers …)."""
    if not DATA_DIR.is_dir():
        return {}
    return {str(p.relative_to(PROJECT_ROOT)): sha256_file(p)
            for p in sorted(DATA_DIR.rglob("*")) if p.is_file()}


def provenance(command: str = "") -> dict[str, Any]:
    """The record every manifest carries: versions, git state, data hashes, the command."""
    return {
        "packages": package_versions(),
        "platform": f"{platform.system()} {platform.machine()}",
        "git": git_state(),
        "data_files_sha256": data_hashes(),
        "command": command,
    }
