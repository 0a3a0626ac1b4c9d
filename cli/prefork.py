"""``akg serve --workers N``: N read-only worker processes answering on one listening socket.

One Python process runs one Ladybug query at a time, so one server process cannot use more than
about one core for look-ups. With ``--workers N`` the command (the *supervisor*) binds the
address once and forks N workers before anything opens the store; each worker opens the store
read-only (Ladybug lets many read-only processes share a database file), builds its own app and
serves the inherited socket with waitress; the kernel hands each new connection to one of them.

- **Freshness.** Each worker checks the store's stamp before every request, as a single server
  does (:mod:`api.state`): a commit by any process (``akg load``, the writer below) drops that
  worker's response cache and reopens its read-only store, so every worker answers with the new
  data from its next request on.
- **Writes.** When API tokens are configured the supervisor also forks one *writer*, the only
  process that opens the store for writing; it listens on a Unix socket in a private directory
  (mode 0700), and the workers pass every request that could write to it
  (:class:`api.forward.WriteForwarder`). Writes therefore still go through one process and one
  write lock.
- **Shared secrets.** Sign-in cookies are signed with one key (``SECRET_KEY`` from the
  configuration, else random per run and shared by all workers), so a session works whichever
  worker answers. Rate limits (researchers' queries, sign-in attempts) are counted per worker.
- **Researchers' Cypher.** ``AKG_QUERY_WORKERS`` bounds the whole server: each worker keeps
  ``ceil(AKG_QUERY_WORKERS / N)`` query processes.
- **Failures.** A worker that dies is started again (a second later); the supervisor gives up,
  stopping everything, if workers keep dying within seconds of starting. SIGTERM or Ctrl+C stops
  every process and waits for it.

Example:
    >>> share(4, 3), share(1, 8)
    (2, 1)
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import select
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from cli.listening import bind, serve_until_stopped, stop_once
from graph.settings import Settings

__all__ = ["listen", "run_workers", "share"]

RESTART_DELAY_S = 1.0
QUICK_DEATH_S = 10.0
MAX_QUICK_DEATHS = 5
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0


def share(total: int, workers: int) -> int:
    """Each worker's part of a server-wide bound (at least 1)."""
    return max(1, math.ceil(total / max(1, workers)))


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port).

    Raises:
        click.ClickException: the address cannot be bound (one line).
    """
    return bind(host, port, backlog=1024)


def _say(fd: int, line: str) -> None:
    """Tell the supervisor how starting went (it may not be listening: a restarted child)."""
    try:
        os.write(fd, line.encode() + b"\n")
    except OSError:
        pass


@dataclass
class _Plan:
    """What every child needs to know (fixed before the first fork)."""

    settings: Settings
    threads: int
    cache: bool
    sock: socket.socket
    secret: bytes
    writer_socket: str | None
    workers: int


@dataclass
class _Child:
    role: str  # "writer" or "worker"
    started: float = field(default_factory=time.monotonic)


def _serve_child(plan: _Plan, role: str, ready: int) -> int:
    """Body of a forked child: build the app, say ready (or why not) on the pipe ``ready``, serve."""
    signal.signal(signal.SIGTERM, stop_once)
    signal.signal(signal.SIGINT, stop_once)
    from waitress.server import create_server

    from api import CACHE_SIZE, SETTINGS, WRITABLE, create_app
    from api.forward import WriteForwarder
    from api.queries import query_pool
    from ontology.errors import AkgError

    settings = plan.settings.with_overrides(query_workers=share(plan.settings.query_workers, plan.workers))
    writer = role == "writer"
    config: dict[str, Any] = {SETTINGS: settings, "SECRET_KEY": plan.secret, WRITABLE: writer}
    if not plan.cache:
        config[CACHE_SIZE] = 0
    app = create_app(config)
    state = app.extensions["akg"]
    try:
        state.store()
    except AkgError as exc:
        _say(ready, f"{role}: {exc.message}")
        return 1
    pool = None
    if not writer:
        with app.app_context():
            pool = query_pool()
        pool.warm()
    wsgi: Any = app
    if plan.writer_socket is not None and not writer:
        wsgi = WriteForwarder(app, plan.writer_socket, state.settings.api_max_body_bytes)
    if writer:
        assert plan.writer_socket is not None
        plan.sock.close()  # the workers accept the clients' connections, never the writer
        server: Any = create_server(app, unix_socket=plan.writer_socket, unix_socket_perms="600",
                                    threads=plan.threads, ident="atrocity-kg")
    else:
        server = create_server(wsgi, sockets=[plan.sock], threads=plan.threads, ident="atrocity-kg")
    _say(ready, f"{role}: ready")
    os.close(ready)
    serve_until_stopped(server, *([pool.close] if pool is not None else []), state.close)
    return 0


class _Supervisor:
    """Forks the children, starts again the ones that die, stops them all at the end."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.children: dict[int, _Child] = {}
        self.quick_deaths = 0

    def fork(self, role: str) -> tuple[int, int]:
        """Fork one child; returns its pid and our end of its readiness pipe."""
        ours, theirs = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the supervisor's code
            code = 1
            try:
                try:
                    os.close(ours)
                    code = _serve_child(self.plan, role, theirs)
                except BaseException as exc:  # noqa: BLE001 - reported, then the child exits
                    _say(theirs, f"{role}: {type(exc).__name__}: {exc}")
            finally:
                os._exit(code)
        os.close(theirs)
        self.children[pid] = _Child(role)
        return pid, ours

    def start(self, roles: list[str]) -> None:
        """Fork every child and wait until each says it is ready.

        Raises:
            click.ClickException: a child could not open the store (its reason, one line).
        """
        pipes = [self.fork(role)[1] for role in roles]
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            for fd in pipes:
                line = _read_line(fd, deadline)
                if line.endswith(": ready"):
                    continue
                self.stop()
                reason = (line.split(": ", 1)[1] if ": " in line else
                          "a worker process did not start in time" if line == "timeout" else
                          "a worker process exited while starting")
                raise click.ClickException(reason)
        finally:
            for fd in pipes:
                os.close(fd)

    def supervise(self) -> None:
        """Wait for children to die and start them again, until interrupted."""
        while True:
            pid, status = os.wait()
            child = self.children.pop(pid, None)
            if child is None:
                continue
            lived = time.monotonic() - child.started
            self.quick_deaths = self.quick_deaths + 1 if lived < QUICK_DEATH_S else 0
            click.echo(f"{child.role} process {pid} ended ({_how(status)}); starting another", err=True)
            if self.quick_deaths >= MAX_QUICK_DEATHS:
                raise click.ClickException("worker processes keep dying as they start; stopping")
            time.sleep(RESTART_DELAY_S)
            _, fd = self.fork(child.role)
            os.close(fd)

    def stop(self) -> None:
        """SIGTERM every child, wait for them (SIGKILL after a while)."""
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while self.children:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                self.children.pop(pid, None)
                continue
            if time.monotonic() > deadline:
                for pid in self.children:
                    os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + STOP_TIMEOUT_S
            time.sleep(0.05)


