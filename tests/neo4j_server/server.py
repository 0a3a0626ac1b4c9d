"""The project's own Neo4j test server: Neo4j Community 5.26 LTS, embedded in one JVM with Bolt.

``python tests/neo4j_server/server.py start`` resolves Neo4j with Maven (``pom.xml``) into
``.cache/m2``, compiles ``Launcher.java`` with javac, starts it on 127.0.0.1 (a free port,
authentication on, a generated password) in a fresh ``run/home``, waits until Bolt accepts the
password, and writes ``run/state.json`` (URI, user, password, pid, the database id). ``stop``
stops it. ``run -- CMD…`` starts one (or reuses a running one), runs CMD with ``NEO4J_URI``,
``NEO4J_USERNAME``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` set, and stops what it started.
Without java or mvn, ``run`` prints why and runs CMD without a server (the Neo4j tests skip);
with ``CI=true`` a server that cannot start is an error. ``AKG_NEO4J_HEAP`` sets the JVM's
heap (default ``1g``; a one-transaction load of a million rows needs several GiB) and
``AKG_NEO4J_JAVA_OPTS`` adds JVM options (``-XX:TieredStopAtLevel=1``, C1 only, took a third
less of the server's CPU over 59 short Neo4j tests, but a whole suite with it was not faster:
its Neo4j-heavy tests ran longer, so ``make test`` keeps the JVM's default).
Transactions
get memory limits from the heap (:func:`transaction_limits`): one transaction at most a quarter
of it, all together at most half (``AKG_NEO4J_TX_MAX_MB`` overrides the first), so a
researcher's query that builds a huge list fails with a memory error in seconds instead of
pushing the JVM into endless garbage collection or out of memory.

The state file is also the wipe guard's reference: :func:`owns` says whether a URI and a
database id are this server's, and the test fixtures wipe nothing else.

``run --servers N -- CMD…`` starts N servers at once (instances 0 … N-1, each with its own
``run/`` folder: ``run``, ``run-1``, …), and sets ``AKG_NEO4J_SERVERS=N`` for CMD; the test suite
gives pytest-xdist worker ``gwK`` instance ``K mod N`` (``AKG_NEO4J_INSTANCE``, read by every
function here), so each worker wipes and fills a database no other worker uses.

Example:
    >>> free_port() > 1024
    True
    >>> owns("neo4j://127.0.0.1:1", "x", None)
    False
    >>> run_dir(0).name, run_dir(2).name
    ('run', 'run-2')
    >>> transaction_limits("1g"), transaction_limits("6G"), transaction_limits("768m")
    ((256, 512), (1536, 3072), (192, 384))
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
CLASSPATH = CACHE / "classpath.txt"
CLASSES = CACHE / "classes"
DATABASE = "neo4j"
USER = "neo4j"
START_TIMEOUT_S = 180.0


class Unavailable(RuntimeError):
    """Neo4j cannot be started here (missing tool, failed resolution, failed start)."""


def instance() -> int:
    """This process's server instance: ``AKG_NEO4J_INSTANCE`` (0 when unset)."""
    return int(os.environ.get("AKG_NEO4J_INSTANCE") or 0)


def run_dir(number: int | None = None) -> Path:
    """The folder of a server instance (home, log, state): ``run`` for 0, ``run-N`` for N."""
    number = instance() if number is None else number
    return HERE / ("run" if number == 0 else f"run-{number}")


def state_file(number: int | None = None) -> Path:
    """The state file of a server instance (this process's by default)."""
    return run_dir(number) / "state.json"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_state(number: int | None = None) -> dict[str, Any] | None:
    """The running server's state (this process's instance by default), or None when none was
    started (or it has died)."""
    try:
        state: dict[str, Any] = json.loads(state_file(number).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if _is_launcher(int(state.get("pid", 0)), number) else None


def owns(uri: str, database_id: str, state: dict[str, Any] | None) -> bool:
    """True when ``uri`` and ``database_id`` are those of the server this script started."""
    return state is not None and state.get("uri") == uri and state.get("database_id") == database_id


def _is_launcher(pid: int, number: int | None = None) -> bool:
    """True when ``pid`` is a live JVM running the instance's Launcher (not a reused pid)."""
    if pid <= 0:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"Launcher" in cmdline and str(run_dir(number) / "home").encode() in cmdline


def heap_mb(heap: str) -> int:
    """Megabytes of a JVM heap size (``512m``, ``1g``; a bare number counts bytes, as for ``-Xmx``)."""
    text = heap.strip().lower()
    scale = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}.get(text[-1:], 1 / 2**20)
    number = text[:-1] if text[-1:] in "kmgt" else text
    return int(float(number) * scale)


