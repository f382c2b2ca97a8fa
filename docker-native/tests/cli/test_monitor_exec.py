"""berth-monitor --exec-process FILE: one exec'd process of a running container
watched like a container (stdio, attach socket, exit file), under each runtime
of the `runtime` fixture, through `runtime exec --detach --process FILE`."""
import json
import os
import re
import socket
import subprocess

import pytest

from conftest import BERTH_MONITOR, start_container
from test_monitor import Monitor, alive, pids_with_arg, wait_for

SLEEP = ["sleep", "60"]


class ExecMonitor(Monitor):
    """A monitor in exec mode: no bundle, a process file, the log optional."""

    def __init__(self, runtime, cid, directory, process, opts=(), log=True):
        self.runtime = runtime
        self.id = cid
        self.dir = str(directory)
        self.log = os.path.join(self.dir, "exec.log") if log else None
        self.exit_file = os.path.join(self.dir, "exit.json")
        self.socket = os.path.join(self.dir, "a.sock")
        self.process_file = os.path.join(self.dir, "process.json")
        with open(self.process_file, "w") as f:
            json.dump(process, f)
        self.opts = list(opts)
        self.pid = None

    def argv(self):
        log = ["--log", self.log] if self.log else []
        return [BERTH_MONITOR, "--exec-process", self.process_file, "--runtime", self.runtime.path,
                "--runtime-root", self.runtime.root, "--id", self.id, *log, "--exit-file", self.exit_file,
                "--socket", self.socket, *self.opts]

    def launch_waiting(self):
        """Without --start nothing runs yet: the launcher reports pid 0."""
        r = subprocess.run(self.argv(), capture_output=True, text=True, timeout=60)
        assert (r.returncode, r.stdout, r.stderr) == (0, "0\n", "")
        return r


def process(args, terminal=False, **extra):
    return {"terminal": terminal, "args": list(args), "env": ["PATH=/bin", "TERM=xterm"], "cwd": "/",
            "user": {"uid": 0, "gid": 0}, **extra}


@pytest.fixture
def container(runtime, make_bundle):
    """A running container: (cid, host pid of its init)."""
    bundle = make_bundle(SLEEP)
    return start_container(runtime, bundle)


@pytest.fixture
def exec_monitor(runtime, container, tmp_path):
    made = []
    cid, _ = container

    def make(args, opts=(), log=True, **proc):
        d = tmp_path / f"e{len(made)}"
        d.mkdir()
        m = ExecMonitor(runtime, cid, d, process(args, **proc), opts, log)
        made.append(m)
        return m

    yield make
    for m in made:
        try:
            wait_for(lambda: not pids_with_arg(m.socket), 10, "the monitor to exit")
        finally:
            for pid in pids_with_arg(m.socket):
                os.kill(pid, 9)


def test_exec_output_reaches_attach_and_exit_file(exec_monitor, runtime, container):
    cid, init_pid = container
    m = exec_monitor(["sh", "-c", "echo out; echo err >&2; ps -o pid,args; exit 5"])
    m.launch_waiting()
    assert not os.path.exists(m.exit_file)
    client = m.attach("stdout", "stderr")
    m.start()
    client.read_to_end()
    out = client.output(1).decode()
    assert out.startswith("out\n") and re.search(r"^\s*1 sleep 60$", out, re.M), out
    assert client.output(2) == b"err\n"
    record = m.wait_exit()
    assert record["exitCode"] == 5 and record["signal"] == 0 and record["oomKilled"] is False
    assert record["pid"] > 0 and record["startedAt"] != "0001-01-01T00:00:00Z"
    assert m.text("stdout").startswith("out\n") and m.text("stderr") == "err\n"
    # The container is untouched: exec mode never deletes it.
    assert runtime.state(cid)["status"] == "running" and alive(init_pid)
    assert not os.path.exists(m.socket)
    assert sorted(os.listdir(m.dir)) == ["exec.log", "exit.json", "process.json"]


