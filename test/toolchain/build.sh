#!/usr/bin/env bash
# Builds the Pulumi CLI from Go modules (its npm package downloads a binary, which cannot work
# here), caches it outside the work tree and links it into .toolchain/bin with the SDK's dynamic
# provider host and the Kubernetes provider beside it; and the Kubernetes control plane for tests
# (.toolchain/kubernetes). The version comes from package-lock.json; nothing is downloaded but
# Go modules. No Node.js language host: its module is not served by the Go module proxy this
# machine reaches, so programs run inline through the Automation API (which hosts the program
# itself); see README.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${PULUMI_GLUSTER_CACHE:-$HOME/.cache/pulumi-gluster}
bin="$repo/.toolchain/bin"
export GOFLAGS=-mod=mod CGO_ENABLED=0

lock_version() { # lock_version <npm package>: the version package-lock.json pins
  node -e 'const l=require(process.argv[1]);const p=l.packages["node_modules/"+process.argv[2]];
    if(!p){console.error("not in package-lock.json: "+process.argv[2]);process.exit(1)}console.log(p.version)' \
    "$repo/package-lock.json" "$1"
}

log() { printf '[toolchain] %s\n' "$*"; }

# build_pulumi <version>: the pulumi CLI into $cache/pulumi-v<version>
build_pulumi() {
  local v=$1 out="$cache/pulumi-v$1" work="$cache/build/pulumi-v$1"
  if [ -x "$out/pulumi" ]; then
    log "pulumi v$v: cached in $out"; return
  fi
  local start=$SECONDS
  log "pulumi v$v: building (a cold build takes tens of minutes on 2 cores)"
  rm -rf "$work" && mkdir -p "$work" "$out.tmp"
  cd "$work"
  go mod init pulumi-gluster.local/toolchain 2>/dev/null
  # pkg/v3's go.mod has replace directives (ignored in a dependency): a wrapper must repeat
  # those that point at other modules; the ones to ../sdk are what `go get` pins below anyway.
  local gomod
  gomod=$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@v$v" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).GoMod))')
  sed -n 's/^replace \([^ ]*\) => \([^ .][^ ]*\) \(v[^ ]*\)$/\1=\2@\3/p' "$gomod" |
    while read -r r; do go mod edit -replace "$r"; done
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
GO
  go get "github.com/pulumi/pulumi/pkg/v3@v$v" "github.com/pulumi/pulumi/sdk/v3@v$v"
  local ld="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$v"
  go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ld" -o "$out.tmp/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "pulumi v$v: built in $((SECONDS - start)) s"
}

main() {
  local total=$SECONDS pv
  pv=$(lock_version @pulumi/pulumi)
  build_pulumi "$pv"
  mkdir -p "$bin"
  ln -sfn "$cache/pulumi-v$pv/pulumi" "$bin/pulumi"
  # Dynamic providers are hosted by this script from the SDK package.
  ln -sfn "$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  chmod +x "$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  # The Kubernetes provider plugin, found on PATH by the engine.
  local k8s_provider
  k8s_provider=$(bash "$repo/test/toolchain/kubernetes-provider.sh" "$(lock_version @pulumi/kubernetes)")
  ln -sfn "$k8s_provider/pulumi-resource-kubernetes" "$bin/pulumi-resource-kubernetes"
  # The API server, etcd and controller-manager that test/k8s/k8s.sh runs.
  ln -sfn "$(bash "$repo/test/toolchain/control-plane.sh")" "$repo/.toolchain/kubernetes"
  log "ready in $((SECONDS - total)) s: $("$bin/pulumi" version) in $bin"
}
main "$@"
