"""The national topology of docker-compose.yml from plain processes, on loopback (no Docker engine here).

    PostgreSQL  the local server (trust auth): a database of its own, created here and dropped at the end;
                the shared server is never stopped
    init        ``fiches db-upgrade`` once, then ``fiches import`` of the given paths (the compose init job)
    replicas    N × ``fiches serve --workers W`` on their own ports, each with its own index directory
                (one worker writes it, the others read it: app/services/index_writer.py)
    nginx       Debian's nginx as a plain process, config generated from deploy/nginx-local.conf.template,
                round-robin over the replicas, on a free loopback port

By hand (prints the URL and the import token, stops everything on Ctrl-C)::

    .venv/bin/python -m deploy.topology --replicas 2 --workers 2 --import data/fiches

From Python (tests, benches)::

    with Topology(root, replicas=2, workers=2, sync_interval=0.5) as topo:
        httpx.get(topo.url + "/api/fiches", params={"q": "jardin"})
        topo.replicas[1].kill()        # SIGKILL the replica and its workers
        topo.restart(topo.replicas[1])
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TEMPLATE = HERE / "nginx-local.conf.template"
PG_ADMIN_URL = os.environ.get("FICHES_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _stop(process: subprocess.Popen | None, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the process group, SIGKILL it if it has not exited in ``timeout`` seconds."""
    if process is None:
        return
    if process.poll() is None:
        _kill_group(process, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    _kill_group(process, signal.SIGKILL)  # leftover workers of the group too
    process.wait(timeout)


def children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def flock_holders(path: Path) -> list[int]:
    """Pids holding a flock on ``path``, from /proc/locks (the kernel's own table)."""
    try:
        inode = path.stat().st_ino
    except FileNotFoundError:
        return []
    holders = []
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and "->" not in parts and parts[5].endswith(f":{inode}"):
            holders.append(int(parts[4]))
    return holders


@dataclass
class Replica:
    name: str
    port: int
    root: Path
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def log_path(self) -> Path:
        return self.root / "serve.log"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def workers(self) -> list[int]:
        """The uvicorn worker processes of this replica (the children that serve, not helpers)."""
        if self.process is None or self.process.poll() is not None:
            return []
        pids = []
        for pid in children(self.process.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"resource_tracker" not in cmdline:
                pids.append(pid)
        return pids

    def writers(self) -> list[int]:
        """Processes holding this replica's index writer lock (the kernel's count: exactly one expected)."""
        return flock_holders(self.index_dir / "writer.lock")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the replica's process group (its supervisor and every worker) and reap it."""
        if self.process is not None:
            _kill_group(self.process, sig)
            self.process.wait(STOP_TIMEOUT)

    def stop(self) -> None:
        _stop(self.process)


@dataclass
class Topology:
    root: Path
    replicas_count: int = 2
    workers: int = 2
    sync_interval: float = 1.0
    import_paths: Iterable[str | Path] = ()
    pg_admin_url: str = PG_ADMIN_URL
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    env: dict[str, str] = field(default_factory=dict)
    start_timeout: float = 180.0
    access_log: bool = True

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.database = f"fiches_topo_{uuid.uuid4().hex[:10]}"
        self.database_url = f"{self.pg_admin_url.rsplit('/', 1)[0]}/{self.database}"
        self.replicas = [Replica(f"replica-{i + 1}", free_port(), self.root / f"replica-{i + 1}")
                         for i in range(self.replicas_count)]
        self.nginx_port = free_port()
        self.nginx: subprocess.Popen | None = None
        self._db_created = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    # -- life cycle -----------------------------------------------------------------------------------
    def __enter__(self) -> Topology:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._create_database()
        self._init()
        for replica in self.replicas:
            self.start_replica(replica, wait=False)
        self._start_nginx()
        self.wait_healthy()

    def stop(self) -> None:
        """Stop nginx and every replica (bounded), then drop the database. Never touches the server."""
        _stop(self.nginx)
        for replica in self.replicas:
            replica.stop()
        if self._db_created:
            with psycopg.connect(self.pg_admin_url, autocommit=True, connect_timeout=10) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            self._db_created = False

    def app_env(self, index_dir: Path) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.database_url, "FICHES_INDEX_DIR": str(index_dir),
                "FICHES_SEED_ON_START": "false", "FICHES_SYNC_INTERVAL": str(self.sync_interval),
                "FICHES_IMPORT_TOKEN": self.token, "PYTHONUNBUFFERED": "1", **self.env}

    def _create_database(self) -> None:
        with psycopg.connect(self.pg_admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self._db_created = True

    def _init(self) -> None:
        """The compose init job: migrate once, import the given paths, then give every replica a copy of
        the index it built (each replica catches up from there: no replica rebuilds the whole store)."""
        first = self.replicas[0].index_dir
        env = self.app_env(first)
        self.fiches("db-upgrade", env=env)
        paths = [str(p) for p in self.import_paths]
        if paths:
            self.fiches("import", "--quiet", *paths, env=env, ok=(0, 1))
            for replica in self.replicas[1:]:
                shutil.copytree(first, replica.index_dir, symlinks=True)

    def fiches(self, *args: str, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,),
               timeout: float = 900) -> subprocess.CompletedProcess:
        """Run a ``fiches`` command against this topology's database (the first replica's index)."""
        done = subprocess.run([sys.executable, "-m", "app.cli", *args], env=env or self.app_env(
            self.replicas[0].index_dir), cwd=REPO, capture_output=True, text=True, timeout=timeout)
        if done.returncode not in ok:
            raise RuntimeError(f"fiches {' '.join(args[:2])} : code {done.returncode}\n{done.stderr[-3000:]}")
        return done

    def start_replica(self, replica: Replica, wait: bool = True) -> None:
        replica.root.mkdir(parents=True, exist_ok=True)
        log = replica.log_path.open("a", encoding="utf-8")
        replica.starts += 1
        log.write(f"--- start {replica.starts}\n")
        log.flush()
        replica.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(replica.port),
             "--workers", str(self.workers), "--access-log" if self.access_log else "--no-access-log",
             "--keep-alive", "75"],  # longer than nginx's upstream keepalive_timeout: nginx closes first
            env=self.app_env(replica.index_dir), cwd=replica.root, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped or killed with its workers
        )
        log.close()
        if wait:
            self.wait_healthy([replica.url])

    def restart(self, replica: Replica) -> None:
        replica.stop()
        self.start_replica(replica)

    def _start_nginx(self) -> None:
        prefix = self.root / "nginx"
        prefix.mkdir(parents=True, exist_ok=True)
        upstreams = "\n".join(f"        server 127.0.0.1:{r.port} max_fails=3 fail_timeout=2s;" for r in self.replicas)
        user = "user root root;" if os.geteuid() == 0 else ""  # temp dirs under a private /tmp folder
        config = (TEMPLATE.read_text(encoding="utf-8").replace("@USER@", user).replace("@PREFIX@", str(prefix))
                  .replace("@UPSTREAMS@", upstreams).replace("@PORT@", str(self.nginx_port)))
        conf = prefix / "nginx.conf"
        conf.write_text(config, encoding="utf-8")
        log = (prefix / "stderr.log").open("a", encoding="utf-8")
        self.nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"),
                                       "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        log.close()

    def wait_healthy(self, urls: Iterable[str] | None = None, timeout: float | None = None) -> None:
        """Wait until each URL (default: every replica and nginx) answers ``/api/health`` with a 200."""
        pending = list(urls) if urls is not None else [r.url for r in self.replicas] + [self.url]
        deadline = time.monotonic() + (timeout or self.start_timeout)
        with httpx.Client(timeout=5) as client:
            while pending:
                self._check_alive()
                url = pending[0]
                try:
                    if client.get(url + "/api/health").status_code == 200:
                        pending.pop(0)
                        continue
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{url} not healthy after {timeout or self.start_timeout} s\n{self.logs()}")
                time.sleep(0.2)

    def _check_alive(self) -> None:
        for replica in self.replicas:
            if replica.process is not None and replica.process.poll() is not None:
                raise RuntimeError(f"{replica.name} exited ({replica.process.returncode})\n{replica.log()[-3000:]}")
        if self.nginx is not None and self.nginx.poll() is not None:
            raise RuntimeError(f"nginx exited ({self.nginx.returncode})\n{self.logs()}")

    def logs(self) -> str:
        parts = [f"== {r.name}\n{r.log()[-2000:]}" for r in self.replicas]
        error_log = self.root / "nginx" / "error.log"
        if error_log.exists():
            parts.append(f"== nginx\n{error_log.read_text(errors='replace')[-2000:]}")
        return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the docker-compose topology from plain processes.")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sync-interval", type=float, default=5.0)
    parser.add_argument("--import", dest="paths", nargs="*", default=[], help="files or folders for the init job")
    parser.add_argument("--root", help="working folder (default: a new temporary folder, removed at the end)")
    args = parser.parse_args(argv)
    root = Path(args.root) if args.root else Path(tempfile.mkdtemp(prefix="fiches-topology-"))

    def on_term(_sig: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        with Topology(root, replicas_count=args.replicas, workers=args.workers, sync_interval=args.sync_interval,
                      import_paths=args.paths) as topo:
            print(f"Catalogue : {topo.url}/", flush=True)
            for replica in topo.replicas:
                print(f"  {replica.name} : {replica.url}/ (index {replica.index_dir})", flush=True)
            print(f"Base : {topo.database_url}\nJeton d'import : {topo.token}\nCtrl-C pour tout arrêter.", flush=True)
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        print("Arrêt.", flush=True)
    finally:
        if not args.root:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
