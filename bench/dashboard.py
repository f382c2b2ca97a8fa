"""The dashboard's live data, measured on a Berth daemon of its own: how soon a log line reaches a WebSocket client,
and what the stats stream costs the daemon in CPU. dockerd has no counterpart, so these rows are Berth's only.

The daemon is started as the main benchmark starts it, plus a port for the dashboard, a known admin password and a
default bridge of its own (`berthb0`), so that it never meets another daemon's bridge; every container runs with
`--network none`. The WebSocket client is written here on the standard library, so nothing is to be installed.
"""
import base64
import calendar
import concurrent.futures
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

PASSWORD = "benchpass123"
BRIDGE = "berthb0"  # nftables table berth_berthb0; never berth0 or another daemon's
SUBNET = "10.77.0.0/24"

LOG_CONTAINERS = 20
LOG_INTERVAL_S = 0.05
LOG_WARM_UP_S = 3
LOG_SECONDS = 20
STAMP_EVERY = 10  # every 10th line also carries the container's own clock, read with busybox's adjtimex

STATS_CONTAINERS = 50
STATS_WARM_UP_S = 5
STATS_SECONDS = 30

CLK_TCK = os.sysconf("SC_CLK_TCK")

# One line every 50 ms; every STAMP_EVERY-th one with the time of day in microseconds. busybox's date has no %N
# and its ts buffers a pipe, so the clock comes from adjtimex(2) with no change requested, which any process may do.
LOG_SCRIPT = (
    "i=0; while :; do i=$((i+1)); "
    f"if [ $((i % {STAMP_EVERY})) -eq 0 ]; then "
    "adjtimex | awk -v i=$i '/tv_sec/ {s=$2} /tv_usec/ {printf \"%d %s.%06d\\n\", i, s, $2}'; "
    "else echo $i; fi; "
    f"usleep {int(LOG_INTERVAL_S * 1e6)}; done")


# ---------------------------------------------------------------------------------------------------------------
# A minimal WebSocket client (RFC 6455): text frames out, masked; frames in, with their arrival time.

class WebSocket:
    def __init__(self, port, path, headers):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = bytearray()
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("dashboard: the WebSocket handshake was closed")
            self.buf += chunk
        head, _, rest = bytes(self.buf).partition(b"\r\n\r\n")
        status = head.split(b"\r\n")[0].decode()
        if " 101 " not in status + " ":
            raise SystemExit(f"dashboard: the WebSocket handshake was refused: {status}")
        self.buf = bytearray(rest)
        self.arrived = time.time_ns()
        self.lock = threading.Lock()

    def send(self, obj):
        payload = json.dumps(obj).encode()
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = bytes([0x81, 0x80 | n])
        elif n < 65536:
            header = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        with self.lock:
            self.sock.sendall(header + mask + masked)

    def _frame(self):
        """One whole frame from the buffer, or None: (fin, opcode, payload)."""
        b = self.buf
        if len(b) < 2:
            return None
        n, at = b[1] & 0x7F, 2
        if n == 126:
            if len(b) < 4:
                return None
            n, at = int.from_bytes(b[2:4], "big"), 4
        elif n == 127:
            if len(b) < 10:
                return None
            n, at = int.from_bytes(b[2:10], "big"), 10
        if b[1] & 0x80:
            at += 4  # a server never masks, but skip a mask key all the same
        if len(b) < at + n:
            return None
        frame = (bool(b[0] & 0x80), b[0] & 0x0F, bytes(b[at:at + n]))
        del b[:at + n]
        return frame

    def recv(self, timeout):
        """The next text message and the wall-clock time in ns at which its last byte arrived, or None when
        timeout seconds pass first."""
        deadline = time.monotonic() + timeout
        parts = []
        while True:
            frame = self._frame()
            if frame is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    if parts:  # keep what has come of a fragmented message for the next call
                        raise SystemExit("dashboard: a fragmented message stalled")
                    return None
                self.sock.settimeout(left)
                try:
                    chunk = self.sock.recv(1 << 20)
                except socket.timeout:
                    continue
                self.arrived = time.time_ns()
                if not chunk:
                    raise SystemExit("dashboard: the WebSocket was closed by the daemon")
                self.buf += chunk
                continue
            fin, op, payload = frame
            if op == 0x9:  # ping
                with self.lock:
                    self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                continue
            if op == 0xA:
                continue
            if op == 0x8:
                raise SystemExit(f"dashboard: the daemon closed the WebSocket: {payload[2:].decode(errors='replace')}")
            parts.append(payload)
            if fin:
                # Any frame whole in the buffer was completed by the last chunk read: none is parsed before it.
                return json.loads(b"".join(parts)), self.arrived

    def close(self):
        try:
            with self.lock:
                self.sock.sendall(bytes([0x88, 0x82]) + b"\0\0\0\0" + (1000).to_bytes(2, "big"))
        except OSError:
            pass
        self.sock.close()


