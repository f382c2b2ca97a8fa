"""`exec` into a running container, under berth-runtime and runc (the `runtime`
fixture): the process joins the container's namespaces, cgroup, root and
capabilities, and the runtime reports it the way runc does."""
import array
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import (create_container, new_container_processes, process_snapshot, start_container, wait_for,
                      wait_status)

SLEEP = ["sleep", "30"]
NAMESPACES = ("ipc", "mnt", "net", "pid", "uts", "user", "cgroup")


def hostname(name):
    def edit(spec):
        spec["hostname"] = name
    return edit


@pytest.fixture
def running(runtime, make_bundle):
    """A running `sleep 30` container: (cid, host pid of its init, bundle)."""
    bundle = make_bundle(SLEEP, hostname("exec-box"))
    cid, pid = start_container(runtime, bundle)
    return cid, pid, bundle


def exec_(runtime, cid, *args, opts=(), timeout=30):
    return runtime("exec", *opts, cid, *args, timeout=timeout, stdin=subprocess.DEVNULL)


def exec_detached(runtime, cid, *args, opts=()):
    """exec --detach with stdio on files: the process keeps them, so pipes would stay open."""
    with tempfile.TemporaryFile(mode="w+") as err:
        r = runtime("exec", "--detach", *opts, cid, *args, timeout=30, capture_output=False,
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        err.seek(0)
        r.stderr = err.read()
    return r


def error_line(r):
    msg = r.stderr.strip()
    assert msg and "\n" not in msg, f"expected one error line, got: {r.stderr!r}"
    return msg


def test_exec_output_and_exit_code(runtime, running):
    cid, _, _ = running
    r = exec_(runtime, cid, "echo", "hi")
    assert (r.returncode, r.stdout) == (0, "hi\n"), r.stderr
    r = exec_(runtime, cid, "sh", "-c", "echo to-err >&2; exit 3")
    assert r.returncode == 3 and r.stderr == "to-err\n"


def test_exec_joins_namespaces_root_and_cgroup(runtime, running):
    cid, _, _ = running
    script = ("hostname; echo $$; ps -o pid,args; "
              "for n in " + " ".join(NAMESPACES) + "; do "
              "  [ \"$(readlink /proc/self/ns/$n)\" = \"$(readlink /proc/1/ns/$n)\" ] || echo PROBLEM ns $n; done; "
              "cmp -s /proc/self/mountinfo /proc/1/mountinfo || echo PROBLEM mounts; "
              "[ \"$(stat -L -c %d:%i /proc/1/root/)\" = \"$(stat -c %d:%i /)\" ] || echo PROBLEM root; "
              "cmp -s /proc/self/cgroup /proc/1/cgroup || echo PROBLEM cgroup")
    r = exec_(runtime, cid, "sh", "-c", script)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "exec-box"
    assert int(lines[1]) != 1
    ps = [line.split(None, 1) for line in lines[2:] if line.strip() and line.split()[0].isdigit()]
    assert ["1", "sleep 30"] in ps, lines
    problems = [line for line in lines if line.startswith("PROBLEM")]
    assert problems == [], r.stdout


def test_exec_capabilities_match_the_container(runtime, running):
    cid, _, _ = running
    r = exec_(runtime, cid, "sh", "-c", "grep ^Cap /proc/self/status; echo ---; grep ^Cap /proc/1/status")
    assert r.returncode == 0, r.stderr
    mine, init = r.stdout.split("---\n")
    assert mine == init
    assert "CapEff:\t0000000000000000" not in mine


def test_exec_env_cwd_user(runtime, running):
    cid, _, _ = running
    r = exec_(runtime, cid, "sh", "-c", "id -u; id -g; pwd; echo $FOO; echo $PATH",
              opts=("--env", "FOO=bar baz", "--cwd", "/tmp", "--user", "65534"))
    assert r.returncode == 0, r.stderr
    uid, gid, cwd, foo, path = r.stdout.splitlines()
    assert (uid, gid, cwd, foo) == ("65534", "0", "/tmp", "bar baz")
    assert "/bin" in path.split(":")  # the container's env is kept and extended
    r = exec_(runtime, cid, "sh", "-c", "id -u; id -g", opts=("--user", "65534:65534"))
    assert r.stdout == "65534\n65534\n", r.stderr


def test_exec_process_file(runtime, running, tmp_path):
    cid, _, _ = running
    process = {"terminal": False, "user": {"uid": 65534, "gid": 65534, "additionalGids": [5]},
               "args": ["sh", "-c", "id -u; id -G; pwd; echo $ONLY; ulimit -n; exit 4"],
               "env": ["PATH=/bin", "ONLY=from-file"], "cwd": "/home",
               "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 77, "hard": 77}]}
    path = tmp_path / "process.json"
    path.write_text(json.dumps(process))
    r = runtime("exec", "--process", str(path), cid, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 4, r.stderr
    assert r.stdout.splitlines() == ["65534", "65534 5", "/home", "from-file", "77"]


def test_exec_process_file_keeps_container_caps(runtime, running, tmp_path):
    cid, _, _ = running
    path = tmp_path / "process.json"
    path.write_text(json.dumps({"args": ["sh", "-c", "grep ^CapEff /proc/self/status /proc/1/status"],
                                "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}))
    r = runtime("exec", "--process", str(path), cid, timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    caps = {line.split(":", 1)[0]: line.split("\t")[-1] for line in r.stdout.splitlines()}
    assert caps["/proc/self/status"] == caps["/proc/1/status"]


def test_exec_detached_writes_pid_file(runtime, running, tmp_path):
    cid, init_pid, bundle = running
    pid_file = tmp_path / "exec.pid"
    r = exec_detached(runtime, cid, "sleep", "20", opts=("--pid-file", str(pid_file)))
    assert r.returncode == 0, r.stderr
    pid = int(pid_file.read_text())
    try:
        assert os.readlink(f"/proc/{pid}/ns/pid") == os.readlink(f"/proc/{init_pid}/ns/pid")
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            assert f.read().split(b"\0")[:2] == [b"sleep", b"20"]
        with open(f"/proc/{pid}/cgroup") as f, open(f"/proc/{init_pid}/cgroup") as g:
            assert f.read() == g.read()
    finally:
        os.kill(pid, signal.SIGKILL)


def test_exec_forwards_signals(runtime, running):
    cid, _, _ = running
    p = subprocess.Popen(runtime.cmd("exec", cid, "sleep", "30"), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Wait for the sleep to exist in the container before signalling the runtime.
        def sleeping():
            r = exec_(runtime, cid, "ps", "-o", "args")
            return r.stdout.count("sleep 30") >= 2
        wait_for(sleeping, what="the exec'd sleep")
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=10) == 128 + signal.SIGTERM
    finally:
        p.kill()
        p.wait()


class ConsoleSocket:
    """A --console-socket listener that receives the pty master and reads it."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.sock.settimeout(30)
        self.output = b""
        self.master = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conn, _ = self.sock.accept()
        with conn:
            fds = array.array("i")
            _, anc, _, _ = conn.recvmsg(16, socket.CMSG_SPACE(fds.itemsize))
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(data[:fds.itemsize])
        self.master = fds[0]
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO once the slave side is closed
                break
            if not chunk:
                break
            self.output += chunk

    def finish(self):
        self.thread.join(30)
        if self.master is not None:
            os.close(self.master)
        self.sock.close()
        return self.output


def test_exec_tty(runtime, running, tmp_path):
    # runc takes a console socket only with --detach, as the monitor uses it.
    cid, _, _ = running
    console = ConsoleSocket(str(tmp_path / "console.sock"))
    r = exec_detached(runtime, cid, "sh", "-c", "tty; test -t 0 && test -t 1 && echo is-a-tty; stty size",
                      opts=("--tty", "--console-socket", console.path))
    assert r.returncode == 0, r.stderr
    out = console.finish().decode()
    assert out.startswith("/dev/pts/") and "is-a-tty\r\n" in out, out


def test_exec_in_stopped_container_fails(runtime, make_bundle):
    bundle, cid = make_bundle(["true"]), runtime.new_id()
    assert create_container(runtime, bundle, cid).returncode == 0
    runtime("start", cid, check=True)
    wait_status(runtime, cid, "stopped")
    r = exec_(runtime, cid, "echo", "hi")
    assert r.returncode != 0 and r.stdout == ""
    if runtime.name == "berth":
        assert "stopped" in error_line(r)
    r = exec_(runtime, "no-such-container-here", "echo", "hi")
    assert r.returncode != 0 and r.stdout == ""


def test_exec_missing_binary_fails_and_leaves_nothing(runtime, running, tmp_path):
    cid, init_pid, bundle = running
    before = process_snapshot()
    pid_file = tmp_path / "exec.pid"
    for opts in ((), ("--detach", "--pid-file", str(pid_file))):
        r = exec_(runtime, cid, "/no/such/binary", opts=opts)
        assert r.returncode != 0
        if runtime.name == "berth":
            assert "/no/such/binary" in error_line(r)
        assert not pid_file.exists()
    time.sleep(0.2)
    left = [p for p in new_container_processes(before, cid, bundle) if p[0] != init_pid]
    assert left == []
    assert runtime.state(cid)["status"] == "running"


SECCOMP_DENY_MKDIR = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}],
}


@pytest.mark.parametrize("nnp", [False, True])
def test_exec_takes_the_container_seccomp_and_nnp(runtime, make_bundle, nnp):
    def edit(spec):
        spec["linux"]["seccomp"] = SECCOMP_DENY_MKDIR
        spec["process"]["noNewPrivileges"] = nnp
    cid, _ = start_container(runtime, make_bundle(SLEEP, edit))
    r = exec_(runtime, cid, "sh", "-c", "mkdir /tmp/x; echo mkdir=$?; touch /tmp/y; echo touch=$?; "
                                        "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status")
    assert r.stdout.splitlines() == ["mkdir=1", "touch=0", f"NoNewPrivs:\t{int(nnp)}", "Seccomp:\t2"], r.stderr


def test_exec_in_paused_container_fails(runtime, running):
    cid, _, _ = running
    runtime("pause", cid, check=True)
    try:
        r = exec_(runtime, cid, "true", timeout=20)
        assert r.returncode != 0
        if runtime.name == "berth":
            assert "paused" in error_line(r)
    finally:
        runtime("resume", cid, check=True)


def test_exec_in_user_namespace(runtime, make_bundle):
    # Root maps to host root, so the rootfs under the test's 0700 tmp dir stays reachable.
    maps = [{"containerID": 0, "hostID": 0, "size": 1}, {"containerID": 1, "hostID": 100000, "size": 65535}]

    def userns(spec):
        spec["linux"]["namespaces"].append({"type": "user"})
        spec["linux"]["uidMappings"] = maps
        spec["linux"]["gidMappings"] = maps
    cid, init_pid = start_container(runtime, make_bundle(SLEEP, userns))
    r = exec_(runtime, cid, "sh", "-c", "readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u",
              opts=("--user", "1000"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == os.readlink(f"/proc/{init_pid}/ns/user") != os.readlink("/proc/self/ns/user")
    assert [line.split() for line in lines[1:3]] == [["0", "0", "1"], ["1", "100000", "65535"]]
    assert lines[3] == "1000"


def test_exec_bad_requests(runtime, running, tmp_path):
    cid, _, _ = running
    berth = runtime.name == "berth"  # runc's wording and exit codes differ; berth's must name the cause
    r = runtime("exec", cid)
    assert r.returncode != 0
    if berth:
        assert r.returncode == 2 and "needs a command" in r.stderr
    r = runtime("exec", "--user", "nobody", cid, "true")
    assert r.returncode != 0
    if berth:
        assert r.returncode == 1 and "numeric" in error_line(r)
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"args": [], "cwd": "/"}))
    r = runtime("exec", "--process", str(path), cid)
    assert r.returncode != 0
    if berth:
        assert r.returncode == 1 and "process.args must not be empty" in error_line(r) and str(path) in r.stderr
    r = exec_(runtime, cid, "true", opts=("--cwd", "/no/such/dir"))
    assert r.returncode != 0
    if berth:
        assert "/no/such/dir" in error_line(r)
    if berth:
        # runc ignores a command given with --process, and proxies a tty itself.
        path.write_text(json.dumps({"args": ["true"]}))
        r = runtime("exec", "--process", str(path), cid, "echo", "hi")
        assert r.returncode == 2 and "--process replaces" in r.stderr
        r = runtime("exec", "--tty", cid, "true")
        assert r.returncode == 1 and "--console-socket" in error_line(r)
