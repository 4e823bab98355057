#!/bin/bash
# Entrypoint of localhost/pulumi-gluster/wordpress:test, a stand-in for the official
# wordpress:6-apache image for the same variables (WORDPRESS_DB_HOST, WORDPRESS_DB_USER,
# WORDPRESS_DB_PASSWORD, WORDPRESS_DB_NAME), read by wp-config.php on each request.
# Unlike the official image, WordPress's code stays in the image: the volume at /var/www/html
# holds what WordPress writes (wp-content) and its secret keys, so a first start copies about a
# hundred files instead of three thousand, which on a network filesystem is minutes.
set -euo pipefail

VOLUME=/var/www/html

log() { printf '%s [entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ $# -eq 0 ]]; then set -- apache2-foreground; fi
# Anything else (a shell, php, ...) runs as is.
if [[ $1 != apache2-foreground && $1 != apache2 ]]; then exec "$@"; fi

if [[ ! -d $VOLUME/wp-content ]]; then
  log "no wp-content in $VOLUME: copying the shipped one"
  # Copied under another name and renamed, so a start cut short copies again.
  rm -rf "$VOLUME/.wp-content.new"
  cp -a /usr/src/wp-content "$VOLUME/.wp-content.new" || die "copying wp-content to $VOLUME failed; is the volume writable?"
  # Apache runs as www-data, and WordPress writes uploads into wp-content.
  chown -R www-data:www-data "$VOLUME/.wp-content.new" || die "chown of $VOLUME/.wp-content.new to www-data failed"
  mv "$VOLUME/.wp-content.new" "$VOLUME/wp-content"
fi

if [[ ! -e $VOLUME/wp-keys.php ]]; then
  log "writing WordPress's secret keys to $VOLUME/wp-keys.php"
  {
    echo '<?php'
    for name in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
      printf "define('%s', '%s');\n" "$name" "$(head -c 48 /dev/urandom | base64 -w0)"
    done
  } >"$VOLUME/.wp-keys.php.new"
  chown root:www-data "$VOLUME/.wp-keys.php.new"
  chmod 0640 "$VOLUME/.wp-keys.php.new"
  mv "$VOLUME/.wp-keys.php.new" "$VOLUME/wp-keys.php"
fi

# Debian's envvars reads unset variables: source it without set -u.
set +u
# shellcheck disable=SC1091
. /etc/apache2/envvars
set -u
install -d "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
rm -f "$APACHE_PID_FILE" # left over when the container was killed
exec apache2 -DFOREGROUND