def _read_line(fd: int, deadline: float) -> str:
    """One line from a child's readiness pipe; ``"timeout"`` past ``deadline``, ``""`` at its end."""
    data = b""
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return "timeout"
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def run_workers(settings: Settings, *, host: str, port: int, threads: int, cache: bool, workers: int,
                writable: bool, secret: bytes | None = None) -> None:
    """Serve with ``workers`` read-only processes (and one writer when ``writable``) until stopped.

    Raises:
        click.ClickException: the address cannot be listened on, or the store cannot be opened.
    """
    sock = listen(host, port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="akg-writer-") as private:
        os.chmod(private, 0o700)
        plan = _Plan(settings=settings, threads=threads, cache=cache, sock=sock,
                     secret=secret or secrets.token_bytes(32),
                     writer_socket=str(Path(private) / "writer.sock") if writable else None, workers=workers)
        supervisor = _Supervisor(plan)
        previous = signal.signal(signal.SIGTERM, stop_once), signal.signal(signal.SIGINT, stop_once)
        try:
            supervisor.start((["writer"] if writable else []) + ["worker"] * workers)
            where = f"http://{host}:{sock.getsockname()[1]}"
            mode = "read-write" if writable else "read-only"
            click.echo(f"serving {settings.backend} store ({mode}) on {where}/api/v1/ (docs: {where}/api/v1/docs)")
            click.echo(f"{workers} read-only worker processes" + (", 1 writer process" if writable else ""))
            click.echo(f"pages (watch-list, dashboards, explorer, planner, console): {where}/")
            click.echo("press Ctrl+C to stop")
            sys.stdout.flush()
            supervisor.supervise()
        except KeyboardInterrupt:
            pass
        finally:
            supervisor.stop()
            signal.signal(signal.SIGTERM, previous[0])
            signal.signal(signal.SIGINT, previous[1])
            sock.close()
    click.echo("stopped")
