"""What the single-process server (:mod:`cli.serve`) and the pre-forked workers
(:mod:`cli.prefork`) share: binding the address with one-line errors, stopping once on Ctrl+C or
SIGTERM, and serving until stopped with everything closed afterwards.

Example:
    >>> sock = bind("127.0.0.1", 0, backlog=1)  # a server listening there
    >>> port = sock.getsockname()[1]
    >>> bind("127.0.0.1", port)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    click.exceptions.ClickException: cannot listen on 127.0.0.1:...: the port is in use (another server running? ...)
    >>> sock.close()
"""

from __future__ import annotations

import errno
import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

import click

__all__ = ["bind", "cannot_listen", "serve_until_stopped", "stop_once"]


class _Server(Protocol):
    def run(self) -> None: ...
    def close(self) -> None: ...


def cannot_listen(host: str, port: int, exc: OSError) -> click.ClickException:
    """The one-line error for an address that cannot be bound."""
    if exc.errno == errno.EADDRINUSE:
        why = "the port is in use (another server running? stop it or choose another with --port)"
    else:
        why = exc.strerror or str(exc)
    return click.ClickException(f"cannot listen on {host}:{port}: {why}")


def bind(host: str, port: int, *, backlog: int | None = None) -> socket.socket:
    """A TCP socket bound to ``host:port`` (port 0: any free port), listening when ``backlog``
    is given; the caller closes it.

    Raises:
        click.ClickException: the address cannot be resolved or bound (one line).
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
    try:
        sock.bind(address)
        if backlog is not None:
            sock.listen(backlog)
    except OSError as exc:
        sock.close()
        raise cannot_listen(host, port, exc) from None
    return sock


def stop_once(signum: int, frame: FrameType | None) -> None:
    """Signal handler: stop once. Ctrl+C and ``timeout`` signal the whole process group, and a
    supervisor signals its children again; a second signal must not interrupt the shutdown."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def serve_until_stopped(server: _Server, *closers: Callable[[], Any]) -> None:
    """Run ``server`` until Ctrl+C or SIGTERM, then close it and call ``closers`` in order
    (query pool, store), whatever stopped it."""
    signal.signal(signal.SIGTERM, stop_once)
    signal.signal(signal.SIGINT, stop_once)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        for close in closers:
            close()
        sys.stdout.flush()
        sys.stderr.flush()
