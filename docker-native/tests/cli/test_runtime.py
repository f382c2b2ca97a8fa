"""Black-box acceptance tests of an OCI runtime's CLI: what a user of the container sees.

Every test runs under berth-runtime and under runc (the `runtime` fixture) and
expects the same result from both. Bundles come from `make_bundle`: a busybox
rootfs and the `runc spec` template with terminal false and a unique cgroupsPath.
"""
import os
import subprocess
import time

import pytest

from conftest import (
    cgroup_dir,
    cgroup_dirs_of,
    create_container,
    read_cgroup_file,
    start_container,
    wait_for,
    wait_status,
)

SLEEP = ["sleep", "30"]

# Capability numbers from linux/capability.h.
CAP_NUMBERS = {
    "CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2, "CAP_FOWNER": 3,
    "CAP_FSETID": 4, "CAP_KILL": 5, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8,
    "CAP_LINUX_IMMUTABLE": 9, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11,
    "CAP_NET_ADMIN": 12, "CAP_NET_RAW": 13, "CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15,
    "CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17, "CAP_SYS_CHROOT": 18, "CAP_SYS_PTRACE": 19,
    "CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21, "CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23,
    "CAP_SYS_RESOURCE": 24, "CAP_SYS_TIME": 25, "CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27,
    "CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29, "CAP_AUDIT_CONTROL": 30, "CAP_SETFCAP": 31,
}
DOCKER_DEFAULT_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
]


# ---------------------------------------------------------------- helpers

def run_fg(runtime, bundle, timeout=60):
    """Foreground `run`: returns the CompletedProcess (stdout/stderr of the container)."""
    return runtime("run", "--bundle", bundle.path, runtime.new_id(), stdin=subprocess.DEVNULL, timeout=timeout)


def run_sh(runtime, make_bundle, script, edit=None):
    """Run `sh -c script` in a fresh container in the foreground."""
    return run_fg(runtime, make_bundle(["sh", "-c", script], edit))


def assert_ok(r):
    assert r.returncode == 0, f"exit {r.returncode}, stdout={r.stdout!r} stderr={r.stderr!r}"
    return r.stdout


def cap_mask(names):
    """The /proc/<pid>/status hex form of a set of capability names."""
    mask = 0
    for name in names:
        mask |= 1 << CAP_NUMBERS[name]
    return f"{mask:016x}"


def proc_status_fields(text):
    """'Name:\tvalue' lines -> {Name: value}."""
    fields = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def set_resources(**resources):
    def edit(spec):
        spec["linux"].setdefault("resources", {}).update(resources)
    return edit


def set_process(**fields):
    def edit(spec):
        spec["process"].update(fields)
    return edit


def cgroups_path(bundle):
    return bundle.spec["linux"]["cgroupsPath"]


def pid_alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_file(path):
    with open(path) as f:
        return f.read()


def kill_and_wait_stopped(runtime, cid, signal="KILL"):
    runtime("kill", cid, signal, check=True)
    return wait_status(runtime, cid, "stopped")


# ---------------------------------------------------------------- the process

def test_run_prints_echo_output(runtime, make_bundle):
    r = run_fg(runtime, make_bundle(["echo", "hello"]))
    assert assert_ok(r) == "hello\n"


def test_process_is_pid_1(runtime, make_bundle):
    assert assert_ok(run_sh(runtime, make_bundle, "echo $$")) == "1\n"


def test_hostname_comes_from_spec(runtime, make_bundle):
    r = run_fg(runtime, make_bundle(["hostname"], lambda s: s.update(hostname="berth-box")))
    assert assert_ok(r) == "berth-box\n"


@pytest.mark.parametrize("exit_code", [0, 1, 42, 255])
def test_run_returns_the_process_exit_code(runtime, make_bundle, exit_code):
    r = run_sh(runtime, make_bundle, f"exit {exit_code}")
    assert r.returncode == exit_code, r.stderr


def test_env_and_cwd_come_from_spec(runtime, make_bundle):
    def edit(spec):
        spec["process"]["env"].append("FOO=bar")
        spec["process"]["cwd"] = "/tmp"
    assert assert_ok(run_sh(runtime, make_bundle, "echo $FOO; pwd", edit)) == "bar\n/tmp\n"


