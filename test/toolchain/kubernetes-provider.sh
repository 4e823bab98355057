#!/usr/bin/env bash
# Builds the Kubernetes provider plugin (pulumi-resource-kubernetes) from Go modules: the npm
# package @pulumi/kubernetes downloads a prebuilt binary at install, which cannot work here.
# Caches it outside the work tree at $cache/kubernetes-v<version>/pulumi-resource-kubernetes.
# Nothing is downloaded but Go modules.
#
# The provider module has no semver tags of its own (the repo's v4.x.y tags belong to no Go
# module), so it is pinned by the commit the release tag points to, as a pseudo-version. The Go
# module proxy reachable here serves only some versions of it: 4.25.0 is the newest it serves
# (4.26 and later: 403), so @pulumi/kubernetes is pinned to 4.25.0 in package.json.
# (pulumi-command's provider module is refused at every release: no @pulumi/command here.)
set -euo pipefail
cache=${PULUMI_GLUSTER_CACHE:-$HOME/.cache/pulumi-gluster}
export GOFLAGS=-mod=mod CGO_ENABLED=0

# npm version to pin  |  release commit (repo tag)  |  pseudo-version of the provider module
K8S_VERSION=4.25.0   # @pulumi/kubernetes@4.25.0; tag v4.25.0
K8S_COMMIT=f47bc2d6f1996444d11c12b4ef083b82585f7c07
K8S_MODULE=github.com/pulumi/pulumi-kubernetes/provider/v4
K8S_PSEUDO=v4.0.0-20260115033456-f47bc2d6f199
# sum.golang.org has no record of this pseudo-version (404), so go would refuse it; pinning its
# hashes in go.sum makes go verify the download against them instead of asking the checksum DB.
# They were checked once against the upstream commit: all 255 files under provider/ match its
# git blob hashes.
K8S_SUM=h1:j2bphCf7c2YhnBrhwht2f3TNRRgcMImltUlAgzxr9H4=
K8S_GOMOD_SUM=h1:61at6ZXhz4COFbTksqENrBzq5VUQ/LV8sdZ7WJt9KT4=

log() { printf '[toolchain] %s\n' "$*" >&2; }

json_field() { # json_field <field>: that field of the JSON object on stdin
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const o=JSON.parse(s);
    if(o.Error){console.error(o.Error);process.exit(1)}console.log(o[process.argv[1]])})' "$1"
}

# wrapper <dir>: a fresh wrapper module (the provider module is then a dependency, so `go build`
# works on it from the module cache without its own go.mod being the main module).
wrapper() {
  rm -rf "$1" && mkdir -p "$1" && cd "$1"
  go mod init pulumi-gluster.local/toolchain 2>/dev/null
}

# copy_replaces <go.mod>: replace directives are ignored in a dependency, so the wrapper repeats
# those that point at other module versions; local ones (=> ../sdk) are handled by the caller.
copy_replaces() {
  sed -n 's/^replace \([^ ]*\) => \([^ .][^ ]*\) \(v[^ ]*\)$/\1=\2@\3/p' "$1" |
    while read -r r; do go mod edit -replace "$r"; done
  sed -n '/^replace (/,/^)/s/^\t\([^ ]*\) => \([^ .][^ ]*\) \(v[^ ]*\)$/\1=\2@\3/p' "$1" |
    while read -r r; do go mod edit -replace "$r"; done
}

# build_kubernetes: pulumi-resource-kubernetes v$K8S_VERSION
build_kubernetes() {
  local v=$K8S_VERSION out="$cache/kubernetes-v$K8S_VERSION" work="$cache/build/kubernetes-v$K8S_VERSION"
  if [ -x "$out/pulumi-resource-kubernetes" ]; then
    log "kubernetes v$v: cached in $out"; return
  fi
  local start=$SECONDS
  log "kubernetes v$v: building from $K8S_MODULE@$K8S_PSEUDO (commit $K8S_COMMIT)"
  wrapper "$work"
  rm -rf "$out.tmp" && mkdir -p "$out.tmp"
  printf '%s %s %s\n%s %s/go.mod %s\n' "$K8S_MODULE" "$K8S_PSEUDO" "$K8S_SUM" \
    "$K8S_MODULE" "$K8S_PSEUDO" "$K8S_GOMOD_SUM" > go.sum
  local src
  src=$(go mod download -json "$K8S_MODULE@$K8S_PSEUDO" | json_field Dir)
  # main.go embeds schema-embed.json and terraform-mapping-embed.json, which upstream generates
  # (`go generate` runs generate.go: schema.json with its version set, both re-marshalled) and
  # does not track, so the module zip lacks them. The module cache is read-only: generate them
  # in a writable copy and build the provider from that copy through a replace directive.
  cp -r "$src" provider && chmod -R u+w provider
  go mod edit -require "$K8S_MODULE@$K8S_PSEUDO" -replace "$K8S_MODULE=./provider"
  copy_replaces provider/go.mod
  # sum.golang.org also lacks some dependencies this release uses (pulumi/pkg/v3 v3.215.0,
  # pulumi/cloud-ready-checks v1.3.0: 404). The release's own go.sum (inside the module just
  # verified) has upstream's hashes for all of them: go checks downloads against those.
  cat provider/go.sum >> go.sum
  # provider/go.mod replaces the sdk module with ../sdk of the same commit; the tag sdk/v4.25.0
  # is that sdk (its commit is a child of the release commit holding only sdk/).
  go mod edit -require "github.com/pulumi/pulumi-kubernetes/sdk/v4@v$v"
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes"
)
GO
  local cmd=provider/cmd/pulumi-resource-kubernetes
  # generate.go has `//go:build ignore`; naming the file builds it anyway (as `go run` would).
  # Upstream's VERSION is the plain version (no "v"), as in the -X flag below.
  nice -n 19 go build -trimpath -o "$work/gen-embed" "./$cmd/generate.go"
  (cd "$cmd" && VERSION=$v "$work/gen-embed")
  local ld="-s -w -X $K8S_MODULE/pkg/version.Version=$v"
  nice -n 19 go build -trimpath -ldflags "$ld" -o "$out.tmp/pulumi-resource-kubernetes" "$K8S_MODULE/cmd/pulumi-resource-kubernetes"
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "kubernetes v$v: built in $((SECONDS - start)) s"
}

# The npm package asks the engine for the plugin of its own version: they must match.
if [ -n "${1:-}" ] && [ "$1" != "$K8S_VERSION" ]; then
  log "package-lock.json pins @pulumi/kubernetes $1, but this script builds $K8S_VERSION: change both together"
  exit 1
fi
build_kubernetes
echo "$cache/kubernetes-v$K8S_VERSION"
