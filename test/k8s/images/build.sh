#!/usr/bin/env bash
# Builds the container images the Kubernetes tests run (pods use imagePullPolicy: Never), from
# Debian 12 packages with mmdebstrap, without any image registry:
#
#   localhost/pulumi-gluster/pause:test      the pod sandbox's process (pause/pause.c, static)
#   localhost/pulumi-gluster/mariadb:test    mariadb-server 10.11, env like the official image
#   localhost/pulumi-gluster/wordpress:test  apache2 + mod_php + WordPress, like wordpress:6-apache
#
# Each is written as an OCI image archive that `ctr -n k8s.io images import <archive>` takes
# (the name is in index.json). Archives are cached outside the tree, keyed by a hash of this
# directory's files and the mirror: a warm run only prints the paths.
#
#   test/k8s/images/build.sh [pause] [mariadb] [wordpress]      (default: all)
#
# stdout: one line per image, "<ref> <archive path>". Progress, build time and sizes: stderr.
#
# Env:
#   PULUMI_GLUSTER_CACHE    cache root (default ~/.cache/pulumi-gluster); archives go to images/
#   IMAGES_REBUILD=1        ignore the cache (e.g. to pick up new Debian security updates: the key
#                           covers this directory and the mirror, not the mirror's content)
#   IMAGES_DEBIAN_MIRROR    default: the host's apt source for .../debian (else deb.debian.org)
#   IMAGES_SECURITY_MIRROR  default: the host's apt source for .../debian-security
#   IMAGES_SUITE            default bookworm
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PULUMI_GLUSTER_CACHE:-$HOME/.cache/pulumi-gluster}/images
SUITE=${IMAGES_SUITE:-bookworm}
REF_PREFIX=localhost/pulumi-gluster
TAG=test
# Fixed timestamp for every file in the layer and the image config: same inputs, same tar.
export SOURCE_DATE_EPOCH=1700000000
ALL_IMAGES=(pause mariadb wordpress)

work=   # build dir of the image being built; removed on exit, also on failure
trap 'if [[ -n $work ]]; then rm -rf "$work"; fi' EXIT