def transaction_limits(heap: str) -> tuple[int, int]:
    """(one transaction, all transactions) memory limits in MB for a JVM heap of ``heap``."""
    total = heap_mb(heap)
    return total // 4, total // 2


def java_options() -> list[str]:
    """Extra JVM options: ``AKG_NEO4J_JAVA_OPTS`` (split on spaces)."""
    return os.environ.get("AKG_NEO4J_JAVA_OPTS", "").split()


def gc_options() -> list[str]:
    """The garbage collector: the serial one unless ``AKG_NEO4J_JAVA_OPTS`` chooses another."""
    if any(o.startswith("-XX:+Use") and o.endswith("GC") for o in java_options()):
        return []
    return ["-XX:+UseSerialGC"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise Unavailable(f"{name} not found on PATH (Neo4j needs Java 17+ and Maven)")
    return path


def _resolve() -> str:
    """The Neo4j class path, resolved by Maven into .cache/m2 once (again when pom.xml changes)."""
    pom = HERE / "pom.xml"
    if not CLASSPATH.is_file() or CLASSPATH.stat().st_mtime < pom.stat().st_mtime:
        CACHE.mkdir(exist_ok=True)
        print("resolving Neo4j with Maven (first run: about 160 MB into tests/neo4j_server/.cache)",
              file=sys.stderr, flush=True)
        # the real path: a cache linked from another checkout must not record this checkout's path
        proc = subprocess.run(
            [_tool("mvn"), "-q", "-B", "-f", str(pom), f"-Dmaven.repo.local={CACHE.resolve() / 'm2'}",
             "dependency:build-classpath", f"-Dmdep.outputFile={CLASSPATH}"],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode != 0 or not CLASSPATH.is_file():
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
            raise Unavailable("Maven could not resolve Neo4j: " + " | ".join(tail))
    return CLASSPATH.read_text(encoding="utf-8").strip()


def _compile(classpath: str) -> Path:
    """The directory of the compiled launcher, one per version of its source (checkouts that
    share the cache never run each other's launcher)."""
    source = HERE / "Launcher.java"
    classes = CLASSES / hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    if (classes / "Launcher.class").is_file():
        return classes
    building = classes.with_name(f"{classes.name}.{os.getpid()}")
    building.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([_tool("javac"), "-cp", classpath, "-d", str(building), str(source)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        shutil.rmtree(building, ignore_errors=True)
        raise Unavailable("javac could not compile Launcher.java: " + proc.stderr.strip())
    try:
        building.rename(classes)
    except OSError:  # another checkout built the same source meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return classes


def _answers(uri: str, password: str) -> str:
    """The server's agent string once Bolt accepts the password."""
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=(USER, password)) as driver:
        driver.verify_connectivity()
        return str(driver.get_server_info().agent)


def start(number: int | None = None) -> dict[str, Any]:
    """Start a server instance (this process's by default), or return the running one's state."""
    number = instance() if number is None else number
    running = read_state(number)
    if running is not None:
        return running
    java = _tool("java")
    classpath = _resolve()
    classes = _compile(classpath)
    folder, state_path = run_dir(number), state_file(number)
    log_path = folder / "neo4j.log"
    home = folder / "home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    state_path.unlink(missing_ok=True)
    port, password = free_port(), secrets.token_urlsafe(18)
    heap = os.environ.get("AKG_NEO4J_HEAP", "1g")
    one, total = transaction_limits(heap)
    one = int(os.environ.get("AKG_NEO4J_TX_MAX_MB") or one)
    env = {**os.environ, "AKG_NEO4J_INIT_PASSWORD": password, "AKG_NEO4J_TX_MAX_MB": str(one),
           "AKG_NEO4J_TX_TOTAL_MB": str(max(total, one))}
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(  # noqa: S603 - fixed program, arguments built here
            [java, "-Xms256m", f"-Xmx{heap}", *gc_options(), *java_options(),
             "-cp", f"{classes}:{classpath}",
             "Launcher", str(home), str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    database_id = ""
    while not database_id:
        if proc.poll() is not None:
            raise Unavailable(f"Neo4j exited with {proc.returncode} while starting: {_log_tail(log_path)}")
        if time.monotonic() > deadline:
            _terminate(proc.pid, number)
            raise Unavailable(f"Neo4j did not answer within {START_TIMEOUT_S:.0f} s: {_log_tail(log_path)}")
        ready = [ln for ln in log_path.read_text(encoding="utf-8").splitlines() if ln.startswith("READY ")]
        database_id = ready[0].split()[1] if ready else ""
        time.sleep(0.2)
    uri = f"neo4j://127.0.0.1:{port}"
    try:
        agent = _answers(uri, password)
    except Exception as exc:  # noqa: BLE001 - any failure here means the server is unusable
        _terminate(proc.pid, number)
        raise Unavailable(f"Neo4j started but does not answer on {uri}: {exc}") from None
    state = {"uri": uri, "username": USER, "password": password, "database": DATABASE,
             "pid": proc.pid, "database_id": database_id, "agent": agent}
    state_path.touch(mode=0o600)
    state_path.write_text(json.dumps(state, indent=2), encoding="utf-8")
    return state


def _log_tail(log_path: Path) -> str:
    try:
        lines = log_path.read_text(encoding="utf-8").strip().splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(lines[-5:]) or "(empty log)"


def _terminate(pid: int, number: int | None) -> None:
    if not _is_launcher(pid, number):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while _is_launcher(pid, number) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _is_launcher(pid, number):
        os.kill(pid, signal.SIGKILL)


def stop(number: int | None = None) -> bool:
    """Stop a server instance this script started (this process's by default); False when none
    was running."""
    number = instance() if number is None else number
    try:
        state = json.loads(state_file(number).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    _terminate(int(state.get("pid", 0)), number)
    state_file(number).unlink(missing_ok=True)
    shutil.rmtree(run_dir(number) / "home", ignore_errors=True)
    return True


def environment(state: dict[str, Any]) -> dict[str, str]:
    """The variables that point atrocity-kg (and the test suite) at the server."""
    return {"NEO4J_URI": state["uri"], "NEO4J_USERNAME": state["username"],
            "NEO4J_PASSWORD": state["password"], "NEO4J_DATABASE": state["database"]}


def start_all(count: int) -> list[dict[str, Any]]:
    """Start instances 0 … count-1 at once (Maven and javac run first, once); on any failure,
    stop the ones this call started and raise :class:`Unavailable`."""
    classes = _compile(_resolve())
    del classes  # compiled before the threads, so that none of them builds it
    already = [read_state(n) is not None for n in range(count)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(start, n) for n in range(count)]
        errors = [f.exception() for f in futures]
    failed = [e for e in errors if e is not None]
    if failed:
        for n in range(count):
            if not already[n]:
                stop(n)
        first = failed[0]
        raise first if isinstance(first, Unavailable) else Unavailable(str(first))
    return [f.result() for f in futures]


def run(command: list[str], servers: int = 1) -> int:
    """Run ``command`` with the variables of server 0 and ``AKG_NEO4J_SERVERS``; stop the
    servers afterwards that were started here."""
    already = [read_state(n) is not None for n in range(servers)]
    env = dict(os.environ)
    try:
        states = start_all(servers)
    except Unavailable as exc:
        if os.environ.get("CI") == "true":
            print(f"error: Neo4j test server: {exc}", file=sys.stderr)
            return 1
        print(f"Neo4j test server not started ({exc}): the Neo4j tests will skip", file=sys.stderr)
        env["AKG_NEO4J_SKIP_REASON"] = f"no Neo4j test server: {exc}"
        env.pop("NEO4J_URI", None)
        return subprocess.call(command, env=env)  # noqa: S603 - the caller's command
    for state in states:
        print(f"{state['agent']} test server on {state['uri']} (pid {state['pid']})", file=sys.stderr)
    env.update(environment(states[0]))
    env["AKG_NEO4J_SERVERS"] = str(servers)
    env.pop("AKG_NEO4J_INSTANCE", None)
    try:
        return subprocess.call(command, env=env)  # noqa: S603 - the caller's command
    finally:
        for n in range(servers):
            if not already[n]:
                stop(n)


def main(argv: list[str]) -> int:
    """``start`` | ``stop`` | ``status`` | ``env`` | ``run [--servers N] -- CMD…``."""
    action = argv[0] if argv else ""
    if action == "start":
        try:
            state = start()
        except Unavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        where = state_file()
        print(f"{state['agent']} on {state['uri']} (pid {state['pid']}); "
              f"credentials in {where.relative_to(Path.cwd()) if where.is_relative_to(Path.cwd()) else where}")
        return 0
    if action == "stop":
        print("stopped" if stop() else "no Neo4j test server running")
        return 0
    if action == "status":
        found = read_state()
        print(f"running on {found['uri']} (pid {found['pid']})" if found else "not running")
        return 0 if found else 1
    if action == "env":
        found = read_state()
        if found is None:
            print("error: no Neo4j test server running (make neo4j)", file=sys.stderr)
            return 1
        for key, value in environment(found).items():
            print(f"export {key}='{value}'")
        return 0
    servers = 1
    if action == "run" and len(argv) > 3 and argv[1] == "--servers" and argv[2].isdigit():
        servers, argv = max(1, int(argv[2])), [action, *argv[3:]]
    if action == "run" and len(argv) > 2 and argv[1] == "--":
        return run(argv[2:], servers)
    print("usage: server.py start | stop | status | env | run [--servers N] -- COMMAND…", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