def test_exec_start_right_away_without_log(exec_monitor, runtime, container):
    cid, _ = container
    m = exec_monitor(["sh", "-c", "read x; echo got $x"], ["--start", "--stdin"], log=False)
    m.launch()
    # The exec'd process is the monitor's child (its subreaper), inside the container's cgroup.
    mon = m.monitor_pid()
    assert pids_with_arg(m.socket) == [mon]
    state = runtime.state(cid)
    with open(f"/proc/{m.pid}/cgroup") as f, open(f"/proc/{state['pid']}/cgroup") as g:
        assert f.read() == g.read()
    client = m.attach("stdin", "stdout")
    client.sock.sendall(b"line\n")
    client.read_to_end()
    assert client.output(1) == b"got line\n"
    assert m.wait_exit()["exitCode"] == 0
    assert sorted(os.listdir(m.dir)) == ["exit.json", "process.json"]


def test_exec_stdin_once(exec_monitor):
    m = exec_monitor(["cat"], ["--stdin", "--stdin-once"])
    m.launch_waiting()
    client = m.attach("stdin", "stdout")
    client.sock.sendall(b"early\n")  # queued in the stdin pipe before the process exists
    m.start()
    client.read_until(lambda a: a.output(1) == b"early\n")
    client.sock.sendall(b"late\n")
    client.sock.shutdown(socket.SHUT_WR)
    client.read_to_end()
    assert client.output(1) == b"early\nlate\n"
    assert m.wait_exit()["exitCode"] == 0


def test_exec_terminal(exec_monitor):
    m = exec_monitor(["sh", "-c", "tty; test -t 0 && echo is-a-tty; read x; stty size"], ["--terminal", "--stdin"],
                     terminal=True)
    m.launch_waiting()
    client = m.attach("stdin", "stdout", "stderr")
    m.start()
    client.read_until(lambda a: b"is-a-tty\r\n" in a.output())
    assert client.output().startswith(b"/dev/pts/")
    assert m.request("RESIZE 12 34") == "OK\n"
    client.sock.sendall(b"\n")
    client.read_to_end()
    assert b"12 34\r\n" in client.output()
    assert {s for s, _ in client.frames()} == {1}
    assert m.wait_exit()["exitCode"] == 0


def test_exec_failed_start_ends_with_126(exec_monitor, runtime, container):
    cid, init_pid = container
    m = exec_monitor(["/no/such/binary"])
    m.launch_waiting()
    waiter = m.attach()
    reply = m.request("START")
    assert reply.startswith("ERR ") and "/no/such/binary" in reply, reply
    assert waiter.read_to_end() == []
    record = m.wait_exit()
    assert record["exitCode"] == 126 and record["pid"] == 0
    assert record["startedAt"] == "0001-01-01T00:00:00Z"
    assert not os.path.exists(m.socket)
    assert runtime.state(cid)["status"] == "running" and alive(init_pid)


def test_exec_failed_with_start_fails_the_launch(exec_monitor, runtime, container):
    cid, _ = container
    m = exec_monitor(["/no/such/binary"], ["--start"])
    r = m.launch(check=False)
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("berth-monitor: ") and "/no/such/binary" in lines[0], r.stderr
    assert not os.path.exists(m.socket) and not os.path.exists(m.exit_file)
    assert pids_with_arg(m.socket) == []
    assert runtime.state(cid)["status"] == "running"


def test_exec_into_stopped_container_fails(exec_monitor, runtime, container):
    cid, init_pid = container
    runtime("kill", cid, "KILL", check=True)
    wait_for(lambda: runtime.state(cid)["status"] == "stopped", 10, "the container to stop")
    m = exec_monitor(["true"], ["--start"])
    r = m.launch(check=False)
    assert r.returncode == 1 and r.stderr.startswith("berth-monitor: ")
    assert not os.path.exists(m.socket) and not os.path.exists(m.exit_file)


def test_exec_mode_refuses_container_options(exec_monitor, tmp_path):
    m = exec_monitor(["true"], ["--netns", str(tmp_path / "ns")])
    r = m.launch(check=False)
    assert r.returncode == 2 and "--netns does not go with --exec-process" in r.stderr
    assert not os.path.exists(m.socket)