def test_user_uid_gid_and_additional_gids(runtime, make_bundle):
    edit = set_process(user={"uid": 65534, "gid": 65534, "additionalGids": [5]})
    r = run_fg(runtime, make_bundle(["id"], edit))
    assert assert_ok(r) == "uid=65534(nobody) gid=65534(nogroup) groups=5(tty)\n"


def test_rlimit_nofile_from_template(runtime, make_bundle, base_spec):
    assert {"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024} in base_spec["process"]["rlimits"]
    assert assert_ok(run_sh(runtime, make_bundle, "ulimit -Sn; ulimit -Hn")) == "1024\n1024\n"


def test_rlimit_nofile_changed_value(runtime, make_bundle):
    edit = set_process(rlimits=[{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 2048}])
    assert assert_ok(run_sh(runtime, make_bundle, "ulimit -Sn; ulimit -Hn", edit)) == "512\n2048\n"


def test_oom_score_adj_from_spec(runtime, make_bundle):
    r = run_fg(runtime, make_bundle(["cat", "/proc/self/oom_score_adj"], set_process(oomScoreAdj=500)))
    assert assert_ok(r) == "500\n"


@pytest.mark.parametrize("flag,expected", [(True, "1"), (False, "0")], ids=["set", "unset"])
def test_no_new_privileges(runtime, make_bundle, flag, expected):
    r = run_fg(runtime, make_bundle(["grep", "NoNewPrivs", "/proc/self/status"], set_process(noNewPrivileges=flag)))
    assert proc_status_fields(assert_ok(r))["NoNewPrivs"] == expected


# ---------------------------------------------------------------- capabilities

def _caps_docker_defaults(spec):
    caps = list(DOCKER_DEFAULT_CAPS)
    spec["process"]["capabilities"] = {
        "bounding": caps, "effective": caps, "permitted": caps, "inheritable": [], "ambient": []}


def _caps_with_ambient(spec):
    caps = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
    spec["process"]["capabilities"] = {k: caps for k in ("bounding", "effective", "permitted", "inheritable", "ambient")}


CAP_CASES = {
    # Docker's 14 defaults, nothing inheritable or ambient.
    "docker-defaults": (_caps_docker_defaults, {
        "CapEff": DOCKER_DEFAULT_CAPS, "CapPrm": DOCKER_DEFAULT_CAPS, "CapBnd": DOCKER_DEFAULT_CAPS,
        "CapInh": [], "CapAmb": []}),
    # The `runc spec` template as is: 3 caps; it lists them as ambient but not
    # inheritable, and the kernel only raises ambient caps that are also
    # inheritable, so CapAmb stays empty and the run must still succeed.
    "spec-template": (None, {
        "CapEff": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "CapPrm": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "CapBnd": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
        "CapInh": [], "CapAmb": []}),
    # Every set the same, inheritable included, so ambient caps are raised.
    "with-ambient": (_caps_with_ambient, {
        k: ["CAP_KILL", "CAP_NET_BIND_SERVICE"] for k in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb")}),
}


@pytest.mark.parametrize("case", sorted(CAP_CASES))
def test_capabilities_match_spec(runtime, make_bundle, case):
    edit, expected = CAP_CASES[case]
    r = run_fg(runtime, make_bundle(["grep", "^Cap", "/proc/self/status"], edit))
    fields = proc_status_fields(assert_ok(r))
    assert {k: fields[k] for k in expected} == {k: cap_mask(v) for k, v in expected.items()}
    if case == "docker-defaults":  # Docker's well-known value, a check on the table above
        assert fields["CapEff"] == "00000000a80425fb"


def test_mount_denied_without_cap_sys_admin(runtime, make_bundle):
    r = run_sh(runtime, make_bundle, "mkdir -p /mnt && mount -t tmpfs none /mnt; echo rc=$?; grep -c ' /mnt ' /proc/mounts")
    lines = r.stdout.split()
    assert lines[0] != "rc=0", r.stdout
    assert lines[1] == "0", "a tmpfs got mounted on /mnt"


# ---------------------------------------------------------------- filesystem

def test_masked_proc_files_read_as_empty_null_device(runtime, make_bundle, base_spec):
    # /proc/kcore is masked by the template but this kernel has none; test every
    # masked file that the host's /proc does have (there must be at least one).
    files = [p for p in base_spec["linux"]["maskedPaths"] if p.startswith("/proc/") and os.path.isfile(p)]
    assert files, "no masked /proc file exists on this host"
    script = "; ".join(f"echo $(stat -c %F:%t:%T {p}) $(cat {p} | wc -c)" for p in files)
    out = assert_ok(run_sh(runtime, make_bundle, script))
    assert out.splitlines() == ["character special file:1:3 0"] * len(files)


def test_masked_sys_firmware_dir_is_empty(runtime, make_bundle, base_spec):
    assert "/sys/firmware" in base_spec["linux"]["maskedPaths"]
    assert os.listdir("/sys/firmware"), "host /sys/firmware is empty: nothing to mask"
    out = assert_ok(run_sh(runtime, make_bundle, "cd /sys/firmware && ls -A | wc -l"))
    assert out.strip() == "0"


def test_proc_sys_is_read_only(runtime, make_bundle):
    r = run_sh(runtime, make_bundle, "echo 1 > /proc/sys/kernel/panic")
    assert r.returncode != 0
    assert "Read-only" in r.stderr


def test_readonly_root_refuses_writes(runtime, make_bundle):
    r = run_fg(runtime, make_bundle(["touch", "/x"], lambda s: s["root"].update(readonly=True)))
    assert r.returncode != 0
    assert "Read-only" in r.stderr


def test_writable_root_accepts_writes(runtime, make_bundle):
    b = make_bundle(["touch", "/x"])
    assert_ok(run_fg(runtime, b))
    assert os.path.isfile(os.path.join(b.rootfs, "x"))


def test_sysfs_is_mounted_read_only(runtime, make_bundle):
    r = run_sh(runtime, make_bundle, "grep ' /sys ' /proc/mounts; touch /sys/x")
    assert r.returncode != 0, "touch /sys/x succeeded"
    options = r.stdout.split()[3].split(",")
    assert "ro" in options


DEFAULT_DEVICES = {  # name -> hex major:minor as `stat -c %t:%T` prints it
    "null": "1:3", "zero": "1:5", "full": "1:7", "random": "1:8", "urandom": "1:9", "tty": "5:0"}


def test_dev_has_default_char_devices(runtime, make_bundle):
    paths = [f"/dev/{n}" for n in DEFAULT_DEVICES]
    out = assert_ok(run_fg(runtime, make_bundle(["stat", "-c", "%n %F %t:%T", *paths])))
    assert out.splitlines() == [f"/dev/{n} character special file {d}" for n, d in DEFAULT_DEVICES.items()]


def test_ls_shows_dev_null_as_char_1_3(runtime, make_bundle):
    out = assert_ok(run_fg(runtime, make_bundle(["ls", "-l", "/dev/null"])))
    assert out.startswith("crw-rw-rw-")
    assert "1,   3" in out


def test_default_devices_are_usable(runtime, make_bundle):
    script = ("echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c"
              " && echo x > /dev/full; echo rc=$?")
    r = run_sh(runtime, make_bundle, script)
    assert r.stdout.split() == ["4", "4", "rc=1"]
    assert "No space left on device" in r.stderr


def test_devices_cgroup_denies_opening_other_devices(runtime, make_bundle):
    # The template denies all devices but the defaults: with CAP_MKNOD a /dev/fuse node (c 10:229)
    # can be made, but opening it must be refused (allowed, a read gives EIO instead).
    r = run_sh(runtime, make_bundle, "mknod /dev/fuse c 10 229 && head -c 1 /dev/fuse", _caps_docker_defaults)
    assert r.returncode != 0
    assert "Operation not permitted" in r.stderr


def test_dev_ptmx_and_std_links(runtime, make_bundle):
    script = "stat -L -c %t:%T /dev/ptmx; for l in fd stdin stdout stderr; do readlink /dev/$l; done"
    out = assert_ok(run_sh(runtime, make_bundle, script))
    assert out.splitlines() == ["5:2", "/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2"]


@pytest.mark.parametrize("mountpoint,fstype", [("/dev/pts", "devpts"), ("/dev/shm", "tmpfs"), ("/dev/mqueue", "mqueue")])
def test_dev_submounts(runtime, make_bundle, mountpoint, fstype):
    out = assert_ok(run_fg(runtime, make_bundle(["cat", "/proc/mounts"])))
    types = [line.split()[2] for line in out.splitlines() if line.split()[1] == mountpoint]
    assert types == [fstype]


# ---------------------------------------------------------------- seccomp

SECCOMP_DENY_MKDIR = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}],
}


