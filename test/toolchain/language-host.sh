#!/usr/bin/env bash
# Builds the Node.js language host (pulumi-language-nodejs), which runs a program from a project
# directory for `pulumi up`. Its own Go module is refused by the module proxy reachable here at
# every version, but releases up to v3.68.0 of github.com/pulumi/pulumi/sdk/v3 still carry the
# package nodejs/cmd/pulumi-language-nodejs (v3.69.0 moved it out). A wrapper module builds it,
# repeating sdk's own replace of golang.org/x/text (a replace in a dependency is ignored).
# Prints the directory holding the binary; caches it at $cache/language-nodejs-v<version>.
set -euo pipefail
cache=${PULUMI_GLUSTER_CACHE:-$HOME/.cache/pulumi-gluster}
export GOFLAGS=-mod=mod CGO_ENABLED=0

HOST_SDK_VERSION=3.68.0
HOST_PACKAGE=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

log() { printf '[toolchain] %s\n' "$*" >&2; }

out="$cache/language-nodejs-v$HOST_SDK_VERSION"
work="$cache/build/language-nodejs-v$HOST_SDK_VERSION"
if [ -x "$out/pulumi-language-nodejs" ]; then
  log "language host v$HOST_SDK_VERSION: cached in $out"
  echo "$out"
  exit 0
fi
start=$SECONDS
log "language host v$HOST_SDK_VERSION: building $HOST_PACKAGE"
rm -rf "$work" "$out.tmp" && mkdir -p "$work" "$out.tmp"
cd "$work"
go mod init pulumi-gluster.local/language-host 2>/dev/null
go mod edit -require "github.com/pulumi/pulumi/sdk/v3@v$HOST_SDK_VERSION" -replace golang.org/x/text=golang.org/x/text@v0.3.6
cat > tools.go <<GO
//go:build tools

package tools

import _ "$HOST_PACKAGE"
GO
go mod tidy >&2
ld="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$HOST_SDK_VERSION"
go build -trimpath -ldflags "$ld" -o "$out.tmp/pulumi-language-nodejs" "$HOST_PACKAGE" >&2
rm -rf "$out" && mv "$out.tmp" "$out"
log "language host v$HOST_SDK_VERSION: built in $((SECONDS - start)) s"
echo "$out"