def sign_in(port):
    """The BERTH_SESSION cookie of admin, signed in through the form as a browser does."""
    origin = f"http://127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    page = resp.read().decode()
    cookie = session_cookie(resp)
    m = re.search(r'name="_csrf"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="_csrf"', page)
    if resp.status != 200 or not cookie or not m:
        raise SystemExit(f"dashboard: GET /login gave {resp.status} without a session or CSRF token")
    body = urllib.parse.urlencode({"username": "admin", "password": PASSWORD, "_csrf": m.group(1)})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                                          "Cookie": f"BERTH_SESSION={cookie}"})
    resp = conn.getresponse()
    resp.read()
    signed_in = session_cookie(resp)
    location = resp.getheader("Location") or ""
    conn.close()
    if resp.status != 302 or not signed_in or "error" in location:
        raise SystemExit(f"dashboard: sign-in gave {resp.status} to {location!r}")
    return signed_in


def session_cookie(resp):
    for k, v in resp.getheaders():
        if k.lower() == "set-cookie" and v.startswith("BERTH_SESSION="):
            return v.split(";", 1)[0].split("=", 1)[1]
    return None


def open_socket(port, cookie):
    return WebSocket(port, "/ui/ws", {"Cookie": f"BERTH_SESSION={cookie}", "Origin": f"http://127.0.0.1:{port}"})


