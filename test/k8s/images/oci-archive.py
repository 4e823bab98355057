#!/usr/bin/env python3
"""Wrap a rootfs tarball (from mmdebstrap) into a single-layer OCI image archive.

The result is an OCI image layout (oci-layout, index.json, blobs/sha256/...) packed as a plain
tar, which `ctr -n k8s.io images import` (containerd 1.6) accepts. The image name goes into
index.json both as org.opencontainers.image.ref.name and io.containerd.image.name, so the import
keeps the full reference (e.g. localhost/pulumi-gluster/mariadb:test) instead of prefixing it.

usage: oci-archive.py ROOTFS_TAR REF CONFIG_JSON OUT_TAR
  CONFIG_JSON: file with the image "config" object (Entrypoint, Cmd, Env, ExposedPorts, ...)
  SOURCE_DATE_EPOCH (env): creation time recorded in the config and in the outer tar.
"""
import gzip, hashlib, io, json, os, shutil, sys, tarfile, tempfile, time

def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    rootfs, ref, config_path, out = sys.argv[1:]
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    with open(config_path) as f:
        image_config = json.load(f)

    work = tempfile.mkdtemp(prefix="oci-", dir=os.path.dirname(os.path.abspath(out)))
    try:
        blobs = {}  # digest -> path of the blob on disk

        # Layer: gzip the rootfs tar once, hashing both the plain tar (diff_id, listed in the
        # config) and the compressed stream (blob digest). mtime=0 in the gzip header keeps the
        # blob digest reproducible for an identical rootfs tar.
        diff_h, blob_h = hashlib.sha256(), hashlib.sha256()
        layer_tmp = os.path.join(work, "layer")

        class HashingWriter(io.RawIOBase):
            def __init__(self, f): self.f = f
            def writable(self): return True
            def write(self, b):
                blob_h.update(b); self.f.write(b); return len(b)

        with open(rootfs, "rb") as src, open(layer_tmp, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=HashingWriter(raw),
                               compresslevel=6, mtime=0) as gz:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    diff_h.update(chunk); gz.write(chunk)
        layer = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                 "digest": "sha256:" + blob_h.hexdigest(), "size": os.path.getsize(layer_tmp)}
        blobs[layer["digest"]] = layer_tmp

        def add_json(obj):
            data = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            path = os.path.join(work, digest.split(":")[1])
            with open(path, "wb") as f:
                f.write(data)
            blobs[digest] = path
            return digest, len(data)

        config = {"created": created, "architecture": "amd64", "os": "linux",
                  "config": image_config,
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_h.hexdigest()]},
                  "history": [{"created": created,
                               "created_by": "test/k8s/images/build.sh (mmdebstrap)"}]}
        cdigest, csize = add_json(config)
        manifest = {"schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                               "digest": cdigest, "size": csize},
                    "layers": [layer]}
        mdigest, msize = add_json(manifest)
        index = {"schemaVersion": 2,
                 "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                "digest": mdigest, "size": msize,
                                "platform": {"architecture": "amd64", "os": "linux"},
                                "annotations": {"io.containerd.image.name": ref,
                                                "org.opencontainers.image.ref.name": ref}}]}

        def tarinfo(name, size, isdir=False):
            ti = tarfile.TarInfo(name)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = epoch, 0, 0, "root", "root"
            if isdir:
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
            else:
                ti.size, ti.mode = size, 0o644
            return ti

        tmp_out = out + ".part"
        with tarfile.open(tmp_out, "w", format=tarfile.PAX_FORMAT) as t:
            for name, data in (("oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode()),
                               ("index.json", json.dumps(index, sort_keys=True).encode())):
                t.addfile(tarinfo(name, len(data)), io.BytesIO(data))
            t.addfile(tarinfo("blobs", 0, True))
            t.addfile(tarinfo("blobs/sha256", 0, True))
            for digest in sorted(blobs):
                path = blobs[digest]
                with open(path, "rb") as f:
                    t.addfile(tarinfo("blobs/sha256/" + digest.split(":")[1],
                                      os.path.getsize(path)), f)
        os.replace(tmp_out, out)
        print(json.dumps({"manifest": mdigest, "layer": layer["digest"],
                          "layer_size": layer["size"]}))
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
