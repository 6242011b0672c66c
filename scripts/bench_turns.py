"""Turn speed of this assistant next to a stock `rasa init` bot, side by side.

  python scripts/bench_turns.py                     # every row, every bot
  python scripts/bench_turns.py --rows 1,32         # some rows only
  python scripts/bench_turns.py --bots stock,scaled --servers 3
  python scripts/bench_turns.py --target scaled=http://127.0.0.1:8000
                                                    # + an assistant already running

Both bots run from this venv on this machine, one after the other (never at
the same time), and are asked over the REST webhook by closed-loop clients:
each client sends its next message as soon as it has the reply to the last.
A client talks in conversations of six messages (the same for both bots) and
then starts a new one, so no conversation outgrows a visitor's and none hits
the assistant's per-conversation request budget.

- stock: `rasa init --no-prompt` in a folder of its own (trained there, Rasa's
  in-memory tracker store), `rasa run`. Built once into var/bench/stock-bot
  and reused (`--rebuild` builds it again; `--stock-dir $(mktemp -d)` builds
  it in a temporary folder each time, a minute or two more).
- assistant: `python -m iopnav.launcher` exactly as `make run` starts it
  (Rasa, action server, web page, staff console; SQLite stores), with a fresh
  var folder and free ports. `--assistant-env KEY=VALUE` adds settings, e.g.
  IOP_TRACKER_STORE_URL=postgresql://... for the PostgreSQL tracker store.
- scaled: `python -m iopnav.scale` exactly as `make scale` starts it
  (`--servers` Rasa servers, one per core by default, and 2 action servers
  behind HAProxy; PostgreSQL and Redis), on free ports and bench databases.
- `--baseline PATH --bots stock,baseline,assistant`: the assistant of another
  checkout (another commit, with its trained model) as one more column.
- `--target NAME=URL`: one more column for an assistant that is already
  running (the scaled set-up behind HAProxy, say): load rows only, since its
  start and its processes are not ours.

Rows: `1` (one user: p50/p95 latency), `32` and `128` (that many users:
msgs/s and p95), `cold` (process start to the first answer), `memory`
(resident memory of all the bot's processes, after the load rows); with
the load rows also the CPU time of all the bot's processes per answered
message in the busiest one (on a shared machine, the figure that other
load moves least). The ratio columns are assistant / stock and scaled /
stock for every row.
Each run's logs and databases stay in the temporary folder it prints.
"""

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
WEBHOOK = "/webhooks/rest/webhook"
ALL_ROWS = ("1", "32", "128", "cold", "memory")
# One conversation: ordinary questions both bots can take.
CONVERSATION = (
    "hi",
    "what is an IOP?",
    "how many hours a week is it?",
    "do you take aetna?",
    "do you treat anxiety?",
    "thanks, bye",
)


# ---- load ---------------------------------------------------------------------------------


@dataclass
class Load:
    users: int
    seconds: float
    latencies: List[float] = field(default_factory=list)  # seconds, replies in the window
    errors: int = 0
    answered: int = 0  # replies during warm-up and window: what the CPU time was spent on

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return (
            ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")
        )


async def closed_loop(url: str, users: int, seconds: float, warmup: float) -> Load:
    """`users` clients, each sending its next message after the reply, for
    warmup + seconds; replies that arrive within the last `seconds` count."""
    import aiohttp

    load = Load(users, seconds)
    run = uuid.uuid4().hex[:8]
    start = time.perf_counter()
    window_start, stop = start + warmup, start + warmup + seconds

    async def client(number: int, session: "aiohttp.ClientSession") -> None:
        for conversation in range(10**9):
            sender = f"bench-{run}-{number}-{conversation}"
            for text in CONVERSATION:
                if time.perf_counter() >= stop:
                    return
                sent = time.perf_counter()
                try:
                    async with session.post(url, json={"sender": sender, "message": text}) as r:
                        await r.read()
                        ok = r.status == 200
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    ok = False
                done = time.perf_counter()
                load.answered += ok
                if window_start <= done <= stop:
                    if ok:
                        load.latencies.append(done - sent)
                    else:
                        load.errors += 1

    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(client(i, session) for i in range(users)))
    return load


def measure(url: str, users: int, seconds: float) -> Load:
    return asyncio.run(closed_loop(url, users, seconds, warmup=min(5.0, seconds / 3)))


# ---- processes ----------------------------------------------------------------------------


def free_port() -> int:
    """A free port below the ephemeral range: the model loads for a minute,
    and a port the kernel handed out meanwhile to an outgoing connection
    would be taken by the time the server binds it."""
    while True:
        port = random.randint(20000, 29999)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