def rfc3339_ns(t):
    """'2026-11-28T10:00:00.123456789Z' as ns since the epoch, without losing the nanoseconds."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z", t)
    if not m:
        d = datetime.datetime.fromisoformat(t)
        return int(d.timestamp()) * 10**9 + d.microsecond * 1000
    secs = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    return secs * 10**9 + int((m.group(2) or "0").ljust(9, "0"))


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(k)]


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


# ---------------------------------------------------------------------------------------------------------------

def log_latency(engine, port, cookie, r):
    ids = []
    for i in range(LOG_CONTAINERS):
        out = engine.docker("run", "-d", "--name", f"dashlog{i}", "--network", "none", "busybox", "sh", "-c",
                            LOG_SCRIPT, capture_output=True, text=True).stdout.strip()
        ids.append(out)
    ws = open_socket(port, cookie)
    try:
        for cid in ids:
            ws.send({"op": "sub", "ch": f"logs:{cid}"})
        start = time.time_ns() + int(LOG_WARM_UP_S * 1e9)
        end = start + int(LOG_SECONDS * 1e9)
        latencies, stamped, pipe, seen, frames = [], [], [], {}, 0
        while time.time_ns() < end + 2 * 10**9:  # lines written until `end`, and 2 s for the last to come
            got = ws.recv(1)
            if got is None:
                continue
            msg, arrived = got
            ch = msg.get("ch", "")
            if "error" in msg:
                raise SystemExit(f"dashboard: {ch}: {msg['error']}")
            if not ch.startswith("logs:"):
                continue
            counted = False
            for line in msg.get("lines", []):
                t = rfc3339_ns(line["t"])
                if not start <= t < end:
                    continue
                frames += 0 if counted else 1
                counted = True
                seen.setdefault(ch, []).append(line["n"])
                latencies.append(arrived - t)
                words = line["html"].split()
                if len(words) == 2:  # "i seconds.micros" from the container's clock
                    written = int(words[1].replace(".", "")) * 1000
                    stamped.append(arrived - written)
                    pipe.append(t - written)
    finally:
        ws.close()
        engine.docker("rm", "-f", *[f"dashlog{i}" for i in range(LOG_CONTAINERS)], capture_output=True)
    if len(seen) != LOG_CONTAINERS or not latencies:
        raise SystemExit(f"dashboard: lines came from {len(seen)} of {LOG_CONTAINERS} containers")
    written = sum(max(ns) - min(ns) + 1 for ns in seen.values())  # by each channel's line numbers
    latencies.sort()
    r["log_lines"] = len(latencies)
    r["log_missing"] = written - sum(len(set(ns)) for ns in seen.values())
    r["log_frames"] = frames
    r["log_median_s"] = statistics.median(latencies) / 1e9
    r["log_p99_s"] = percentile(latencies, 99) / 1e9
    r["log_max_s"] = latencies[-1] / 1e9
    if stamped:
        stamped.sort()
        r["log_stamped_n"] = len(stamped)
        r["log_stamped_median_s"] = statistics.median(stamped) / 1e9
        r["log_stamped_p99_s"] = percentile(stamped, 99) / 1e9
        r["log_pipe_median_s"] = statistics.median(pipe) / 1e9


def stats_cpu(engine, port, cookie, r):
    pid = engine.proc.pid

    def run_sleeper(i):
        return engine.docker("run", "-d", "--name", f"dashstats{i}", "--network", "none", "busybox", "sleep", "3600",
                             capture_output=True, text=True).stdout.strip()

    try:
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            ids = list(pool.map(run_sleeper, range(STATS_CONTAINERS)))
        running = engine.docker("ps", "-q", capture_output=True, text=True).stdout.split()
        if len(running) != STATS_CONTAINERS:
            raise SystemExit(f"dashboard: {len(running)} of {STATS_CONTAINERS} containers running")
        ws = open_socket(port, cookie)
        try:
            def subscribe(op):
                for cid in ids:
                    ws.send({"op": op, "ch": f"stats:{cid}"})

            def drain(seconds, counts=None):
                deadline = time.monotonic() + seconds
                while (left := deadline - time.monotonic()) > 0:
                    got = ws.recv(left)
                    if got is None:
                        break
                    msg = got[0]
                    if "error" in msg:
                        raise SystemExit(f"dashboard: {msg.get('ch')}: {msg['error']}")
                    if counts is not None and "point" in msg:
                        counts[msg["ch"]] = counts.get(msg["ch"], 0) + 1

            # Warm-up: the first subscriptions load and compile the code that serves them.
            subscribe("sub")
            drain(STATS_WARM_UP_S)
            subscribe("unsub")
            drain(5)

            c0 = cpu_ticks(pid)
            drain(STATS_SECONDS)  # nobody subscribed: nothing should come
            c1 = cpu_ticks(pid)

            subscribe("sub")
            drain(2)
            counts = {}
            c2 = cpu_ticks(pid)
            drain(STATS_SECONDS, counts)
            c3 = cpu_ticks(pid)
            subscribe("unsub")
            drain(1)
        finally:
            ws.close()
        if len(counts) != STATS_CONTAINERS:
            raise SystemExit(f"dashboard: points came on {len(counts)} of {STATS_CONTAINERS} stats channels")
        r["stats_idle_cpu_pct"] = (c1 - c0) / CLK_TCK / STATS_SECONDS * 100
        r["stats_sub_cpu_pct"] = (c3 - c2) / CLK_TCK / STATS_SECONDS * 100
        r["stats_extra_cpu_pct"] = r["stats_sub_cpu_pct"] - r["stats_idle_cpu_pct"]
        r["stats_points_min"] = min(counts.values())
        r["stats_points_max"] = max(counts.values())
    finally:
        engine.docker("rm", "-f", *[f"dashstats{i}" for i in range(STATS_CONTAINERS)], capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(port, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"dashboard: nothing answers on 127.0.0.1:{port}")
            time.sleep(0.05)


def remove_bridge():
    """The bridge and nftables table this daemon may have made; both are named after BRIDGE, so only ours."""
    if os.path.exists(f"/sys/class/net/{BRIDGE}"):
        subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True)
    if shutil.which("nft"):
        subprocess.run(["nft", "delete", "table", "ip", f"berth_{BRIDGE}"], capture_output=True)


def measure(berth_class, image_tar, root):
    """Starts a Berth daemon (berth_class, the main benchmark's) on root with the dashboard open, measures, stops."""
    port = free_port()

    class DashboardBerth(berth_class):
        def command(self):
            return [a for a in super().command() if not a.startswith("--server.port=")] + [
                f"--server.port={port}", f"--berth.security.initial-admin-password={PASSWORD}",
                f"--berth.network.bridge-name={BRIDGE}", f"--berth.network.bridge-subnet={SUBNET}"]

    engine = DashboardBerth("Berth (dashboard)", root)
    r = {}
    try:
        print("bench: dashboard ...", file=sys.stderr, flush=True)
        engine.start()
        wait_for_http(port, engine.proc)
        engine.docker("import", "-c", 'CMD ["sh"]', "-", "busybox", input=image_tar, capture_output=True)
        cookie = sign_in(port)
        log_latency(engine, port, cookie, r)
        stats_cpu(engine, port, cookie, r)
        time.sleep(5)
        r["rss_after_mib"] = rss_mib(engine.proc.pid)
        r["load"] = os.getloadavg()[2]
        r["measured"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        print(f"bench: dashboard: {r}", file=sys.stderr, flush=True)
        return r
    finally:
        engine.stop()
        remove_bridge()


# ---------------------------------------------------------------------------------------------------------------

def section(r):
    """The "## Dashboard" section of docs/benchmarks.md."""
    ms = lambda s: f"{s * 1000:.1f} ms"
    p99_met = "yes" if r["log_p99_s"] < 0.1 else "**no**"
    cpu_met = "yes" if r["stats_extra_cpu_pct"] < 5 else "**no**"
    rows = [
        (f"a container writes a log line → a WebSocket client receives the frame pushed with it (from the line's "
         f"`t`; no browser painting); {LOG_CONTAINERS} containers, a line each every {LOG_INTERVAL_S * 1000:.0f} ms, "
         f"{LOG_SECONDS} s; median",
         ms(r["log_median_s"]), "", ""),
        ("the same, 99th percentile", ms(r["log_p99_s"]), "under 100 ms", p99_met),
        ("the same, maximum", ms(r["log_max_s"]), "", ""),
        (f"lines received in those {LOG_SECONDS} s, in how many frames; lines missing (gaps in `n`)",
         f"{r['log_lines']} in {r['log_frames']}; {r['log_missing']}", "", ""),
    ]
    if "log_stamped_n" in r:
        rows.append((f"the same latency from the container's own clock (every {STAMP_EVERY}th line, "
                     f"{r['log_stamped_n']} lines), median / p99",
                     f"{ms(r['log_stamped_median_s'])} / {ms(r['log_stamped_p99_s'])}", "", ""))
    rows += [
        (f"daemon CPU with {STATS_CONTAINERS} running containers and nobody subscribed, {STATS_SECONDS} s",
         f"{r['stats_idle_cpu_pct']:.1f} % of a core", "", ""),
        (f"extra daemon CPU with one WebSocket subscribed to all {STATS_CONTAINERS} `stats:<id>`, {STATS_SECONDS} s",
         f"{r['stats_extra_cpu_pct']:.1f} % of a core", "under 5 %", cpu_met),
        (f"points received per `stats:<id>` channel in those {STATS_SECONDS} s (fewest / most)",
         f"{r['stats_points_min']} / {r['stats_points_max']}", "", ""),
        ("daemon RSS, idle 5 s after these", f"{r['rss_after_mib']:.0f} MiB", "", ""),
    ]
    out = ["## Dashboard", "",
           "The dashboard's live data (`/ui/ws`, see [dashboard.md](dashboard.md)), measured by `bench/dashboard.py`",
           "on a Berth daemon of its own, as part of `bench/run` or alone with `bench/run --dashboard-only`, which",
           "rewrites only this section. dockerd has no dashboard, so these rows are Berth's only.", "",
           f"Measured {r['measured']}; the machine's load average over the last 15 minutes was {r['load']:.1f}",
           f"on {os.cpu_count()} cores, which the daemon shares with whatever else runs.", "",
           "| | Berth | dockerd | Berth / dockerd | target | met |", "|---|---|---|---|---|---|"]
    out += [f"| {label} | {value} | n/a | n/a | {target} | {met} |" for label, value, target, met in rows]
    out += ["",
            f"- Log latency: {LOG_CONTAINERS} busybox containers (`--network none`) each run a shell loop that writes a",
            f"  numbered line and sleeps {LOG_INTERVAL_S * 1000:.0f} ms. One WebSocket, signed in as admin through the",
            f"  login form, subscribes to the {LOG_CONTAINERS} `logs:<id>` channels; after {LOG_WARM_UP_S} s, every line",
            f"  stamped within the next {LOG_SECONDS} s counts. The latency of a line is the wall clock when the last",
            "  byte of the frame carrying it was read by the client (in Python, on the same host) minus the line's",
            "  `t`, the time the container's monitor stamped when it read the line from the container's pipe. It",
            "  covers the monitor, the log file, the daemon's log watcher, JSON and the WebSocket; not a browser's",
            "  parsing and painting. As a check of `t`, every "
            f"{STAMP_EVERY}th line also carries the container's own clock (busybox's",
            "  `date` has no `%N`, so `adjtimex | awk` prints it, a fraction of a millisecond before the line is written),",
            "  and the row from that clock measures write to receipt. Missing lines are gaps in each channel's `n`.",
            f"- Stats CPU: {STATS_CONTAINERS} busybox `sleep 3600` containers (`--network none`). After a warm-up",
            f"  subscription of {STATS_WARM_UP_S} s and its end, the daemon's CPU time (utime + stime of the JVM in",
            f"  `/proc/<pid>/stat`) over {STATS_SECONDS} s with no channel open, then over {STATS_SECONDS} s with",
            f"  one socket subscribed to all {STATS_CONTAINERS} `stats:<id>` channels (a Point a second each,",
            "  counted); the difference is the stream's cost, as a percentage of one core. The engine samples",
            "  every running container's stats whether or not anyone watches (for the history), so the baseline",
            "  includes that.", ""]
    return out


def replace_section(text, lines):
    """text with its "## Dashboard" section replaced by lines, or lines put in before "## How"."""
    doc = text.split("\n")
    new = lines if lines[-1] == "" else lines + [""]
    if "## Dashboard" in doc:
        start = doc.index("## Dashboard")
        end = next((i for i in range(start + 1, len(doc)) if doc[i].startswith("## ")), len(doc))
        return "\n".join(doc[:start] + new + doc[end:])
    at = doc.index("## How") if "## How" in doc else len(doc)
    return "\n".join(doc[:at] + new + doc[at:])
