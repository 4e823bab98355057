#!/bin/sh
# mmdebstrap customize hook for the mariadb image. $1 = rootfs.
set -eu
r=$1; here=$(dirname "$0")
# The mysql account, with the official images' fixed uid/gid 999: the datadir lives on a volume
# that outlives the image, so the owner must not depend on package install order.
# (Written directly: useradd is in the passwd package, which the essential variant lacks.)
grep -q '^mysql:' "$r/etc/group" || echo 'mysql:x:999:' >>"$r/etc/group"
grep -q '^mysql:' "$r/etc/passwd" ||
  echo 'mysql:x:999:999:MySQL Server:/nonexistent:/bin/false' >>"$r/etc/passwd"
install -d -o 999 -g 999 -m 0755 "$r/var/lib/mysql" "$r/run/mysqld"
install -m 0644 "$here/container.cnf" "$r/etc/mysql/mariadb.conf.d/99-container.cnf"
# my.cnf normally comes from the alternatives system (mariadb-common postinst).
[ -e "$r/etc/mysql/my.cnf" ] || [ -L "$r/etc/mysql/my.cnf" ] || ln -s mariadb.cnf "$r/etc/mysql/my.cnf"
install -D -m 0755 "$here/entrypoint.sh" "$r/usr/local/bin/docker-entrypoint.sh"
