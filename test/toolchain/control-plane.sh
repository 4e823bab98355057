#!/usr/bin/env bash
# Builds a Kubernetes cluster for tests (etcd, kube-apiserver, kube-controller-manager, and for
# workers kube-scheduler, kube-proxy and kubelet) from Go modules and caches the binaries in ~/.cache/pulumi-gluster/kubernetes-<K8S_VERSION>/;
# prints that directory. Idempotent: binaries already cached (and running) are not rebuilt.
# test/k8s/k8s.sh runs them.
#
# Why from Go modules: this network reaches package registries only (no
# release tarballs from GitHub / dl.k8s.io), but the Go module proxy serves
# k8s.io/kubernetes, its published staging modules and go.etcd.io/etcd.
#
# Env overrides:
#   K8S_VERSION   (default v1.34.10: newest v1.34 patch whose go.mod the
#                  checksum DB verifies here; v1.34.11/.12 -> sumdb 404,
#                  v1.34.13 -> proxy 403)
#   ETCD_VERSION  (default v3.6.16: etcd 3.6 is the line k8s 1.34 ships with)
#   PULUMI_GLUSTER_CACHE (default ~/.cache/pulumi-gluster)
#   FORCE=1       rebuild even if cached
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.34.10}
ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
CACHE=${PULUMI_GLUSTER_CACHE:-$HOME/.cache/pulumi-gluster}
OUT=$CACHE/kubernetes-$K8S_VERSION
WORK=$CACHE/build/kubernetes-$K8S_VERSION

# Build settings asked for by the project: module mode that may update
# go.mod/go.sum, static binaries, reproducible paths, and low CPU priority
# (the machine has 2 cores and is shared with test runs).
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
export CGO_ENABLED=0
# Never fetch another Go toolchain; fail clearly if the local one is too old.
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}

log() { printf '[toolchain] %s\n' "$*" >&2; }

# k8s.io/kubernetes vX.Y.Z <-> published staging modules v0.Y.Z
ver=${K8S_VERSION#v}
major=${ver%%.*}
rest=${ver#*.}
minor=${rest%%.*}
STAGING_VERSION=v0.${rest}

mkdir -p "$OUT" "$WORK/kube" "$WORK/etcd"

cached_ok() { # $1 = binary path; cached if it exists and prints its version
  [[ -z ${FORCE:-} && -x $1 ]] && "$1" --version >/dev/null 2>&1
}

KUBE_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet)

build_kube() {
  local command missing=()
  for command in "${KUBE_COMMANDS[@]}"; do cached_ok "$OUT/$command" || missing+=("$command"); done
  if ((${#missing[@]} == 0)); then
    log "${KUBE_COMMANDS[*]} $K8S_VERSION already cached in $OUT"
    return
  fi
  local t0=$SECONDS info gomod btime
  # Fetch the k8s.io/kubernetes module to read its go.mod (replace list,
  # go/godebug lines) and the commit/time used for the version stamp.
  info=$(cd "$WORK/kube" && GOFLAGS= go mod download -json "k8s.io/kubernetes@$K8S_VERSION" || true)
  gomod=$(sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p' <<<"$info")
  # The proxy's .info has the tag time (used as buildDate); the git commit is
  # not available from the proxy, so gitCommit is set empty (not "$Format:%H$").
  btime=$(grep -o '"Time":"[^"]*"' "${gomod%.mod}.info" 2>/dev/null | cut -d'"' -f4 || true)
  [[ -f $gomod ]] || { log "cannot resolve k8s.io/kubernetes@$K8S_VERSION: $info"; exit 1; }

  # Wrapper module: k8s.io/kubernetes points its ~31 k8s.io/* staging modules
  # at ./staging/src/... which do not exist in the module zip, so replace each
  # one with the published k8s.io/<m>@v0.Y.Z instead. Keep upstream's go and
  # godebug lines so runtime GODEBUG defaults match an official build.
  {
    echo "module pulumi-gluster.local/k8s"
    echo
    grep -E '^(go|godebug) ' "$gomod"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    sed -n '/^replace (/,/^)/p' "$gomod" |
      sed -n 's#^\s*\(k8s\.io/[^ ]*\) => \./staging/.*#\t\1 => \1 '"$STAGING_VERSION"'#p'
    echo ")"
  } >"$WORK/kube/go.mod.new"
  if ! cmp -s "$WORK/kube/go.mod.new" "$WORK/kube/go.mod"; then
    mv "$WORK/kube/go.mod.new" "$WORK/kube/go.mod"
    rm -f "$WORK/kube/go.sum"
  else
    rm -f "$WORK/kube/go.mod.new"
  fi
  log "wrapper go.mod has $(grep -c '=>' "$WORK/kube/go.mod") staging replaces"

  # Version stamp: without it the server reports v0.0.0 and clients
  # (kubectl, Pulumi's provider) misjudge server capabilities. Same vars as
  # upstream hack/lib/version.sh sets, for component-base and client-go.
  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitCommit= -X $pkg.gitTreeState=clean -X $pkg.buildDate=$btime"
  done

  log "building ${missing[*]} $K8S_VERSION (staging $STAGING_VERSION)"
  # One go build for all of them so shared packages compile once.
  (cd "$WORK/kube" &&
    nice -n 19 go build -trimpath -ldflags "$ldflags" -o "$WORK/bin/" "${missing[@]/#/k8s.io/kubernetes/cmd/}")
  # Move into the cache only after a complete build (atomic per file).
  for command in "${missing[@]}"; do mv -f "$WORK/bin/$command" "$OUT/$command"; done
  log "kube binaries built in $((SECONDS - t0))s"
}

build_etcd() {
  if cached_ok "$OUT/etcd"; then
    log "etcd $ETCD_VERSION already cached in $OUT"
    return
  fi
  local t0=$SECONDS
  # Separate wrapper module so etcd's dependency versions do not leak into
  # the kube build (k8s.io/kubernetes itself requires etcd/server v3.6.4).
  # go.etcd.io/etcd/server/v3 is the etcd main package.
  if [[ ! -f $WORK/etcd/go.mod ]] || ! grep -q "server/v3 $ETCD_VERSION\$" "$WORK/etcd/go.mod"; then
    rm -f "$WORK/etcd/go.mod" "$WORK/etcd/go.sum"
    (cd "$WORK/etcd" && go mod init pulumi-gluster.local/etcd &&
      go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION") # go get also raises the go line as etcd needs
  fi
  log "building etcd $ETCD_VERSION"
  (cd "$WORK/etcd" &&
    nice -n 19 go build -trimpath -ldflags "-s -w" -o "$WORK/bin/etcd" go.etcd.io/etcd/server/v3)
  mv -f "$WORK/bin/etcd" "$OUT/etcd"
  log "etcd built in $((SECONDS - t0))s"
}

build_etcd
build_kube
log "$("$OUT/etcd" --version | sed -n 1p); $(for command in "${KUBE_COMMANDS[@]}"; do printf '%s; ' "$("$OUT/$command" --version)"; done)"
echo "$OUT"
