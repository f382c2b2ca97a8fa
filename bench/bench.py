#!/usr/bin/env python3
"""Berth and dockerd side by side, in one run, through the same docker CLI.

Each engine starts on its own temporary roots and socket, gets the same busybox image (made from Debian's
busybox-static, never pulled), and runs the same workloads. The figures go to docs/benchmarks.md.
"""
import argparse
import concurrent.futures
import datetime
import http.client
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import busybox_rootfs
import dashboard
import registry_fixture

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKER = shutil.which("docker") or "/usr/local/bin/docker"
LINE = b"0123456789" * 9 + b"abcdefghi\n"  # 100-byte lines: a log of a million records
LOG_ROUNDS = 3
PULL_ROUNDS = 3
WARM_UP_RUNS = 5  # as hyperfine's --warmup: the first runs after a start pay for loading and compiling code


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=2):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def ping(sock_path):
    try:
        conn = UnixHTTPConnection(sock_path)
        conn.request("GET", "/_ping")
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def raw_logs(sock_path, container, payload_bytes):
    """Seconds to read a container's whole log over the API with a plain HTTP client, checking the length of the
    frames' payloads (an engine may put one line or many in a frame)."""
    conn = UnixHTTPConnection(sock_path, timeout=60)
    t = time.monotonic()
    conn.request("GET", f"/v1.41/containers/{container}/logs?stdout=1&stderr=1")
    resp = conn.getresponse()
    got = 0
    while True:
        header = resp.read(8)
        if len(header) < 8:
            break
        size = int.from_bytes(header[4:8], "big")
        while size > 0:
            chunk = resp.read(min(size, 1 << 20))
            if not chunk:
                raise SystemExit("logs over the API ended inside a frame")
            got += len(chunk)
            size -= len(chunk)
    seconds = time.monotonic() - t
    conn.close()
    if got != payload_bytes:
        raise SystemExit(f"logs over the API gave {got} bytes of log, not {payload_bytes}")
    return seconds


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


