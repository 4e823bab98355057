#!/usr/bin/env bash
# Builds the Pulumi CLI from Go modules (its npm package downloads a binary, which cannot work
# here), caches it outside the work tree and links it into .toolchain/bin with the SDK's dynamic
# provider host and the Node.js language host beside it (language-host.sh); with --kubernetes
# also the Kubernetes provider and the test control plane (.toolchain/kubernetes), which only the
# tests need. The version comes from package-lock.json; nothing is downloaded but Go modules.
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

# link_bundled: the CLI looks for its bundled plugins (the language host and the dynamic provider
# host) next to its own executable, symlinks resolved, and warns "using … from $PATH" for a copy
# found elsewhere. So the CLI is hard-linked (copied across file systems) into .toolchain/bin and
# its plugins sit beside it; node is the Node 22 the SDK needs, so that one directory on PATH is
# all a shell needs for `pulumi up`.
link_bundled() {
  local pv=$1
  mkdir -p "$bin"
  rm -f "$bin/pulumi"
  ln "$cache/pulumi-v$pv/pulumi" "$bin/pulumi" 2>/dev/null || cp "$cache/pulumi-v$pv/pulumi" "$bin/pulumi"
  ln -sfn "$(bash "$repo/test/toolchain/language-host.sh")/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
  chmod +x "$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  ln -sfn "$repo/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
  ln -sfn "$repo/node_modules/node/bin/node" "$bin/node"
}

# kubernetes: what only the tests need, the Kubernetes provider plugin (found on PATH by the
# engine) and the API server, etcd and controller-manager that test/k8s/k8s.sh runs.
kubernetes() {
  local k8s_provider
  k8s_provider=$(bash "$repo/test/toolchain/kubernetes-provider.sh" "$(lock_version @pulumi/kubernetes)")
  mkdir -p "$bin"
  ln -sfn "$k8s_provider/pulumi-resource-kubernetes" "$bin/pulumi-resource-kubernetes"
  ln -sfn "$(bash "$repo/test/toolchain/control-plane.sh")" "$repo/.toolchain/kubernetes"
}

main() {
  local total=$SECONDS pv
  pv=$(lock_version @pulumi/pulumi)
  build_pulumi "$pv"
  link_bundled "$pv"
  if [ "${1:-}" = "--kubernetes" ]; then
    kubernetes
  fi
  log "ready in $((SECONDS - total)) s: $("$bin/pulumi" version) in $bin"
}
main "$@"