def test_seccomp_errno_rule_blocks_mkdir_but_not_touch(runtime, make_bundle):
    edit = lambda s: s["linux"].update(seccomp=SECCOMP_DENY_MKDIR)  # noqa: E731
    r = run_sh(runtime, make_bundle, "mkdir /tmp/x; echo mkdir=$?; touch /tmp/y; echo touch=$?", edit)
    assert r.stdout == "mkdir=1\ntouch=0\n"
    assert "Operation not permitted" in r.stderr


def test_seccomp_mode_is_filter_when_set(runtime, make_bundle):
    edit = lambda s: s["linux"].update(seccomp=SECCOMP_DENY_MKDIR)  # noqa: E731
    out = assert_ok(run_fg(runtime, make_bundle(["grep", "^Seccomp:", "/proc/self/status"], edit)))
    assert proc_status_fields(out)["Seccomp"] == "2"


# ---------------------------------------------------------------- lifecycle and state

def test_state_after_create(runtime, make_bundle):
    b = make_bundle(SLEEP, lambda s: s.update(annotations={"org.berth.test": "yes"}))
    cid = runtime.new_id()
    assert create_container(runtime, b, cid).returncode == 0
    st = runtime.state(cid)
    assert st["status"] == "created"
    assert st["id"] == cid
    assert isinstance(st["ociVersion"], str) and st["ociVersion"]
    assert st["pid"] > 0 and pid_alive(st["pid"])
    assert os.path.realpath(st["bundle"]) == os.path.realpath(b.path)
    assert st["annotations"] == {"org.berth.test": "yes"}