log() { printf '[images %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# First URI of the host's apt sources (deb822 or one-line format) ending in /$1.
host_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    awk -v tail="/$1" '
      { sub(/#.*/, "") }
      /^URIs:/ { for (i = 2; i <= NF; i++) { u = $i; sub(/\/$/, "", u); if (substr(u, length(u) - length(tail) + 1) == tail) { print u; exit } } }
      /^deb[ \t]/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { u = $i; sub(/\/$/, "", u); if (substr(u, length(u) - length(tail) + 1) == tail) { print u; exit } ; break } }
    ' "$f"
  done | head -n1
}
DEBIAN_MIRROR=${IMAGES_DEBIAN_MIRROR:-$(host_mirror debian)}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${IMAGES_SECURITY_MIRROR:-$(host_mirror debian-security)}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SOURCES=(
  "deb $DEBIAN_MIRROR $SUITE main"
  "deb $DEBIAN_MIRROR $SUITE-updates main"
  "deb $SECURITY_MIRROR $SUITE-security main"
)

# Cache key: everything that shapes the image. Package versions on the mirror are not part of
# it (see IMAGES_REBUILD).
cache_key() { # $1 image name
  {
    (cd "$here" && find build.sh oci-archive.py cleanup-rootfs.sh "$1" -type f -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum)
    printf '%s\n' "${SOURCES[@]}" "$SOURCE_DATE_EPOCH" "$(dpkg-query -W -f='${Version}' mmdebstrap)"
  } | sha256sum | cut -c1-16
}

build_static_image() { # $1 image name, $2 archive path: one static binary from <name>/<name>.c
  local name=$1 out=$2 dir=$here/$1 work
  work=$(mktemp -d "$CACHE/.build-$name.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" RETURN
  mkdir "$work/root"
  gcc -static -Os -s -o "$work/root/$name" "$dir/$name.c" || die "$name: compiling $dir/$name.c failed (needs gcc and libc6-dev)"
  touch -d "@$SOURCE_DATE_EPOCH" "$work/root" "$work/root/$name"
  tar --numeric-owner --owner=0 --group=0 --sort=name -C "$work/root" -cf "$work/rootfs.tar" .
  python3 "$here/oci-archive.py" "$work/rootfs.tar" "$REF_PREFIX/$name:$TAG" "$dir/config.json" "$work/image.oci.tar" >/dev/null ||
    die "$name: writing the OCI archive failed (see above)"
  mv "$work/image.oci.tar" "$out"
  find "$CACHE" -maxdepth 1 -name "$name-*.oci.tar" ! -path "$out" -delete
  log "$name: built; archive $(($(stat -c %s "$out") / 1024)) KiB"
}

build_image() { # $1 image name, $2 archive path to create
  local name=$1 out=$2 dir=$here/$1 ref=$REF_PREFIX/$1:$TAG
  local start rootfs_size archive_size secs
  local -a pkgs
  mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$dir/packages")
  ((${#pkgs[@]})) || die "$dir/packages lists no packages"
  # In the cache dir: same filesystem, so the finished archive is moved in atomically.
  work=$(mktemp -d "$CACHE/.build-$name.XXXXXX")
  start=$SECONDS
  log "$name: building $ref from $SUITE (${pkgs[*]}), log in $CACHE/$name.log"

  # essential variant: only Essential:yes packages + the listed ones (no apt in the image;
  # mmdebstrap installs with apt from outside). Recommends off, documentation not unpacked.
  if ! nice -n 19 mmdebstrap --variant=essential --architecture=amd64 \
      --include="$(IFS=,; echo "${pkgs[*]}")" \
      --aptopt='APT::Install-Recommends "false"' \
      --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/info/*' \
      --dpkgopt='path-exclude=/usr/share/doc/*' \
      --dpkgopt='path-include=/usr/share/doc/*/copyright' \
      --dpkgopt='path-exclude=/usr/share/locale/*' \
      --dpkgopt='path-include=/usr/share/locale/locale.alias' \
      --dpkgopt='path-exclude=/usr/share/lintian/*' \
      --customize-hook="sh '$dir/customize.sh' \"\$1\"" \
      --customize-hook="sh '$here/cleanup-rootfs.sh' \"\$1\"" \
      --skip=output/dev \
      "$SUITE" "$work/rootfs.tar" "${SOURCES[@]}" >"$CACHE/$name.log" 2>&1; then
    tail -n 30 "$CACHE/$name.log" >&2
    die "$name: mmdebstrap failed (last lines above, full log $CACHE/$name.log). A failing hook shows as 'command failed: sh .../customize.sh'; download errors mean the mirror ($DEBIAN_MIRROR, override with IMAGES_DEBIAN_MIRROR) is unreachable; mmdebstrap needs root here."
  fi
  rootfs_size=$(stat -c %s "$work/rootfs.tar")

  nice -n 19 python3 "$here/oci-archive.py" "$work/rootfs.tar" "$ref" "$dir/config.json" \
      "$work/image.oci.tar" >"$work/oci.json" ||
    die "$name: writing the OCI archive failed (see above)"
  mv "$work/image.oci.tar" "$out"
  # Older archives of this image (other cache keys) are of no further use.
  find "$CACHE" -maxdepth 1 -name "$name-*.oci.tar" ! -path "$out" -delete
  archive_size=$(stat -c %s "$out")
  rm -rf "$work"; work=
  secs=$((SECONDS - start))
  log "$name: built in ${secs}s; archive $((archive_size / 1048576)) MiB (gzip layer), unpacked $((rootfs_size / 1048576)) MiB"
}

main() {
  local -a images=("$@")
  ((${#images[@]})) || images=("${ALL_IMAGES[@]}")
  local name key out lock_fd
  for name in "${images[@]}"; do
    [[ -f $here/$name/packages || -f $here/$name/$name.c ]] || die "unknown image '$name' (known: ${ALL_IMAGES[*]})"
  done
  command -v mmdebstrap >/dev/null || die "mmdebstrap not found: apt-get install mmdebstrap"
  mkdir -p "$CACHE" || die "cannot create $CACHE; set PULUMI_GLUSTER_CACHE to a writable dir"
  # One build at a time per cache (parallel test runs share it).
  exec {lock_fd}>"$CACHE/.lock"
  flock "$lock_fd"
  # Holding the lock, any build dir left here is from a build that was killed.
  find "$CACHE" -maxdepth 1 -name '.build-*' -type d -exec rm -rf {} +
  for name in "${images[@]}"; do
    key=$(cache_key "$name")
    out=$CACHE/$name-$key.oci.tar
    if [[ -s $out && ${IMAGES_REBUILD:-0} != 1 ]]; then
      log "$name: cached $out ($(($(stat -c %s "$out") / 1048576)) MiB)"
    elif [[ -f $here/$name/$name.c ]]; then
      build_static_image "$name" "$out"
    else
      build_image "$name" "$out"
    fi
    printf '%s %s\n' "$REF_PREFIX/$name:$TAG" "$out"
  done
}

# exit here: bash reads scripts as it goes, so an edit during a long build cannot run stray lines.
main "$@"; exit
