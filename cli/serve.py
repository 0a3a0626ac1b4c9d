"""``akg serve``: the HTTP API (and pages) on waitress, a production WSGI server.

Also runnable on its own: ``python -m cli.serve --port 8000`` (settings from the environment).
"""

from __future__ import annotations

import logging
import sys

import click
from waitress.server import create_server

from api import CACHE_SIZE, SETTINGS, create_app
from api.queries import query_pool
from api.security import load_tokens
from cli.listening import bind, cannot_listen, serve_until_stopped
from cli.prefork import run_workers
from graph.settings import Settings
from ontology.errors import AkgError

__all__ = ["COMMANDS", "check_port", "run_server", "serve_cmd"]


def check_port(host: str, port: int) -> None:
    """Fail now, in one line, if ``host:port`` cannot be listened on (busy, or not an address of ours).

    Raises:
        click.ClickException: the address cannot be bound.
    """
    bind(host, port).close()


def run_server(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
               cache: bool = True) -> None:
    """Open the store, print the URL, serve until Ctrl+C or SIGTERM, then close the store.

    Raises:
        click.ClickException: the store cannot be opened or the address cannot be listened on
            (one line, no traceback).
    """
    app = create_app({SETTINGS: settings, **({} if cache else {CACHE_SIZE: 0})})
    state = app.extensions["akg"]
    try:
        store = state.store()
    except AkgError as exc:
        raise click.ClickException(exc.message) from None
    with app.app_context():
        pool = query_pool()
    pool.warm()  # researchers' first query need not wait for a worker to start
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="atrocity-kg")
    except OSError as exc:
        state.close()
        raise cannot_listen(host, port, exc) from None
    where = f"http://{host}:{server.effective_port}"  # type: ignore[union-attr]
    mode = "read-write" if state.writable else "read-only"
    click.echo(f"serving {store.backend} store ({mode}) on {where}/api/v1/ (docs: {where}/api/v1/docs)")
    click.echo(f"pages (watch-list, dashboards, explorer, planner, console): {where}/")
    click.echo("press Ctrl+C to stop")
    sys.stdout.flush()
    serve_until_stopped(server, pool.close, state.close, lambda: click.echo("stopped"))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port; the URL printed says which).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Worker threads answering requests.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Read-only worker processes answering on the one address (see docs/scaling.md); "
                   "with API tokens one more process does every write.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Keep answers to repeated GETs until the next write (Ladybug only).")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, threads: int, workers: int, cache: bool) -> None:
    """Serve the API under /api/v1 (docs at /api/v1/docs) until interrupted.

    The store is opened once: writable when API tokens are configured (AKG_API_TOKENS or
    AKG_API_TOKEN_FILE), read-only otherwise. With ``--workers N`` (N > 1) N processes open it
    read-only and answer on the one address; writes go to one more process, the only writer.
    """
    root = ctx.find_root().obj
    settings = root if isinstance(root, Settings) else Settings.from_env()
    if workers > 1:
        try:
            writable = bool(load_tokens(settings.api_tokens, settings.api_token_file))
        except AkgError as exc:
            raise click.ClickException(exc.message) from None
        run_workers(settings, host=host, port=port, threads=threads, cache=cache, workers=workers,
                    writable=writable)
        return
    run_server(settings, host=host, port=port, threads=threads, cache=cache)


COMMANDS = [serve_cmd]

if __name__ == "__main__":
    serve_cmd()
