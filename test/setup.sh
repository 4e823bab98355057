#!/usr/bin/env bash
# Sets up a fresh machine of this project's kind: Debian packages for the lab, npm packages,
# the Pulumi CLI and its Node.js language host (built from Go modules, cached outside the tree),
# and the compiled code. What only the tests need (the Kubernetes provider and control plane) is
# built by `npm test`.
# Safe to run again: each step skips what is already there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
log() { printf '[setup] %s\n' "$*"; }

# The lab's storage nodes are user-mode Linux guests that run the host's own binaries; the test
# API server needs openssl (its certificates) and curl (its readiness checks).
packages=(user-mode-linux uml-utilities glusterfs-server glusterfs-client lvm2 thin-provisioning-tools
  xfsprogs openssh-server openssh-client udev kmod iproute2 ethtool e2fsprogs psmisc attr openssl curl)
bash test/apt-install.sh "${packages[@]}"

# npm ci only when package-lock.json changed since the last install.
stamp=node_modules/.package-lock.sha1
want=$(sha1sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

npm run --silent toolchain
npm run --silent build
log "ready"
