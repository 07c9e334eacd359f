"""Start the Solara app on 127.0.0.1 (``siberia app``, ``make run``), with no telemetry."""

from __future__ import annotations

import os
import socket
import sys

from model.errors import UserInputError


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def app_env() -> dict[str, str]:
    """Environment for the server: nothing may leave 127.0.0.1."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env.setdefault("SOLARA_THEME_VARIANT", "light")
    return env


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Run the app in this process until interrupted; prints the address first."""
    if not (0 <= port <= 65535):
        raise UserInputError(f"--port must be 0 to 65535, got {port}")
    if port == 0:
        port = free_port(host)
    else:
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                raise UserInputError(f"port {port} on {host} is in use; choose another with "
                                     f"--port N (0 = any free port)") from None
    print(f"Siberia app: http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    args = solara_command(host, port)
    os.execvpe(args[0], args, app_env())


def solara_command(host: str, port: int) -> list[str]:
    """``solara run`` for our page; ``--no-check-version`` stops its call to the package index."""
    return [sys.executable, "-m", "solara", "run", "viz.app", "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version", "--log-level", "warning"]
