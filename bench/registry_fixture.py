"""A loopback registry holding two pull-benchmark images, built here from random data and pushed with skopeo.

Nothing is pulled from outside: the images are written as OCI layouts by this module.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time

REGISTRY = shutil.which("docker-registry") or "/usr/bin/docker-registry"
SKOPEO = shutil.which("skopeo") or "/usr/bin/skopeo"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def layer(files):
    """A gzip'd tar of (name, size) random files: returns (blob bytes, diff_id, uncompressed size)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, size in files:
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = 0o644
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(os.urandom(size)))
    data = raw.getvalue()
    return gzip.compress(data, compresslevel=1, mtime=0), "sha256:" + hashlib.sha256(data).hexdigest(), len(data)


class OciLayout:
    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)
        self.manifests = []

    def blob(self, data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.path, "blobs", "sha256", digest), "wb") as f:
            f.write(data)
        return {"digest": "sha256:" + digest, "size": len(data)}

    def image(self, tag, layers):
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["true"]},
                             "rootfs": {"type": "layers", "diff_ids": [d for _, d, _ in layers]}}).encode()
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": dict(self.blob(config), mediaType="application/vnd.oci.image.config.v1+json"),
                    "layers": [dict(self.blob(b), mediaType="application/vnd.oci.image.layer.v1.tar+gzip")
                               for b, _, _ in layers]}
        desc = self.blob(json.dumps(manifest).encode())
        self.manifests.append(dict(desc, mediaType="application/vnd.oci.image.manifest.v1+json",
                                   annotations={"org.opencontainers.image.ref.name": tag}))
        with open(os.path.join(self.path, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": self.manifests}, f)


class Registry:
    def __init__(self, root, process, host, big, layered, big_bytes, layered_bytes, big_blob):
        self.root, self.process, self.host = root, process, host
        self.big, self.layered = big, layered
        self.big_bytes, self.layered_bytes, self.big_blob = big_bytes, layered_bytes, big_blob

    def tar_xzf_mb_s(self):
        """GNU tar extracting the single layer's blob, median of three, as MB/s of the uncompressed layer."""
        samples = []
        for _ in range(3):
            target = tempfile.mkdtemp(prefix="bench-tar-")
            t = time.monotonic()
            subprocess.run(["tar", "-xzf", self.big_blob, "-C", target], check=True)
            samples.append(time.monotonic() - t)
            shutil.rmtree(target)
        samples.sort()
        return self.big_bytes / samples[1] / 1e6

    def stop(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start(root, big_bytes):
    port = free_port()
    host = f"127.0.0.1:{port}"
    config = os.path.join(root, "config.yml")
    with open(config, "w") as f:
        f.write(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {root}/storage\n"
                f"http:\n  addr: {host}\nlog:\n  level: error\n")
    process = subprocess.Popen([REGISTRY, "serve", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise SystemExit("bench: docker-registry did not start")
            time.sleep(0.05)
    layout = OciLayout(os.path.join(root, "layout"))
    # Several files per layer, as real images have; 4 MB files keep the tar's overhead negligible.
    chunk = 4_000_000
    big_files = [(f"data/big{i}", min(chunk, big_bytes - i * chunk)) for i in range((big_bytes + chunk - 1) // chunk)]
    big = layer(big_files)
    layout.image("big", [big])
    per = big_bytes // 10
    layered = [layer([(f"data/l{n}-{i}", min(chunk, per - i * chunk)) for i in range((per + chunk - 1) // chunk)])
               for n in range(10)]
    layout.image("layered", layered)
    for tag in ("big", "layered"):
        subprocess.run([SKOPEO, "copy", "--quiet", "--dest-tls-verify=false", f"oci:{layout.path}:{tag}",
                        f"docker://{host}/bench/{tag}:1"], check=True)
    big_blob = os.path.join(layout.path, "blobs", "sha256", hashlib.sha256(big[0]).hexdigest())
    return Registry(root, process, host, f"{host}/bench/big:1", f"{host}/bench/layered:1", big[2],
                    sum(size for _, _, size in layered), big_blob)