class Engine:
    """One daemon under test: how to start it, and which of its processes count as the daemon."""

    def __init__(self, name, root):
        self.name = name
        self.root = root
        self.sock = os.path.join(root, "api.sock")
        self.proc = None
        self.log = open(os.path.join(root, "daemon.log"), "wb")

    def command(self):
        raise NotImplementedError

    def daemon_pids(self):
        return [self.proc.pid]

    def start(self):
        started = time.monotonic()
        self.proc = subprocess.Popen(self.command(), cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = started + 60
        while not ping(self.sock):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.name} did not start; see {self.log.name}")
            time.sleep(0.005)
        return time.monotonic() - started

    def docker(self, *args, **kw):
        env = dict(os.environ, DOCKER_BUILDKIT="0")  # the classic builder, which both engines have
        return subprocess.run([DOCKER, "-H", "unix://" + self.sock, *args], check=True, env=env, **kw)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def berth_java():
    """Exactly how `make run` starts the daemon."""
    return subprocess.run(["make", "-s", "--no-print-directory", "run-command"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout.split()


class Berth(Engine):
    def command(self):
        return berth_java() + [f"--berth.data-root={self.root}/data", f"--berth.exec-root={self.root}/exec",
                       f"--berth.api.socket={self.sock}", "--server.port=0"]


class Dockerd(Engine):
    def command(self):
        return ["dockerd", "--data-root", f"{self.root}/data", "--exec-root", f"{self.root}/exec",
                "-H", "unix://" + self.sock, "--pidfile", f"{self.root}/dockerd.pid",
                # A bridge of its own for the bridge row, but no iptables rules: a FORWARD policy of drop would
                # outlive this run and cut the traffic of every other bridge on the machine.
                "--bip=172.31.254.1/24", "--iptables=false", "--ip6tables=false", "--ip-masq=false"]

    def daemon_pids(self):
        # dockerd starts its own containerd; both are the daemon's memory.
        return [self.proc.pid] + [p for p in children(self.proc.pid) if comm(p) == "containerd"]


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def timed(fn):
    t = time.monotonic()
    fn()
    return time.monotonic() - t


def measure_pulls(engine, registry, r):
    """Median of PULL_ROUNDS pulls of each fixture image, each from an empty image store."""
    for key, ref in (("pull_big_s", registry.big), ("pull_layers_s", registry.layered)):
        samples = []
        for _ in range(PULL_ROUNDS):
            samples.append(timed(lambda: engine.docker("pull", "-q", ref, capture_output=True, text=True)))
            engine.docker("rmi", ref, capture_output=True)
        r[key] = statistics.median(samples)
    r["pull_big_mb_s"] = registry.big_bytes / r["pull_big_s"] / 1e6


def measure(engine, image_tar, runs, parallel, log_bytes, registry):
    r = {"ready_s": engine.start()}
    time.sleep(5)
    r["rss_start_mib"] = rss_kib(engine.daemon_pids()) / 1024
    measure_pulls(engine, registry, r)
    engine.docker("import", "-c", 'CMD ["sh"]', "-", "busybox", input=image_tar, capture_output=True)

    run = ["run", "--rm", "--network", "none", "busybox", "true"]
    for _ in range(WARM_UP_RUNS):
        engine.docker(*run, capture_output=True)
    samples = [timed(lambda: engine.docker(*run, capture_output=True)) for _ in range(runs)]
    r["run_median_s"] = statistics.median(samples)
    r["run_p90_s"] = sorted(samples)[int(len(samples) * 0.9) - 1]

    bridged = ["run", "--rm", "busybox", "true"]
    for _ in range(WARM_UP_RUNS):
        engine.docker(*bridged, capture_output=True)
    samples = [timed(lambda: engine.docker(*bridged, capture_output=True)) for _ in range(runs)]
    r["run_bridge_median_s"] = statistics.median(samples)
    r["port_mib_s"] = published_port_throughput(engine)

    def run_detached(i):
        engine.docker("run", "-d", "--name", f"c{i}", "--network", "none", "busybox", "sleep", "600",
                      capture_output=True)

    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        t = time.monotonic()
        list(pool.map(run_detached, range(parallel)))
        r["concurrent_s"] = time.monotonic() - t
    running = engine.docker("ps", "-q", capture_output=True, text=True).stdout.split()
    if len(running) != parallel:
        raise SystemExit(f"{engine.name}: {len(running)} of {parallel} containers running")
    engine.docker("rm", "-f", *[f"c{i}" for i in range(parallel)], capture_output=True)

    lines = log_bytes // len(LINE)
    expected = lines * len(LINE)
    # The container cats a prepared file, bind-mounted read-only: busybox's own `yes | head -n` is slower than
    # the engines' logging and would be what got measured.
    source = os.path.join(engine.root, "lines.txt")
    with open(source, "wb") as f:
        f.write(LINE * lines)
    attach, logs = [], []
    sink = os.path.join(engine.root, "stdout")

    def timed_to_file(*args):
        # Into a file, as a shell redirection would, so the figure is the engine's and the CLI's, not a pipe reader's.
        with open(sink, "wb") as out:
            t = time.monotonic()
            engine.docker(*args, stdout=out)
            seconds = time.monotonic() - t
        size = os.path.getsize(sink)
        if size != expected:
            raise SystemExit(f"{engine.name}: `docker {args[0]}` gave {size} bytes, not {expected}")
        return expected / seconds / 2**20

    for i in range(LOG_ROUNDS):
        attach.append(timed_to_file("run", "--name", f"logbench{i}", "--network", "none",
                                    "-v", f"{source}:/lines.txt:ro", "busybox", "cat", "/lines.txt"))
    for _ in range(LOG_ROUNDS):
        logs.append(timed_to_file("logs", "logbench0"))
    raw = []
    for _ in range(LOG_ROUNDS):
        raw.append(expected / raw_logs(engine.sock, "logbench0", expected) / 2**20)
    r["raw_logs_mib_s"] = statistics.median(raw)
    os.unlink(sink)
    os.unlink(source)
    r["attach_mib_s"] = statistics.median(attach)
    r["logs_mib_s"] = statistics.median(logs)
    engine.docker("rm", *[f"logbench{i}" for i in range(LOG_ROUNDS)], capture_output=True)

    # Last: the build writes some hundred MB, whose writeback would slow the rows after it.
    measure_builds(engine, r)

    time.sleep(5)
    r["rss_after_mib"] = rss_kib(engine.daemon_pids()) / 1024
    return r


THROUGHPUT_BYTES = 512 * 2**20
BUILD_BYTES = 60 * 10**6


def measure_builds(engine, r):
    """A Dockerfile that COPYs 60 MB of incompressible data and RUNs two steps: cold, then fully cached."""
    ctx = os.path.join(engine.root, "build-context")
    os.makedirs(ctx, exist_ok=True)
    with open(os.path.join(ctx, "data.bin"), "wb") as f:
        f.write(os.urandom(BUILD_BYTES))
    # A warm-up build of other content, as the run rows have warm-up runs: "cold" is the cache, not the daemon.
    warm = os.path.join(engine.root, "build-warm-up")
    os.makedirs(warm, exist_ok=True)
    with open(os.path.join(warm, "data.bin"), "wb") as f:
        f.write(os.urandom(2**20))
    with open(os.path.join(warm, "Dockerfile"), "w") as f:
        f.write("FROM busybox\nCOPY data.bin /warm.bin\nRUN echo warm > /warm\n")
    engine.docker("build", "-q", "-t", "bench-warm-up", warm, capture_output=True)
    engine.docker("rmi", "bench-warm-up", capture_output=True)
    shutil.rmtree(warm, ignore_errors=True)
    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
        f.write("FROM busybox\nCOPY data.bin /data.bin\nRUN wc -c /data.bin > /size\nRUN echo built > /done\n")
    r["build_cold_s"] = timed(lambda: engine.docker("build", "-q", "-t", "bench-build", ctx, capture_output=True))
    samples = [timed(lambda: engine.docker("build", "-q", "-t", "bench-build", ctx, capture_output=True))
               for _ in range(3)]
    r["build_cached_s"] = statistics.median(samples)
    engine.docker("rmi", "bench-build", capture_output=True)
    shutil.rmtree(ctx, ignore_errors=True)



def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_all(port):
    """Seconds to send THROUGHPUT_BYTES to 127.0.0.1:port and close, once something accepts there.

    A proxy accepts before the container's listener is back for the next connection, and then resets it; such an
    attempt is not timed but made again."""
    chunk = b"x" * 2**20
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                t = time.monotonic()
                for _ in range(THROUGHPUT_BYTES // len(chunk)):
                    s.sendall(chunk)
                s.shutdown(socket.SHUT_WR)
                s.recv(1)
                return time.monotonic() - t
        except (ConnectionError, socket.timeout):
            time.sleep(0.1)
    raise SystemExit(f"nothing takes {THROUGHPUT_BYTES} bytes on 127.0.0.1:{port}")


def published_port_throughput(engine):
    """MiB/s from the host through a published port on 127.0.0.1 into a container that discards it."""
    port = free_port()
    engine.docker("run", "-d", "--name", "sink", "-p", f"127.0.0.1:{port}:80", "busybox", "sh", "-c",
                  "while true; do nc -l -p 80 > /dev/null; done", capture_output=True)
    try:
        send_all(port)  # warm-up, and the wait for the listener
        return statistics.median(THROUGHPUT_BYTES / send_all(port) / 2**20 for _ in range(3))
    finally:
        engine.docker("rm", "-f", "sink", capture_output=True)


def loopback_throughput():
    """The same transfer to a discarding reader on 127.0.0.1 in this process: the limit for a published port."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def sink():
        while True:
            try:
                c, _ = server.accept()
            except OSError:
                return
            with c:
                while c.recv(2**20):
                    pass

    threading.Thread(target=sink, daemon=True).start()
    try:
        return statistics.median(THROUGHPUT_BYTES / send_all(port) / 2**20 for _ in range(3))
    finally:
        server.close()


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[0]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "absent"


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


ROWS = [
    # key, label, format, target check for Berth (given Berth's and dockerd's figures), target text
    ("run_median_s", "`docker run --rm --network none busybox true`, median of {runs}", "{:.0f} ms",
     lambda b, d: d is None or b <= 0.5 * d, "at most 0.5x dockerd"),
    ("run_p90_s", "the same, 90th percentile", "{:.0f} ms", None, ""),
    ("run_bridge_median_s", "`docker run --rm busybox true` on the default bridge, median of {runs}", "{:.0f} ms",
     lambda b, d: d is None or b <= 0.5 * d, "at most 0.5x dockerd"),
    ("port_mib_s", "TCP from the host through a published port on 127.0.0.1, 512 MiB, median of 3",
     "{:.0f} MiB/s", None, ""),
    ("loopback_mib_s", "the same transfer over loopback to a reader on the host (the limit)", "{:.0f} MiB/s",
     None, ""),
    ("concurrent_s", "{concurrent} concurrent `docker run -d`, wall time", "{:.2f} s", None, ""),
    ("attach_mib_s", "{mib} MiB of stdout through an attached `docker run`, median of 3", "{:.0f} MiB/s",
     lambda b, d: b >= 100, "at least 100 MB/s"),
    ("logs_mib_s", "the same log read back with `docker logs`, median of 3", "{:.0f} MiB/s",
     lambda b, d: b >= 100, "at least 100 MB/s"),
    ("raw_logs_mib_s", "the same log read over the API by a plain HTTP client, median of 3", "{:.0f} MiB/s",
     None, ""),
    ("pull_big_s", "`docker pull` of a {big_mb} MB single-layer image from a loopback registry, median of 3",
     "{:.2f} s", lambda b, d: d is None or b <= 0.8 * d, "at most 0.8x dockerd"),
    ("pull_layers_s", "`docker pull` of a 10-layer image ({layered_mb} MB) from the same registry, median of 3",
     "{:.2f} s", lambda b, d: d is None or b <= 0.8 * d, "at most 0.8x dockerd"),
    ("pull_big_mb_s", "the {big_mb} MB pull as throughput of its uncompressed layer", "{:.0f} MB/s", None, ""),
    ("tar_xzf_mb_s", "`tar -xzf` of the same layer blob into a directory (the limit)", "{:.0f} MB/s", None, ""),
    ("build_cold_s", "`docker build` (classic) of a Dockerfile that COPYs 60 MB and RUNs two steps, cold", "{:.2f} s",
     lambda b, d: d is None or b <= 0.8 * d, "at most 0.8x dockerd"),
    ("build_cached_s", "the same build again, fully cached, median of 3", "{:.2f} s", lambda b, d: b <= 0.3,
     "at most 0.3 s"),
    ("ready_s", "start to first `/_ping` answer", "{:.2f} s", lambda b, d: b <= 3, "at most 3 s"),
    ("rss_start_mib", "daemon RSS, idle 5 s after start", "{:.0f} MiB", lambda b, d: b <= 200, "at most 200 MB"),
    ("rss_after_mib", "daemon RSS, idle 5 s after the workloads", "{:.0f} MiB", lambda b, d: b <= 200,
     "at most 200 MB"),
]


def fmt(key, fmt_s, value):
    if value is None:
        return "n/a"
    return fmt_s.format(value * 1000 if fmt_s.endswith("ms") else value)


def report(results, args, berth_cmd, dash):
    b, d = results["Berth"], results.get("dockerd")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# Benchmarks", "",
           "Berth and dockerd measured side by side in one run of `bench/run`, through the same docker CLI, on the",
           "same machine, with the same busybox image (made from Debian's busybox-static). Each engine runs on its",
           "own temporary roots. The bridge row runs on each engine's default bridge: Berth's `berth0` with its",
           "nftables table, dockerd's own bridge without iptables rules (see How).",
           "", f"Measured {now}.", "",
           "| | Berth | dockerd | Berth / dockerd | target | met |", "|---|---|---|---|---|---|"]
    for key, label, fmt_s, check, target in ROWS:
        bv, dv = b[key], (d or {}).get(key)
        ratio = f"{bv / dv:.2f}" if dv else "n/a"
        met = "" if check is None else ("yes" if check(bv, dv) else "**no**")
        label = label.format(runs=args.runs, concurrent=args.concurrent, mib=args.log_mib,
                             big_mb=round(args.big_mb), layered_mb=round(args.layered_mb))
        out.append(f"| {label} | {fmt(key, fmt_s, bv)} | {fmt(key, fmt_s, dv)} | {ratio} | {target} | {met} |")
    out += [""] + dashboard.section(dash)
    out += ["## How", "",
            "- Start: the time from spawning the daemon to its first `200` answer on `GET /_ping`, polled every 5 ms.",
            "  Berth is started exactly as `make run` starts it:", "", f"  `{berth_cmd}`", "",
            "  dockerd is started with `--bip=172.31.254.1/24 --iptables=false` on its own roots; it starts its own",
            "  containerd. Without iptables it writes no NAT rules, where Berth writes its table, so the bridge row",
            "  flatters dockerd a little; with them, dockerd's FORWARD policy of drop would outlive the run.",
            "- Published port: a container runs `nc -l -p 80 > /dev/null` behind `-p 127.0.0.1:PORT:80`; the host",
            "  sends 512 MiB in 1 MiB writes, then half-closes and waits for the close. Loopback traffic goes through",
            "  each engine's userland proxy (Berth's monitor, docker-proxy). The limit is the same transfer to a",
            "  reader in the bench's own process.",
            "- Builds: `DOCKER_BUILDKIT=0` for both engines. After a warm-up build of other content, a context with",
            "  60 MB of random bytes and `FROM busybox`, `COPY data.bin`, two `RUN`s is built with `-q`, timed around",
            "  the CLI (which sends the context); then the same build three times more, all from the cache. They run",
            "  last, so the writeback of what they wrote does not slow the other rows.",
            "- RSS: `VmRSS` of the daemon's processes: Berth's JVM; dockerd plus its containerd. Per-container",
            "  processes (Berth's monitor, containerd's shim) are not counted.",
            f"- Run latency: {WARM_UP_RUNS} warm-up runs, then {args.runs} runs one after another, each timed around the",
            "  CLI.",
            f"- Concurrency: {args.concurrent} `docker run -d ... sleep 600` started at once; the wall time until",
            "  every CLI returned, then a check that all are running.",
            f"- Logging: {args.log_mib} MiB of 100-byte lines, from a file bind-mounted read-only and `cat`, through",
            "  an attached run whose stdout goes to a file, as with `> file`, whose size is then checked; three runs, then",
            "  `docker logs` of the first container three times, checked the same way. Each figure is the",
            "  median of its three. The CLI writes each log record with a `write` of its own, one per line, so",
            "  `docker logs` into a file is bound by the CLI; the plain HTTP client's figure is the daemon's.",
            "- Pulls: Debian's `docker-registry` on 127.0.0.1 serves two images that `bench/registry_fixture.py` builds",
            "  from random (incompressible) data and pushes with skopeo: one gzip'd layer, and ten layers of a tenth",
            "  of that each. Each pull starts from an empty store: `docker rmi` after each. The `tar -xzf` row",
            "  extracts the single layer's blob with GNU tar, the most any extractor here can do.",
            "", "## Where the time and memory go", "",
            "Measured separately, while writing the engine (not by this script):",
            "",
            "- `docker logs` into a file is bound by the CLI, which writes each log record with a `write(2)` of its",
            "  own; the plain HTTP client's row is the daemon's own rate. Frames stay one per record, because",
            "  clients such as docker-java and Testcontainers read a frame as a line.",
            "- Of a `docker run --rm`, about 75 ms is spent in the daemon: some 30 ms in the monitor and runtime",
            "  creating the container (libseccomp compiling Docker's profile for three architectures is the",
            "  largest single part), about 10 ms in create and about 10 ms in removing; the CLI itself takes the rest.",
            "- A pull streams each layer from the socket through gzip into the unpacker, several layers at once, and",
            "  hashes every byte twice (the blob digest and the diff ID). Under C1 the JDK's sha256 runs at about",
            "  150 MB/s, which made a 60 MB pull take 1.4 s; through libcrypto it runs at over 1 GB/s. What remains",
            "  is mostly writing the layer twice: its files, and the uncompressed tar kept for `docker save` and push.",
            "- About half of Berth's idle RSS is class metadata for Spring, Hibernate and H2 (some 105 MiB, mapped",
            "  from the class-data archive). After the workloads, JIT-compiled code, classes first used by them and",
            "  a grown heap add about 50 MiB, which the serial collector keeps until a full collection.",
            "", "## Machine", "",
            f"- CPU: {cpu_model()}, {os.cpu_count()} cores; kernel {platform.release()}",
            f"- Java: {java_version()}",
            f"- dockerd: {version(['dockerd', '--version'])}; runc: {version(['runc', '--version'])}",
            f"- docker CLI: {version([DOCKER, '--version'])}", ""]
    return "\n".join(out)


def measure_dashboard(image_tar):
    """bench/dashboard.py's rows, on a Berth daemon of their own."""
    root = tempfile.mkdtemp(prefix="bench-dashboard-")
    try:
        return dashboard.measure(Berth, image_tar, root)
    finally:
        subprocess.run(["umount", "-R", "-l", root], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def java_version():
    p = subprocess.run(["java", "-version"], capture_output=True, text=True)
    return (p.stderr.strip().splitlines() or ["absent"])[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--concurrent", type=int, default=20)
    ap.add_argument("--log-mib", type=int, default=100)
    ap.add_argument("--big-mb", type=float, default=60, help="size of the single-layer pull image")
    ap.add_argument("--no-dockerd", action="store_true", help="measure Berth only")
    ap.add_argument("--dashboard-only", action="store_true",
                    help="only the dashboard's rows: rewrite the Dashboard section of --out, keep the rest")
    ap.add_argument("--out", default=os.path.join(REPO, "docs", "benchmarks.md"))
    args = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench: run as root; both daemons need it")

    image_tar = busybox_rootfs.rootfs_tar()
    if args.dashboard_only:
        with open(args.out) as f:
            text = dashboard.replace_section(f.read(), dashboard.section(measure_dashboard(image_tar)))
        with open(args.out, "w") as f:
            f.write(text)
        print(text)
        return
    registry = registry_fixture.start(tempfile.mkdtemp(prefix="bench-registry-"), int(args.big_mb * 1e6))
    engines = [Berth]
    if not args.no_dockerd and shutil.which("dockerd"):
        engines.append(Dockerd)
    results = {}
    try:
        for cls in engines:
            root = tempfile.mkdtemp(prefix=f"bench-{cls.__name__.lower()}-")
            engine = cls("Berth" if cls is Berth else "dockerd", root)
            try:
                print(f"bench: {engine.name} ...", file=sys.stderr, flush=True)
                results[engine.name] = measure(engine, image_tar, args.runs, args.concurrent,
                                               args.log_mib * 2**20, registry)
                print(f"bench: {engine.name}: {results[engine.name]}", file=sys.stderr, flush=True)
            finally:
                engine.stop()
                subprocess.run(["umount", "-R", "-l", root], capture_output=True)
                shutil.rmtree(root, ignore_errors=True)
        dash = measure_dashboard(image_tar)
        results["Berth"]["tar_xzf_mb_s"] = registry.tar_xzf_mb_s()
        results["Berth"]["loopback_mib_s"] = loopback_throughput()
        args.layered_mb = registry.layered_bytes / 1e6
    finally:
        registry.stop()
    berth_cmd = " ".join(berth_java()) + " [--name=value ...]"
    text = report(results, args, berth_cmd, dash)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
