"""Shared fixtures for the black-box tests of berth-runtime and berth-monitor.

Bundles are made from Debian's busybox-static and a config.json from `runc spec`,
edited per case. The `runtime` fixture runs each test once under berth-runtime
and once under runc, so both must give the same result.
"""
import copy
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
NATIVE = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.path.join(NATIVE, "build")
BERTH_RUNTIME = os.path.join(BUILD, "berth-runtime")
BERTH_MONITOR = os.path.join(BUILD, "berth-monitor")
RUNTIMES = {"berth": BERTH_RUNTIME, "runc": shutil.which("runc") or "/usr/sbin/runc"}
BUSYBOX = "/bin/busybox"
CGROUP_PARENT = "/berth-test"


def _make_rootfs(path):
    os.makedirs(path)
    for d in ("bin", "proc", "sys", "dev", "etc", "tmp", "root", "var", "home"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    os.chmod(os.path.join(path, "tmp"), 0o1777)
    shutil.copy2(BUSYBOX, os.path.join(path, "bin", "busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], check=True, capture_output=True, text=True).stdout.split()
    for applet in applets:
        link = os.path.join(path, "bin", applet)
        if not os.path.exists(link):
            os.symlink("busybox", link)
    with open(os.path.join(path, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n")
    with open(os.path.join(path, "etc", "group"), "w") as f:
        f.write("root:x:0:\ntty:x:5:\nnogroup:x:65534:\n")


@pytest.fixture(scope="session")
def rootfs_template(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("template") / "rootfs")
    _make_rootfs(path)
    return path


@pytest.fixture(scope="session")
def base_spec(tmp_path_factory):
    d = tmp_path_factory.mktemp("spec")
    subprocess.run(["runc", "spec"], cwd=d, check=True)
    with open(d / "config.json") as f:
        spec = json.load(f)
    spec["process"]["terminal"] = False
    return spec


class Bundle:
    def __init__(self, path, spec):
        self.path = path
        self.spec = spec

    @property
    def rootfs(self):
        return os.path.join(self.path, "rootfs")

    def write(self):
        with open(os.path.join(self.path, "config.json"), "w") as f:
            json.dump(self.spec, f, indent=2)


@pytest.fixture
def make_bundle(tmp_path, rootfs_template, base_spec):
    """make_bundle(args, edit=None) -> Bundle whose process runs args."""
    counter = [0]

    def make(args, edit=None):
        counter[0] += 1
        path = str(tmp_path / f"bundle{counter[0]}")
        os.makedirs(path)
        shutil.copytree(rootfs_template, os.path.join(path, "rootfs"), symlinks=True)
        spec = copy.deepcopy(base_spec)
        spec["process"]["args"] = list(args)
        spec["root"]["readonly"] = False
        spec["linux"]["cgroupsPath"] = f"{CGROUP_PARENT}/{uuid.uuid4().hex[:16]}"
        if edit:
            edit(spec)
        b = Bundle(path, spec)
        b.write()
        return b

    return make


class Runtime:
    """One OCI runtime binary with its own state root."""

    def __init__(self, name, path, root):
        self.name = name
        self.path = path
        self.root = root
        self.ids = []

    def new_id(self):
        cid = f"t-{uuid.uuid4().hex[:12]}"
        self.ids.append(cid)
        return cid

    def cmd(self, *args):
        return [self.path, "--root", self.root, *args]

    def __call__(self, *args, timeout=60, check=False, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        r = subprocess.run(self.cmd(*args), timeout=timeout, **kw)
        if check and r.returncode != 0:
            raise AssertionError(f"{self.name} {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def state(self, cid):
        r = self("state", cid)
        if r.returncode != 0:
            return None
        return json.loads(r.stdout)

    def cleanup(self):
        for cid in self.ids:
            subprocess.run(self.cmd("delete", "--force", cid), capture_output=True, timeout=60)


@pytest.fixture(params=sorted(RUNTIMES))
def runtime(request, tmp_path):
    root = str(tmp_path / f"state-{request.param}")
    os.makedirs(root)
    rt = Runtime(request.param, RUNTIMES[request.param], root)
    yield rt
    rt.cleanup()


def mounts_under(path):
    """Mount points at or below path, from the host's mountinfo."""
    path = os.path.realpath(path)
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4]
            if mp == path or mp.startswith(path + "/"):
                found.append(mp)
    return found


# ---------------------------------------------------------------------------
# Helpers for the runtime acceptance tests (test_runtime.py, test_bad_input.py).
# Plain functions: import them with `from conftest import ...`.
# ---------------------------------------------------------------------------
CGROUP_ROOT = "/sys/fs/cgroup"
WAIT_SECONDS = 10.0


def wait_for(predicate, timeout=WAIT_SECONDS, interval=0.05, what="condition"):
    """Poll predicate() until it returns a truthy value; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def wait_status(runtime, cid, status, timeout=WAIT_SECONDS):
    """Wait until `state cid` reports status; return that state."""
    return wait_for(lambda: _state_if(runtime, cid, status), timeout, what=f"{cid} to be {status}")


def _state_if(runtime, cid, status):
    st = runtime.state(cid)
    return st if st and st.get("status") == status else None


def create_container(runtime, bundle, cid, *opts, stdout=None, timeout=60):
    """`create --bundle B [opts] cid` with the container's stdio on files, never pipes.

    With terminal false the container inherits the runtime's stdio, so a pipe
    would stay open for the container's whole life. stdout: an open file for the
    container's output (default /dev/null). Returns the CompletedProcess with
    the runtime's stderr read back as text.
    """
    with tempfile.TemporaryFile(mode="w+") as err:
        r = runtime("create", "--bundle", bundle.path, *opts, cid, timeout=timeout,
                    capture_output=False, stdin=subprocess.DEVNULL,
                    stdout=stdout if stdout is not None else subprocess.DEVNULL, stderr=err)
        err.seek(0)
        r.stderr = err.read()
    return r


def start_container(runtime, bundle, cid=None, stdout=None):
    """create + start; returns (cid, host pid of the container process)."""
    cid = cid or runtime.new_id()
    r = create_container(runtime, bundle, cid, stdout=stdout)
    assert r.returncode == 0, f"create failed: {r.stderr}"
    runtime("start", cid, check=True)
    st = wait_status(runtime, cid, "running")
    return cid, st["pid"]


def cgroup_dir(controller, cgroups_path):
    """Host path of cgroups_path in the v1 hierarchy of controller."""
    return os.path.join(CGROUP_ROOT, controller, cgroups_path.lstrip("/"))


def read_cgroup_file(controller, cgroups_path, name):
    with open(os.path.join(cgroup_dir(controller, cgroups_path), name)) as f:
        return f.read().strip()


def cgroup_dirs_of(cgroups_path):
    """Existing dirs for cgroups_path in every cgroup hierarchy mounted on the host."""
    found = []
    for h in sorted(os.listdir(CGROUP_ROOT)):
        hier = os.path.join(CGROUP_ROOT, h)
        if os.path.ismount(hier):
            d = os.path.join(hier, cgroups_path.lstrip("/"))
            if os.path.isdir(d):
                found.append(d)
    return found


def process_snapshot():
    """Set of (pid, start time) of the host's live processes."""
    snap = set()
    for p in os.listdir("/proc"):
        if p.isdigit():
            stat = _proc_stat(p)
            if stat:
                snap.add((int(p), stat[19]))
    return snap


def _proc_stat(pid):
    """Fields of /proc/pid/stat after the comm field (state is [0]); None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return None


def _read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def _belongs_to(pid, cid, bundle):
    """Whether process pid is tied to this container: the id on its command line,
    its cwd in the bundle (a runtime process before it enters the container), its
    root mount on the bundle's rootfs (a process inside the container), or its
    membership of the bundle's cgroup. Processes of other runs on the host
    (another test session, say) match none of these."""
    cmdline = (_read(f"/proc/{pid}/cmdline", "rb") or b"").replace(b"\0", b" ").decode(errors="replace")
    if cid in cmdline:
        return True
    bundle_path = os.path.realpath(bundle.path)
    cwd = _readlink(f"/proc/{pid}/cwd") or ""
    if cwd == bundle_path or cwd.startswith(bundle_path + "/"):
        return True
    rootfs = os.path.realpath(bundle.rootfs)
    for line in (_read(f"/proc/{pid}/mountinfo") or "").splitlines():
        fields = line.split()
        # fields[3]: the mount's root within its filesystem; fields[4]: its mount point
        if fields[4] == "/" and fields[3] != "/" and rootfs.endswith(fields[3]):
            return True
    cgroups_path = bundle.spec["linux"]["cgroupsPath"]
    for line in (_read(f"/proc/{pid}/cgroup") or "").splitlines():
        if line.split(":", 2)[-1] == cgroups_path:
            return True
    return False


def new_container_processes(before, cid, bundle):
    """Live non-zombie processes started since `before` (a process_snapshot())
    that are tied to container cid of bundle. Returns [(pid, cmdline)]."""
    found = []
    for pid, start in process_snapshot() - before:
        stat = _proc_stat(pid)
        if not stat or stat[0] == "Z" or pid == os.getpid():
            continue
        if _belongs_to(pid, cid, bundle):
            cmdline = (_read(f"/proc/{pid}/cmdline", "rb") or b"").replace(b"\0", b" ").decode(errors="replace")
            found.append((pid, cmdline))
    return found


def leftovers(runtime, cid, bundle, before):
    """What a failed create left behind, as a list of strings (empty when clean)."""
    left = []
    entries = [e for e in os.listdir(runtime.root) if cid in e]
    if entries:
        left.append(f"state entries under {runtime.root}: {entries}")
    if runtime("state", cid).returncode == 0:
        left.append(f"`state {cid}` still succeeds")
    mounts = mounts_under(bundle.path)
    if mounts:
        left.append(f"mounts under the bundle: {mounts}")
    cgroups = cgroup_dirs_of(bundle.spec["linux"]["cgroupsPath"])
    if cgroups:
        left.append(f"cgroup dirs: {cgroups}")
    procs = new_container_processes(before, cid, bundle)
    if procs:
        left.append(f"processes: {procs}")
    return left
