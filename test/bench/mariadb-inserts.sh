#!/usr/bin/env bash
# The database part of the bench: MariaDB as the test image's pods run it (its entrypoint, its
# settings), with its datadir on a FUSE mount of a gluster volume; then single-row autocommit
# INSERTs, each of which InnoDB flushes before it returns.
#
#   unshare --mount --pid --fork --kill-child --mount-proc \
#     mariadb-inserts.sh <rootfs> <mount source> <backup volfile servers a:b> <inserts> <rounds>
#
# <rootfs> is the unpacked mariadb image. Run in PID and mount namespaces of its own: every mount
# (the volume, /proc and /dev in the rootfs) and every process (glusterfs, mariadbd) ends with
# this script, also when it is killed. stdout: {"startSeconds": s, "roundSeconds": [s, ...]}:
# the first initialisation of the datadir with the server's start, then each round of inserts.
set -euo pipefail
rootfs=$1 source=$2 backups=$3 inserts=$4 rounds=$5

log() { printf '[db %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
in_image() { chroot "$rootfs" "$@"; }

mkdir -p "$rootfs/proc" "$rootfs/dev"
mount -t proc proc "$rootfs/proc"
mount --rbind /dev "$rootfs/dev"
mount -t glusterfs -o backup-volfile-servers="$backups" -- "$source" "$rootfs/var/lib/mysql"

log "$source: initialising a database and starting MariaDB"
started=$EPOCHREALTIME
# The entrypoint initialises the empty datadir, then execs mariadbd: $! is the server.
in_image env MYSQL_ROOT_PASSWORD=bench MYSQL_DATABASE=bench \
  /usr/local/bin/docker-entrypoint.sh mariadbd --skip-networking >&2 &
server=$!
# Ready once the entrypoint finished initialising (its temporary server, which answers too, is
# gone by then) and the server it then started answers.
datadir=$rootfs/var/lib/mysql
until [[ -d $datadir/mysql && ! -e $datadir/.initialising ]] && in_image mariadb -uroot bench -e 'select 1' >/dev/null 2>&1; do
  kill -0 "$server" 2>/dev/null || { log "$source: MariaDB exited before it answered (see above)"; exit 1; }
  sleep 1
done
start_seconds=$(elapsed "$started")

in_image mariadb -uroot bench -e 'CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64)) ENGINE=InnoDB'
round_seconds=()
for ((round = 1; round <= rounds; round++)); do
  log "$source: round $round of $rounds: $inserts inserts"
  started=$EPOCHREALTIME
  for ((i = 1; i <= inserts; i++)); do echo "INSERT INTO t (v) VALUES ('round $round row $i');"; done |
    in_image mariadb -uroot bench
  round_seconds+=("$(elapsed "$started")")
done
rows=$(in_image mariadb -uroot -N bench -e 'SELECT COUNT(*) FROM t')
[[ $rows == $((rounds * inserts)) ]] || { log "$source: the table holds $rows rows, not $((rounds * inserts))"; exit 1; }

in_image mariadb -uroot -e SHUTDOWN
wait "$server" || true
umount "$rootfs/var/lib/mysql"
printf '{"startSeconds": %s, "roundSeconds": [%s]}\n' "$start_seconds" "$(IFS=,; echo "${round_seconds[*]}")"