def test_create_does_not_run_the_process_until_start(runtime, make_bundle, tmp_path):
    out = tmp_path / "out"
    b = make_bundle(["echo", "started"])
    cid = runtime.new_id()
    with open(out, "w") as f:
        assert create_container(runtime, b, cid, stdout=f).returncode == 0
    time.sleep(0.5)
    assert read_file(out) == ""
    runtime("start", cid, check=True)
    wait_for(lambda: read_file(out) == "started\n", what="output after start")


def test_lifecycle_created_running_stopped_deleted(runtime, make_bundle):
    b = make_bundle(SLEEP)
    cid = runtime.new_id()
    assert create_container(runtime, b, cid).returncode == 0
    assert runtime.state(cid)["status"] == "created"
    runtime("start", cid, check=True)
    assert wait_status(runtime, cid, "running")["pid"] > 0
    kill_and_wait_stopped(runtime, cid)
    runtime("delete", cid, check=True)
    r = runtime("state", cid)
    assert r.returncode != 0
    assert r.stdout.strip() == ""


def test_state_is_stopped_after_process_exits_by_itself(runtime, make_bundle):
    cid, pid = start_container(runtime, make_bundle(["sleep", "0.5"]))
    wait_status(runtime, cid, "stopped")
    runtime("delete", cid, check=True)


def test_start_pid_is_the_container_process(runtime, make_bundle):
    cid, pid = start_container(runtime, make_bundle(SLEEP))
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        assert f.read() == b"sleep\x0030\x00"


def test_pid_file_holds_the_container_host_pid(runtime, make_bundle, tmp_path):
    pid_file = str(tmp_path / "pid")
    b = make_bundle(SLEEP)
    cid = runtime.new_id()
    assert create_container(runtime, b, cid, "--pid-file", pid_file).returncode == 0
    pid = int(read_file(pid_file).strip())
    assert pid == runtime.state(cid)["pid"]
    runtime("start", cid, check=True)
    wait_status(runtime, cid, "running")
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        assert f.read() == b"sleep\x0030\x00"


