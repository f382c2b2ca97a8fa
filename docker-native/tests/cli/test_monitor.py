"""Black-box tests of berth-monitor, under each runtime of the `runtime` fixture.

The monitor is driven as the engine will drive it: the launcher's exit status
and stdout, the json-file log, the exit file, and the attach socket protocol
(one request line; ATTACH streams Docker's 8-byte multiplexed frames).
"""
import json
import os
import re
import signal
import socket
import stat
import struct
import subprocess
import time

import pytest

from conftest import BERTH_MONITOR

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$")


def wait_for(pred, timeout=20, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def proc_status(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split(":", 1)[1].strip()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def alive(pid):
    state = proc_status(pid, "State")
    return state is not None and not state.startswith("Z")


def pids_with_arg(arg):
    """Live processes whose command line contains arg (the monitor's socket path)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if arg.encode() in args and alive(int(d)):
            found.append(int(d))
    return found


class Monitor:
    """One container watched by berth-monitor, with its files in a directory."""

    def __init__(self, runtime, bundle, directory, opts=()):
        self.runtime = runtime
        self.bundle = bundle
        self.id = runtime.new_id()
        self.dir = str(directory)
        self.log = os.path.join(self.dir, "ctr.log")
        self.exit_file = os.path.join(self.dir, "exit.json")
        self.socket = os.path.join(self.dir, "a.sock")
        self.opts = list(opts)
        self.pid = None

    def argv(self):
        return [BERTH_MONITOR, "--runtime", self.runtime.path, "--runtime-root", self.runtime.root,
                "--bundle", self.bundle.path, "--id", self.id, "--log", self.log,
                "--exit-file", self.exit_file, "--socket", self.socket, *self.opts]

    def launch(self, check=True):
        r = subprocess.run(self.argv(), capture_output=True, text=True, timeout=60)
        if check:
            assert r.returncode == 0, f"launcher failed ({r.returncode}): {r.stderr}"
            assert r.stderr == ""
            assert re.fullmatch(r"[1-9][0-9]*\n", r.stdout), r.stdout
            self.pid = int(r.stdout)
        return r

    def monitor_pid(self):
        """The monitor is the init's parent: it reaps it as child subreaper."""
        return int(proc_status(self.pid, "PPid"))

    def request(self, line):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(self.socket)
            s.sendall(line.encode() + b"\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.decode()

    def attach(self, *streams):
        return Attach(self.socket, streams)

    def start(self):
        assert self.request("START") == "OK\n"

    def wait_exit(self, timeout=30):
        wait_for(lambda: os.path.exists(self.exit_file), timeout, "the exit file")
        with open(self.exit_file) as f:
            record = json.load(f)
        assert set(record) == {"exitCode", "signal", "oomKilled", "startedAt", "finishedAt", "pid"}
        assert TIME_RE.match(record["startedAt"]) and TIME_RE.match(record["finishedAt"])
        assert record["finishedAt"] >= record["startedAt"]
        return record

    def entries(self):
        """The log as parsed entries, checking every line is a json-file object."""
        out = []
        with open(self.log, "rb") as f:
            raw = f.read()
        assert raw == b"" or raw.endswith(b"\n")
        for line in raw.splitlines():
            entry = json.loads(line)
            assert list(entry) == ["log", "stream", "time"], line
            assert entry["stream"] in ("stdout", "stderr")
            assert TIME_RE.match(entry["time"]), entry["time"]
            out.append(entry)
        return out

    def text(self, stream):
        return "".join(e["log"] for e in self.entries() if e["stream"] == stream)


class Attach:
    """A client of the attach socket, decoding the multiplexed frames."""

    def __init__(self, path, streams):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.sock.sendall(("ATTACH " + " ".join(streams)).strip().encode() + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = self.sock.recv(1)
            assert chunk, "attach socket closed before the reply"
            reply += chunk
        assert reply == b"OK\n"
        self.raw = bytearray()
        self.eof = False

    def frames(self):
        frames, i = [], 0
        while i + 8 <= len(self.raw):
            stream = self.raw[i]
            assert self.raw[i + 1:i + 4] == b"\0\0\0"
            (n,) = struct.unpack(">I", self.raw[i + 4:i + 8])
            if i + 8 + n > len(self.raw):
                break
            frames.append((stream, bytes(self.raw[i + 8:i + 8 + n])))
            i += 8 + n
        return frames

    def output(self, stream=None):
        return b"".join(p for s, p in self.frames() if stream is None or s == stream)

    def read_until(self, pred, timeout=30):
        deadline = time.monotonic() + timeout
        while not pred(self):
            assert not self.eof, f"attach ended before the expected output: {self.frames()}"
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out; got {self.frames()}"
            self.sock.settimeout(remaining)
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                self.eof = True
            self.raw.extend(chunk)

    def read_to_end(self, timeout=30):
        def ended(a):
            return a.eof
        try:
            self.read_until(ended, timeout)
        except AssertionError:
            if not self.eof:
                raise
        # Every byte must belong to a whole frame.
        assert sum(8 + len(p) for _, p in self.frames()) == len(self.raw)
        return self.frames()

    def close(self):
        self.sock.close()


@pytest.fixture
def monitor(runtime, make_bundle, tmp_path):
    """monitor(args, opts=(), edit=None) -> Monitor for a fresh bundle (not launched)."""
    made = []

    def make(args, opts=(), edit=None):
        d = tmp_path / f"m{len(made)}"
        d.mkdir()
        m = Monitor(runtime, make_bundle(args, edit), d, opts)
        made.append(m)
        return m

    yield make
    for m in made:
        runtime("delete", "--force", m.id)
    for m in made:
        try:
            wait_for(lambda: not pids_with_arg(m.socket), 10, "the monitor to exit")
        finally:
            for pid in pids_with_arg(m.socket):
                os.kill(pid, signal.SIGKILL)


def test_output_reaches_log_and_attached_client(monitor):
    m = monitor(["sh", "-c", "echo hello; echo oops >&2; printf 'a\\tb<&>'"])
    m.launch()
    # Without --start the container waits, so an attach loses nothing.
    assert stat.S_IMODE(os.stat(m.socket).st_mode) == 0o600
    assert alive(m.pid) and m.runtime.state(m.id)["status"] == "created"
    client = m.attach("stdout", "stderr")
    before = time.time()
    m.start()
    frames = client.read_to_end()
    assert {s for s, _ in frames} <= {1, 2}
    assert client.output(1) == b"hello\na\tb<&>"
    assert client.output(2) == b"oops\n"

    record = m.wait_exit()
    assert record["exitCode"] == 0 and record["signal"] == 0 and record["oomKilled"] is False
    assert record["pid"] == m.pid

    entries = m.entries()
    out = [e["log"] for e in entries if e["stream"] == "stdout"]
    err = [e["log"] for e in entries if e["stream"] == "stderr"]
    assert out == ["hello\n", "a\tb<&>"]
    assert err == ["oops\n"]
    for e in entries:
        # RFC3339Nano in UTC, close to now.
        secs = time.mktime(time.strptime(e["time"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
        assert before - 5 < secs < time.time() + 5
    # Byte for byte what Docker's json-file writer produces for these strings.
    with open(m.log, "rb") as f:
        raw = f.read().decode()
    assert '{"log":"hello\\n","stream":"stdout","time":"' in raw
    assert '{"log":"a\\u0009b\\u003c\\u0026\\u003e","stream":"stdout","time":"' in raw


def test_stderr_is_its_own_stream(monitor):
    m = monitor(["sh", "-c", "echo to-err >&2; echo to-out"], ["--start"])
    m.launch()
    assert m.wait_exit()["exitCode"] == 0
    assert m.text("stderr") == "to-err\n"
    assert m.text("stdout") == "to-out\n"


def test_long_line_is_split_like_docker(monitor):
    m = monitor(["sh", "-c", "head -c 40000 /dev/zero | tr '\\0' x; echo; printf tail"], ["--start"])
    m.launch()
    assert m.wait_exit()["exitCode"] == 0
    logs = [e["log"] for e in m.entries()]
    assert logs == ["x" * 16384, "x" * 16384, "x" * (40000 - 32768) + "\n", "tail"]


def test_stdin_once_half_close_ends_cat(monitor):
    m = monitor(["cat"], ["--stdin", "--stdin-once"])
    m.launch()
    client = m.attach("stdin", "stdout", "stderr")
    m.start()
    client.sock.sendall(b"hello\n")
    client.read_until(lambda a: a.output(1) == b"hello\n")
    client.sock.sendall(b"second line\n")
    client.read_until(lambda a: a.output(1) == b"hello\nsecond line\n")
    assert alive(m.pid)
    client.sock.shutdown(socket.SHUT_WR)
    client.read_to_end()
    assert client.output() == b"hello\nsecond line\n"
    record = m.wait_exit()
    assert record["exitCode"] == 0
    assert m.text("stdout") == "hello\nsecond line\n"


def test_stdin_without_once_stays_open_until_close_stdin(monitor):
    m = monitor(["cat"], ["--stdin", "--start"])
    m.launch()
    first = m.attach("stdin", "stdout")
    first.sock.sendall(b"one\n")
    first.read_until(lambda a: a.output(1) == b"one\n")
    first.sock.shutdown(socket.SHUT_WR)
    # A second client still reaches the same stdin: the first one's EOF did not close it.
    second = m.attach("stdin", "stdout")
    second.sock.sendall(b"two\n")
    second.read_until(lambda a: a.output(1) == b"two\n")
    first.read_until(lambda a: a.output(1) == b"one\ntwo\n")
    assert alive(m.pid)
    assert m.request("CLOSE-STDIN") == "OK\n"
    assert m.wait_exit()["exitCode"] == 0
    second.read_to_end()
    first.read_to_end()
    assert m.text("stdout") == "one\ntwo\n"


def test_terminal_and_resize(monitor):
    def tty(spec):
        spec["process"]["terminal"] = True

    m = monitor(["sh", "-c", "test -t 0 && tty; read x; stty size"], ["--terminal", "--stdin"], tty)
    m.launch()
    client = m.attach("stdin", "stdout", "stderr")
    m.start()
    client.read_until(lambda a: b"/dev/" in a.output() and a.output().endswith(b"\r\n"))
    assert client.output().strip() in (b"/dev/pts/0", b"/dev/console")
    assert m.request("RESIZE 33 111") == "OK\n"
    client.sock.sendall(b"\n")
    client.read_to_end()
    assert {s for s, _ in client.frames()} == {1}
    assert b"33 111\r\n" in client.output()
    assert m.wait_exit()["exitCode"] == 0
    entries = m.entries()
    assert {e["stream"] for e in entries} == {"stdout"}
    text = "".join(e["log"] for e in entries)
    assert re.search(r"/dev/(pts/0|console)\r\n", text) and "33 111\r\n" in text


def test_survives_killed_launcher_and_signals(monitor, tmp_path):
    m = monitor(["sh", "-c", "sleep 2; echo done; exit 7"], ["--start"])
    out = str(tmp_path / "launcher.out")
    # An intermediate shell in its own process group stands for the engine that spawned us.
    with open(out, "w") as f:
        parent = subprocess.Popen(["sh", "-c", '"$@"; exec sleep 1000', "sh", *m.argv()], stdout=f,
                                  start_new_session=True)
    try:
        m.pid = int(wait_for(lambda: open(out).read().strip(), 30, "the launcher's pid"))
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
    mon = m.monitor_pid()
    assert alive(mon) and os.getsid(mon) == mon
    # Signals meant for an engine must not stop the monitor nor the container.
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        os.kill(mon, sig)
    time.sleep(0.2)
    assert alive(mon) and alive(m.pid)
    record = m.wait_exit()
    assert record["exitCode"] == 7 and record["signal"] == 0
    assert m.text("stdout") == "done\n"


def test_sigkill_is_recorded_as_137(monitor):
    m = monitor(["sleep", "100"], ["--start"])
    m.launch()
    os.kill(m.pid, signal.SIGKILL)
    record = m.wait_exit()
    assert record["exitCode"] == 137 and record["signal"] == 9 and record["oomKilled"] is False


def test_oom_kill_is_recorded(monitor):
    def limit(spec):
        spec["linux"].setdefault("resources", {})["memory"] = {"limit": 16 << 20, "swap": 16 << 20}

    # The shell holds 100 MB of command substitution: the memory cgroup's OOM killer takes it.
    m = monitor(["sh", "-c", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived"], ["--start"], limit)
    m.launch()
    record = m.wait_exit()
    assert record["oomKilled"] is True
    assert record["exitCode"] == 137 and record["signal"] == 9
    assert "survived" not in m.text("stdout")


def test_no_oom_when_none_happened(monitor):
    def limit(spec):
        spec["linux"].setdefault("resources", {})["memory"] = {"limit": 64 << 20}

    m = monitor(["sh", "-c", "exit 3"], ["--start"], limit)
    m.launch()
    record = m.wait_exit()
    assert record["oomKilled"] is False and record["exitCode"] == 3


@pytest.mark.parametrize("case", ["missing-binary", "missing-bundle"])
def test_failed_create_leaves_nothing(monitor, case):
    # --start, so a runtime that only notices at start fails the launch the same way.
    m = monitor(["/nonexistent"] if case == "missing-binary" else ["true"], ["--start"])
    if case == "missing-bundle":
        m.bundle.path = os.path.join(m.dir, "no-such-bundle")
    r = m.launch(check=False)
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("berth-monitor: "), r.stderr
    if case == "missing-binary":
        assert "/nonexistent" in lines[0]
    assert not os.path.exists(m.socket)
    assert not os.path.exists(m.exit_file)
    assert pids_with_arg(m.socket) == []
    assert m.runtime.state(m.id) is None
    assert [f for f in os.listdir(m.dir) if f not in ("ctr.log",)] == []


def test_container_does_not_inherit_monitor_signal_state(monitor):
    # The monitor ignores SIGPIPE/SIGTERM and blocks SIGCHLD; none of that may leak into the container.
    m = monitor(["cat", "/proc/self/status"], ["--start"])
    m.launch()
    assert m.wait_exit()["exitCode"] == 0
    fields = dict(line.split(":\t", 1) for line in m.text("stdout").splitlines() if ":\t" in line)
    assert int(fields["SigIgn"], 16) == 0
    assert int(fields["SigBlk"], 16) == 0


def test_monitor_rss_is_small(monitor):
    script = "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); done; head -c 40000 /dev/zero; exec sleep 100"
    m = monitor(["sh", "-c", script], ["--stdin"])
    m.launch()
    client = m.attach("stdin", "stdout", "stderr")
    m.start()
    client.read_until(lambda a: a.output(1).endswith(b"\0" * 40000))
    wait_for(lambda: sum(1 for _ in open(m.log)) >= 3002, 10, "the log")
    mon = m.monitor_pid()
    rss = int(proc_status(mon, "VmRSS").split()[0])
    print(f"berth-monitor VmRSS: {rss} kB")
    assert rss <= 2048

    # Idle, with a client attached, the monitor sleeps in epoll_wait: no busy polling.
    def cpu_ticks():
        with open(f"/proc/{mon}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    before = cpu_ticks()
    time.sleep(1)
    assert cpu_ticks() - before <= 1
    client.close()


def test_cleanup_when_container_ends(monitor):
    m = monitor(["sleep", "0.5"], ["--start"])
    m.launch()
    mon = m.monitor_pid()
    record = m.wait_exit()
    assert record["exitCode"] == 0
    # The exit file comes last: the socket and the runtime's state are already gone.
    assert not os.path.exists(m.socket)
    assert m.runtime.state(m.id) is None
    wait_for(lambda: not pids_with_arg(m.socket), 10, "the monitor to exit")
    assert not alive(mon)
    assert sorted(os.listdir(m.dir)) == ["ctr.log", "exit.json"]


def test_same_container_again_appends_to_the_log(monitor):
    m = monitor(["sh", "-c", "echo run"], ["--start"])
    m.launch()
    assert m.wait_exit()["exitCode"] == 0
    # The engine restarts it with the same id, socket, log and exit file as soon as it sees the exit.
    m.launch()
    assert m.wait_exit()["exitCode"] == 0
    assert [e["log"] for e in m.entries()] == ["run\n", "run\n"]


def test_requests_and_errors(monitor):
    m = monitor(["sleep", "100"])
    m.launch()
    assert m.request("HELLO") == "ERR unknown request\n"
    assert m.request("RESIZE 10 10").startswith("ERR ")
    assert m.request("RESIZE ten 10").startswith("ERR ")
    assert m.request("ATTACH stdout bogus").startswith("ERR ")
    waiter = m.attach()
    m.start()
    assert m.request("START").startswith("ERR ")
    assert m.runtime.state(m.id)["status"] == "running"
    os.kill(m.pid, signal.SIGKILL)
    # A bare ATTACH ends when the container does.
    assert waiter.read_to_end() == []
    assert m.wait_exit()["exitCode"] == 137


BIG_LINES = 192  # 12 MiB of 64 KiB lines: far more than a client may fall behind (1 MiB)
BIG_SCRIPT = ("read x; i=0; while [ $i -lt %d ]; do head -c 65535 /dev/zero | tr '\\0' y; echo; i=$((i+1)); done"
              % BIG_LINES)


def test_a_slow_client_gets_every_byte_and_so_does_the_log(monitor):
    m = monitor(["sh", "-c", BIG_SCRIPT], ["--stdin", "--start"])
    m.launch()
    reader = m.attach("stdin", "stdout")
    small = m.attach("stderr")
    reader.sock.sendall(b"go\n")
    # Slow at first: the container must wait for it rather than lose its output.
    for _ in range(20):
        reader.sock.settimeout(30)
        chunk = reader.sock.recv(64 * 1024)
        assert chunk
        reader.raw.extend(chunk)
        time.sleep(0.02)
    frames = reader.read_to_end(timeout=60)
    assert len(reader.output(1)) == BIG_LINES * 65536
    assert all(s == 1 for s, _ in frames)
    assert small.read_to_end() == []
    assert m.wait_exit(timeout=60)["exitCode"] == 0
    # The log has every line, 4 pieces of 16 KiB each (the last with the newline).
    logs = [e["log"] for e in m.entries()]
    assert len(logs) == BIG_LINES * 4 and all(len(x) == 16384 for x in logs[:3])
    assert logs[3] == "y" * (65535 - 3 * 16384) + "\n"


def test_a_stuck_client_holds_the_output_until_it_goes(monitor):
    m = monitor(["sh", "-c", BIG_SCRIPT], ["--stdin", "--start"])
    m.launch()
    stuck = m.attach("stdout")  # never reads, like dockerd's attach pipe this holds the container up
    reader = m.attach("stdin", "stdout")
    reader.sock.sendall(b"go\n")
    time.sleep(2)
    assert not os.path.exists(m.exit_file)
    held = len(m.text("stdout"))
    assert 0 < held < BIG_LINES * 65536
    time.sleep(0.5)
    assert len(m.text("stdout")) == held, "output went on past a client that reads nothing"
    stuck.close()
    reader.read_to_end(timeout=60)
    assert len(reader.output(1)) == BIG_LINES * 65536
    assert m.wait_exit(timeout=60)["exitCode"] == 0
    assert len(m.text("stdout")) == BIG_LINES * 65536


def test_a_stuck_client_cannot_keep_an_ended_container_open(monitor):
    # Init ends while a child still writes: the output held back for the stuck client waits only until the
    # drain deadline, then the exit is recorded.
    script = "(head -c 8000000 /dev/zero | tr '\\0' y) & sleep 1; exit 3"
    m = monitor(["sh", "-c", script], ["--start"])
    m.launch()
    stuck = m.attach("stdout")
    assert m.wait_exit(timeout=20)["exitCode"] == 3
    assert len(m.text("stdout")) < 8000000
    stuck.close()
