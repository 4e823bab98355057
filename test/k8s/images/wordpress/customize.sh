#!/bin/sh
# mmdebstrap customize hook for the wordpress image. $1 = rootfs.
set -eu
r=$1; here=$(cd "$(dirname "$0")" && pwd)

# WordPress from Debian's packages, as a plain tree in /usr/src/wordpress (what the official
# image ships there). Debian's own layout does not work when copied to a volume: files are
# symlinks into /usr/share/{php,javascript} and wp-config.php dispatches to
# /etc/wordpress/config-<host>.php. So fetch the .debs (with mmdebstrap's apt config, same
# mirror and package lists as the rootfs), unpack them side by side so the relative symlinks
# resolve, and copy with symlinks dereferenced.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && APT_CONFIG=$MMDEBSTRAP_APT_CONFIG apt-get download -q \
    wordpress wordpress-theme-twentytwentythree php-getid3 libjs-cropper libjs-underscore ) ||
  { echo "customize.sh: apt-get download of the WordPress packages failed" >&2; exit 1; }
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
wp=$tmp/root/usr/share/wordpress
# Absolute links point into /etc (Debian's config and htaccess) or at the CA bundle; they would
# resolve on the build host, so drop them here and recreate what is needed below.
find "$wp" -lname '/*' -delete
rm -f "$wp/wp-config.php"
mkdir -p "$r/usr/src"
cp -rL "$wp" "$r/usr/src/wordpress"
install -m 0644 "$here/wp-config.php" "$r/usr/src/wordpress/wp-config.php"
install -m 0644 "$here/htaccess" "$r/usr/src/wordpress/.htaccess"
# wp-content as shipped is the volume's first content; the code reaches the volume's copy.
mkdir -p "$r/usr/src/wordpress/wp-content/uploads"
mv "$r/usr/src/wordpress/wp-content" "$r/usr/src/wp-content"
ln -s /var/www/html/wp-content "$r/usr/src/wordpress/wp-content"
# WordPress' HTTPS client looks for this bundle (dangling: no ca-certificates in the image).
ln -sf /etc/ssl/certs/ca-certificates.crt "$r/usr/src/wordpress/wp-includes/certificates/ca-bundle.crt"
[ -e "$r/usr/src/wordpress/wp-includes/version.php" ] ||
  { echo "customize.sh: no wp-includes/version.php in the copied tree" >&2; exit 1; }

# Apache: mod_rewrite for permalinks, our settings, logs to the container's stdout/stderr.
install -m 0644 "$here/apache.conf" "$r/etc/apache2/conf-available/docker-wordpress.conf"
chroot "$r" a2enmod -q rewrite
chroot "$r" a2enconf -q docker-wordpress
# Its virtual host would serve /var/www/html (the volume) instead of the code.
chroot "$r" a2dissite -q 000-default
ln -sfT /dev/stderr "$r/var/log/apache2/error.log"
ln -sfT /dev/stdout "$r/var/log/apache2/access.log"
ln -sfT /dev/stdout "$r/var/log/apache2/other_vhosts_access.log"
# Debian's placeholder index.html would be served before index.php.
rm -rf "$r"/var/www/html/*
install -D -m 0755 "$here/entrypoint.sh" "$r/usr/local/bin/docker-entrypoint.sh"