def answers(base: str) -> bool:
    body = b'{"sender": "bench-cold", "message": "hi"}'
    request = urllib.request.Request(base + WEBHOOK, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status == 200 and reply.read().startswith(b"[{")
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def wait_first_answer(base: str, proc: subprocess.Popen, started: float, limit: float) -> float:
    """Seconds from `started` to the first answered message."""
    while time.perf_counter() - started < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode} before answering")
        if answers(base):
            return time.perf_counter() - started
        time.sleep(0.25)
    raise TimeoutError(f"no answer from {base} within {limit:g} s")


def process_tree(root: int) -> List[int]:
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def resident_bytes(root: int) -> int:
    total = 0
    for pid in process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


@dataclass
class Bot:
    """A bot we start, measure and stop."""

    name: str
    cmd: List[str]
    cwd: Path
    env: Dict[str, str]
    port: int
    log: Path
    proc: Optional[subprocess.Popen] = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Starts it; the seconds to its first answer."""
        with open(self.log, "ab") as out:
            started = time.perf_counter()
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stop() ends its children too
            )
        return wait_first_answer(self.base, self.proc, started, limit=300)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def child_env(extra: Dict[str, str]) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
    )
    env.update(extra)
    return env


def build_stock_bot(folder: Path, rebuild: bool) -> Path:
    """`rasa init --no-prompt` (which trains) into `folder`, once."""
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if list(folder.glob("models/*.tar.gz")):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    print(f"building the stock bot in {folder} (rasa init trains it: a few minutes)", flush=True)
    subprocess.run(
        [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
        cwd=folder,
        env=child_env({}),
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return folder


def stock_bot(folder: Path, logs: Path) -> Bot:
    port = free_port()
    cmd = [str(VENV_BIN / "rasa"), "run", "--port", str(port), "-i", "127.0.0.1"]
    cmd += ["--model", str(folder / "models")]
    return Bot("stock", cmd, folder, child_env({}), port, logs / "stock.log")


def assistant_bot(name: str, root: Path, var_dir: Path, logs: Path, extra: Dict[str, str]) -> Bot:
    """The assistant of the checkout at `root` (this one, or a baseline)."""
    ports = {part: free_port() for part in ("RASA", "ACTIONS", "WEB", "CONSOLE")}
    env = {f"IOP_{part}_PORT": str(port) for part, port in ports.items()}
    env["IOP_VAR_DIR"] = str(var_dir)
    env["PYTHONPATH"] = str(root)
    cmd = [str(VENV_BIN / "python"), "-m", "iopnav.launcher"]
    return Bot(name, cmd, root, child_env({**env, **extra}), ports["RASA"], logs / f"{name}.log")


def scaled_bot(servers: int, var_dir: Path, logs: Path) -> Bot:
    """`make scale` (docs/scaling.md): `servers` Rasa servers and 2 action
    servers behind HAProxy, PostgreSQL stores and the Redis lock store, on
    free ports and databases of its own (iop_bench, iop_bench_rasa, Redis
    db 2), so a run never writes into `make scale`'s conversations. Its CPU
    figure counts the processes it starts, not PostgreSQL or Redis."""
    ports = {part: free_port() for part in ("RASA", "ACTIONS", "WEB", "CONSOLE")}
    env = {f"IOP_{part}_PORT": str(port) for part, port in ports.items()}
    env.update(
        {
            "IOP_VAR_DIR": str(var_dir),
            "IOP_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/iop_bench",
            "IOP_TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/iop_bench_rasa",
            "IOP_LOCK_STORE_URL": "redis://127.0.0.1:6379/2",
        }
    )
    cmd = [str(VENV_BIN / "python"), "-m", "iopnav.scale", "--rasa", str(servers)]
    return Bot("scaled", cmd, ROOT, child_env(env), ports["RASA"], logs / "scaled.log")


# ---- the table ----------------------------------------------------------------------------


@dataclass
class Column:
    name: str
    cells: Dict[str, Tuple[str, float]] = field(default_factory=dict)  # label -> (text, value)


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by `root` and its children."""
    ticks = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def load_rows(
    base: str, rows: Sequence[str], seconds: float, root: Optional[int] = None
) -> Iterator[Tuple[str, str, float]]:
    """The load rows; with the bot's process, also its CPU time per message
    over the busiest row (on a shared machine, the figure other load moves least)."""
    url = base + WEBHOOK
    for row in rows:
        if not row.isdigit():
            continue
        cpu_before = cpu_seconds(root) if root else 0.0
        load = measure(url, int(row), seconds)
        cpu = (cpu_seconds(root) - cpu_before) if root else 0.0
        if row == "1":
            yield "1 user, p50", f"{load.percentile(0.5) * 1000:,.0f} ms", load.percentile(0.5)
            yield "1 user, p95", f"{load.percentile(0.95) * 1000:,.0f} ms", load.percentile(0.95)
        else:
            note = f" ({load.errors} errors)" if load.errors else ""
            yield f"{row} users, msgs/s", f"{load.rate:.1f}{note}", load.rate
            p95 = load.percentile(0.95)
            yield f"{row} users, p95", f"{p95 * 1000:,.0f} ms", p95
        if root and load.answered and int(row) == max(int(r) for r in rows if r.isdigit()):
            per_message = cpu / load.answered
            text = f"{per_message * 1000:.0f} ms ({row} users)"
            yield "CPU time per message, all processes", text, per_message


