#!/usr/bin/env bash
# npm run bench [-- part]: builds, starts the lab, and runs test/bench/bench.ts in the lab's
# namespace. The db part's MariaDB image is built first, here: it needs Debian's mirror, which the
# lab's namespace cannot reach (cached, so a warm build only prints its path).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
npm run --silent build
# The curve's 50 volumes need more than the default 10G devices, and memory for 50 brick processes
# per node (768M holds some 35); a lab made before keeps its disks and memory (run 'npm run
# lab:down' first), and the curve then skips the points that do not fit.
lab_options=()
[[ ${1:-} == curve ]] && lab_options=(--device-size 20G --memory 2G)
bash test/lab/lab.sh up "${lab_options[@]}"
if [[ -z ${1:-} || $1 == db ]]; then
  bash test/apt-install.sh mmdebstrap
  BENCH_MARIADB_IMAGE=$(bash test/k8s/images/build.sh mariadb | awk '{print $2}')
  export BENCH_MARIADB_IMAGE
fi
exec bash test/lab/lab.sh exec node bin/test/bench/bench.js "$@"
