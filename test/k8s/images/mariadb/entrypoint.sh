#!/bin/bash
# Entrypoint of localhost/pulumi-gluster/mariadb:test, a small stand-in for the official
# mariadb/mysql images' docker-entrypoint.sh, for the same environment variables:
#   MYSQL_ROOT_PASSWORD  required when the datadir is new (MARIADB_ROOT_PASSWORD also accepted)
#   MYSQL_DATABASE       optional: created on first initialisation
#   MYSQL_USER, MYSQL_PASSWORD  optional: user with all rights on MYSQL_DATABASE
# /var/lib/mysql is a volume (GlusterFS in the real use): it may be new (empty, owned by root)
# or hold the data of an earlier pod, which is then used as is (no re-initialisation).
set -euo pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

log() { printf '%s [entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# `docker run image --some-option` style: options go to mariadbd.
if [[ $# -eq 0 || ${1:0:1} == - ]]; then set -- mariadbd "$@"; fi
# Anything else (a shell, mariadb client, ...) runs as is.
if [[ $1 != mariadbd && $1 != mysqld ]]; then exec "$@"; fi
shift

for v in ROOT_PASSWORD DATABASE USER PASSWORD; do
  m=MYSQL_$v a=MARIADB_$v
  if [[ -z ${!m:-} && -n ${!a:-} ]]; then printf -v "$m" '%s' "${!a}"; fi
done

# SQL string literal / identifier quoting for values from the environment.
sql_str() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\'\'}"; }
sql_id() { printf '`%s`' "${1//\`/\`\`}"; }

install -d -o mysql -g mysql -m 0755 /run/mysqld
# A fresh volume is owned by root; mariadbd runs as mysql. Only files not yet owned by mysql are
# touched, so this is cheap on a datadir that is already in use.
find "$DATADIR" \! -user mysql -exec chown mysql:mysql {} +

# An initialisation cut short (the pod killed or moved half-way) leaves system tables that look
# like a database but are not one: start it again. Only a datadir this entrypoint began to
# initialise carries the marker, so a database made elsewhere is never touched.
INITIALISING=$DATADIR/.initialising
if [[ -e $INITIALISING ]]; then
  log "an earlier initialisation of $DATADIR did not finish; starting it again"
  find "$DATADIR" -mindepth 1 -maxdepth 1 ! -name .initialising -exec rm -rf {} +
fi

if [[ ! -d $DATADIR/mysql ]]; then
  [[ -n ${MYSQL_ROOT_PASSWORD:-} ]] ||
    die "$DATADIR holds no database and MYSQL_ROOT_PASSWORD is not set; set it to initialise one"
  if [[ -n ${MYSQL_USER:-} && -z ${MYSQL_PASSWORD:-} ]]; then die "MYSQL_USER is set but MYSQL_PASSWORD is not"; fi
  log "initialising a new database in $DATADIR"
  touch "$INITIALISING"
  # --rpm: no hostname lookup (a pod's hostname need not resolve), as the official image does.
  mariadb-install-db --user=mysql --datadir="$DATADIR" --rpm --skip-test-db --skip-name-resolve \
    --auth-root-authentication-method=socket >/dev/null ||
    die "mariadb-install-db failed (see above); is $DATADIR writable by the mysql user?"

  # Temporary server on the socket only: set passwords and create the database before any
  # client can reach port 3306.
  mariadbd --user=mysql --datadir="$DATADIR" --skip-networking --socket="$SOCKET" &
  tmp_pid=$!
  # (mariadb-admin is in the mariadb-client package, not in the image: use the client.) No time
  # limit: on a network filesystem the first start can take minutes, and it is alive or not.
  until mariadb --socket="$SOCKET" -uroot -e 'select 1' >/dev/null 2>&1; do
    kill -0 "$tmp_pid" 2>/dev/null || die "temporary mariadbd exited during initialisation (see its log above)"
    sleep 1
  done

  pw=$(sql_str "$MYSQL_ROOT_PASSWORD")
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    # Anonymous and host-named accounts from mariadb-install-db: not wanted in a container.
    echo "DROP USER IF EXISTS ''@'localhost', root@'127.0.0.1', root@'::1';"
    echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS \'\'@\'', @@hostname, '\', root@\'', @@hostname, '\'');"
    # root: password from the env (socket login as OS root keeps working), and from any host.
    echo "ALTER USER root@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD($pw) OR unix_socket;"
    echo "CREATE USER root@'%' IDENTIFIED BY $pw;"
    echo "GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION;"
    if [[ -n ${MYSQL_DATABASE:-} ]]; then
      echo "CREATE DATABASE IF NOT EXISTS $(sql_id "$MYSQL_DATABASE");"
    fi
    if [[ -n ${MYSQL_USER:-} ]]; then
      echo "CREATE USER $(sql_str "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_str "$MYSQL_PASSWORD");"
      if [[ -n ${MYSQL_DATABASE:-} ]]; then
        echo "GRANT ALL ON $(sql_id "$MYSQL_DATABASE").* TO $(sql_str "$MYSQL_USER")@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --protocol=socket --socket="$SOCKET" -uroot ||
    { kill "$tmp_pid"; die "setting up users/database failed (see above); remove $DATADIR/* to retry"; }

  mariadb --socket="$SOCKET" -uroot -e 'SHUTDOWN' || die "could not stop the temporary mariadbd"
  wait "$tmp_pid" || true
  rm -f "$INITIALISING"
  log "initialisation done"
else
  log "using the existing database in $DATADIR"
fi

exec mariadbd --user=mysql --datadir="$DATADIR" "$@"