def run_bot(bot: Bot, rows: Sequence[str], seconds: float) -> Column:
    column = Column(bot.name)
    print(f"starting {bot.name} ...", flush=True)
    try:
        cold = bot.start()
        column.cells["cold start to first answer"] = (f"{cold:.1f} s", cold)
        assert bot.proc is not None
        for label, text, value in load_rows(bot.base, rows, seconds, bot.proc.pid):
            column.cells[label] = (text, value)
            print(f"  {bot.name}: {label}: {text}", flush=True)
        memory = resident_bytes(bot.proc.pid)
        column.cells["resident memory, all processes"] = (f"{memory / 2**30:.2f} GB", memory)
    finally:
        bot.stop()
    if "cold" not in rows:
        column.cells.pop("cold start to first answer")
    if "memory" not in rows:
        column.cells.pop("resident memory, all processes")
    return column


def print_table(columns: List[Column], titles: Dict[str, str]) -> None:
    labels: List[str] = []
    for column in columns:
        labels += [label for label in column.cells if label not in labels]
    by_name = {c.name: c for c in columns}
    # Each of ours next to the stock bot.
    ours = [n for n in ("assistant", "scaled") if "stock" in by_name and n in by_name]
    head = [""] + [titles.get(c.name, c.name) for c in columns] + [f"{n}/stock" for n in ours]
    print("\n| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for label in labels:
        cells = [label] + [c.cells.get(label, ("-", 0.0))[0] for c in columns]
        stock = by_name["stock"].cells.get(label) if ours else None
        for name in ours:
            mine = by_name[name].cells.get(label)
            cells.append(f"{mine[1] / stock[1]:.2f}x" if stock and mine and stock[1] else "-")
        print("| " + " | ".join(cells) + " |")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default=",".join(ALL_ROWS), help="of " + ",".join(ALL_ROWS))
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per load row")
    parser.add_argument(
        "--bots",
        default="stock,assistant,scaled",
        help="which bots to start (stock, assistant, scaled: make scale's set-up, baseline)",
    )
    parser.add_argument(
        "--servers", type=int, default=os.cpu_count() or 1, help="Rasa servers of the scaled bot"
    )
    parser.add_argument("--target", action="append", default=[], help="NAME=URL, already running")
    parser.add_argument("--assistant-env", action="append", default=[], help="KEY=VALUE")
    parser.add_argument("--stock-dir", type=Path, default=ROOT / "var" / "bench" / "stock-bot")
    parser.add_argument("--rebuild", action="store_true", help="build the stock bot again")
    parser.add_argument(
        "--baseline", type=Path, help="another checkout (with its model): bot 'baseline'"
    )
    args = parser.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = [r for r in rows if r not in ALL_ROWS and not r.isdigit()]
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {ALL_ROWS} or a number of users")
    bots = [b.strip() for b in args.bots.split(",") if b.strip()]
    extra = dict(kv.split("=", 1) for kv in args.assistant_env)

    work = Path(tempfile.mkdtemp(prefix="bench-turns-"))
    print(
        f"load: {os.getloadavg()[0]:.2f} (1 min average) on {os.cpu_count()} cores; logs in {work}"
    )
    makers: Dict[str, Callable[[], Bot]] = {
        "stock": lambda: stock_bot(build_stock_bot(args.stock_dir, args.rebuild), work),
        "assistant": lambda: assistant_bot("assistant", ROOT, work / "var", work, extra),
        "scaled": lambda: scaled_bot(args.servers, work / "scaled-var", work),
    }
    if args.baseline:
        makers["baseline"] = lambda: assistant_bot(
            "baseline", args.baseline.resolve(), work / "baseline-var", work, extra
        )
    columns = [run_bot(makers[name](), rows, args.seconds) for name in bots]
    for target in args.target:
        name, url = target.split("=", 1)
        column = Column(name)
        for label, text, value in load_rows(url.rstrip("/"), rows, args.seconds):
            column.cells[label] = (text, value)
        columns.append(column)
    titles = {
        "stock": "stock `rasa init` bot (in-memory tracker)",
        "assistant": "this assistant (`make run`, "
        + ("PostgreSQL" if "postgres" in extra.get("IOP_TRACKER_STORE_URL", "") else "SQLite")
        + ")",
        "baseline": f"baseline ({args.baseline})",
        "scaled": f"scaled (`make scale`: {args.servers} Rasa servers, HAProxy, PostgreSQL, Redis)",
    }
    print_table(columns, titles)
    print(f"\nload after: {os.getloadavg()[0]:.2f} (1 min average)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