def test_run_detach_leaves_container_running(runtime, make_bundle, tmp_path):
    b = make_bundle(SLEEP)
    cid = runtime.new_id()
    pid_file = str(tmp_path / "pid")
    with open(tmp_path / "out", "w") as out:
        r = runtime("run", "--bundle", b.path, "--pid-file", pid_file, "--detach", cid, capture_output=False,
                    stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    assert r.returncode == 0, read_file(tmp_path / "out")
    st = runtime.state(cid)
    assert st["status"] == "running"
    assert int(read_file(pid_file).strip()) == st["pid"]


def test_list_shows_the_container_and_its_status(runtime, make_bundle):
    cid = runtime.new_id()
    assert create_container(runtime, make_bundle(SLEEP), cid).returncode == 0
    out = assert_ok(runtime("list"))
    rows = [line.split() for line in out.splitlines() if cid in line.split()]
    assert len(rows) == 1 and "created" in rows[0], out


def test_delete_without_force_refuses_a_running_container(runtime, make_bundle):
    cid, pid = start_container(runtime, make_bundle(SLEEP))
    r = runtime("delete", cid)
    assert r.returncode != 0
    assert runtime.state(cid)["status"] == "running"
    assert pid_alive(pid)


@pytest.mark.parametrize("flag", ["--force", "-f"])
def test_delete_force_kills_a_running_container(runtime, make_bundle, flag):
    b = make_bundle(SLEEP)
    cid, pid = start_container(runtime, b)
    runtime("delete", flag, cid, check=True)
    assert runtime("state", cid).returncode != 0
    wait_for(lambda: not pid_alive(pid), what=f"pid {pid} to die")
    assert cgroup_dirs_of(cgroups_path(b)) == []


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_global_log_options_are_accepted(runtime, make_bundle, tmp_path, log_format):
    log = str(tmp_path / "runtime.log")
    b = make_bundle(["echo", "hello"])
    r = runtime("--log", log, "--log-format", log_format, "run", "--bundle", b.path, runtime.new_id(),
                stdin=subprocess.DEVNULL)
    assert assert_ok(r) == "hello\n"


# ---------------------------------------------------------------- signals

@pytest.mark.parametrize("signal", ["KILL", "SIGKILL", "9"])
def test_kill_stops_the_container(runtime, make_bundle, signal):
    cid, pid = start_container(runtime, make_bundle(SLEEP))
    kill_and_wait_stopped(runtime, cid, signal)
    wait_for(lambda: not pid_alive(pid), what=f"pid {pid} to die")


@pytest.mark.parametrize("signal", ["TERM", "SIGTERM", "15"])
def test_kill_delivers_the_signal_to_the_process(runtime, make_bundle, tmp_path, signal):
    out = tmp_path / "out"
    script = 'trap "echo got-term; exit 3" TERM; echo ready; while true; do sleep 0.1; done'
    with open(out, "w") as f:
        cid, pid = start_container(runtime, make_bundle(["sh", "-c", script]), stdout=f)
    wait_for(lambda: read_file(out) == "ready\n", what="the trap to be set")
    kill_and_wait_stopped(runtime, cid, signal)
    assert read_file(out) == "ready\ngot-term\n"


def test_kill_without_signal_sends_term(runtime, make_bundle, tmp_path):
    out = tmp_path / "out"
    script = 'trap "echo got-term; exit 3" TERM; echo ready; while true; do sleep 0.1; done'
    with open(out, "w") as f:
        cid, pid = start_container(runtime, make_bundle(["sh", "-c", script]), stdout=f)
    wait_for(lambda: read_file(out) == "ready\n", what="the trap to be set")
    runtime("kill", cid, check=True)
    wait_status(runtime, cid, "stopped")
    assert read_file(out) == "ready\ngot-term\n"


def test_kill_all_kills_every_process(runtime, make_bundle):
    b = make_bundle(["sh", "-c", "sleep 100 & sleep 100 & wait"])
    cid, pid = start_container(runtime, b)
    procs_file = os.path.join(cgroup_dir("pids", cgroups_path(b)), "cgroup.procs")
    pids = wait_for(lambda: [int(p) for p in read_file(procs_file).split()] if len(read_file(procs_file).split()) == 3 else None,
                    what="3 processes in the container")
    runtime("kill", "--all", cid, "KILL", check=True)
    wait_status(runtime, cid, "stopped")
    wait_for(lambda: not any(pid_alive(p) for p in pids), what=f"all of {pids} to die")


# ---------------------------------------------------------------- pause / resume

def test_pause_freezes_and_resume_thaws(runtime, make_bundle):
    b = make_bundle(SLEEP)
    cid, pid = start_container(runtime, b)
    runtime("pause", cid, check=True)
    assert runtime.state(cid)["status"] == "paused"
    assert read_cgroup_file("freezer", cgroups_path(b), "freezer.state") == "FROZEN"
    runtime("resume", cid, check=True)
    assert runtime.state(cid)["status"] == "running"
    assert read_cgroup_file("freezer", cgroups_path(b), "freezer.state") == "THAWED"


# ---------------------------------------------------------------- namespaces

def _ns(pid, name):
    return os.readlink(f"/proc/{pid}/ns/{name}")


@pytest.mark.parametrize("ns", ["pid", "mnt", "uts", "ipc", "net"])
def test_spec_namespaces_differ_from_host(runtime, make_bundle, ns):
    cid, pid = start_container(runtime, make_bundle(SLEEP))
    assert _ns(pid, ns) != _ns("self", ns)


@pytest.mark.parametrize("ns", ["user", "cgroup"])
def test_unlisted_namespaces_are_shared_with_host(runtime, make_bundle, ns):
    cid, pid = start_container(runtime, make_bundle(SLEEP))
    assert _ns(pid, ns) == _ns("self", ns)


def test_network_namespace_has_only_loopback(runtime, make_bundle):
    out = assert_ok(run_sh(runtime, make_bundle, "ls /sys/class/net; cat /sys/class/net/lo/flags"))
    names, flags = out.split()
    assert names == "lo"
    assert int(flags, 16) & 0x1  # IFF_UP: runc brings lo up in a namespace it creates


# ---------------------------------------------------------------- cgroups

def test_memory_and_pids_limits_in_cgroup_files(runtime, make_bundle):
    b = make_bundle(SLEEP, set_resources(memory={"limit": 33554432}, pids={"limit": 20}))
    start_container(runtime, b)
    assert read_cgroup_file("memory", cgroups_path(b), "memory.limit_in_bytes") == "33554432"
    assert read_cgroup_file("pids", cgroups_path(b), "pids.max") == "20"


def test_container_process_is_in_the_spec_cgroup(runtime, make_bundle):
    b = make_bundle(SLEEP, set_resources(memory={"limit": 33554432}, pids={"limit": 20}))
    cid, pid = start_container(runtime, b)
    paths = {}
    for line in read_file(f"/proc/{pid}/cgroup").splitlines():
        _, controllers, path = line.split(":", 2)
        for c in controllers.split(","):
            paths[c] = path
    assert paths["memory"] == cgroups_path(b)
    assert paths["pids"] == cgroups_path(b)


def test_cpu_limits_in_cgroup_files(runtime, make_bundle):
    b = make_bundle(SLEEP, set_resources(cpu={"shares": 512, "quota": 50000, "period": 100000}))
    start_container(runtime, b)
    got = {f: read_cgroup_file("cpu", cgroups_path(b), f) for f in ("cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us")}
    assert got == {"cpu.shares": "512", "cpu.cfs_quota_us": "50000", "cpu.cfs_period_us": "100000"}


def test_pids_limit_is_enforced(runtime, make_bundle):
    script = "for i in $(seq 20); do sleep 5 & done; echo done"
    r = run_sh(runtime, make_bundle, script, set_resources(pids={"limit": 5}))
    assert "fork" in r.stderr.lower() or "resource temporarily unavailable" in r.stderr.lower(), r.stderr


def test_cgroup_dirs_are_removed_after_delete(runtime, make_bundle):
    b = make_bundle(SLEEP, set_resources(memory={"limit": 33554432}, pids={"limit": 20}))
    cid, pid = start_container(runtime, b)
    present = cgroup_dirs_of(cgroups_path(b))
    assert cgroup_dir("memory", cgroups_path(b)) in present and cgroup_dir("pids", cgroups_path(b)) in present
    kill_and_wait_stopped(runtime, cid)
    runtime("delete", cid, check=True)
    assert cgroup_dirs_of(cgroups_path(b)) == []
