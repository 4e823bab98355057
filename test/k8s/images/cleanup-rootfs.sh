#!/bin/sh
# mmdebstrap customize hook shared by all images: drop what a container never uses.
# $1 = the rootfs being built. Runs after the image's own hook (which may still use apt).
set -eu
r=$1
# With the essential variant apt runs from outside the chroot and mmdebstrap leaves the package
# lists and downloaded .debs in the rootfs (~100 MB); the image has no apt anyway.
rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*
# dpkg path-exclude filters only apply to packages unpacked by dpkg; the Essential set is
# extracted before the filter is active, so remove its docs/man pages here too (keep copyright).
find "$r/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$r/usr/share/man" "$r/usr/share/info" "$r/usr/share/lintian" "$r/usr/share/linda"
# keep only the C/English message catalogues
find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
# logs, backups and caches written during installation
find "$r/var/log" -type f -delete
rm -f "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old "$r/var/cache/ldconfig/aux-cache"
rm -rf "$r"/tmp/* "$r"/var/tmp/*
# the runtime (kubelet/runc) provides these; the build host's copies must not leak in
rm -f "$r/etc/resolv.conf" "$r/etc/hostname"
: > "$r/etc/machine-id"
