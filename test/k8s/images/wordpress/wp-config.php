<?php
// wp-config.php of localhost/pulumi-gluster/wordpress:test. WordPress's code stays in the image;
// what it writes (wp-content: uploads, themes, plugins) and its secret keys live on the volume
// mounted at /var/www/html. The database settings come from the environment, under the names
// the official image reads.
function env_or(string $name, string $default): string {
    $value = getenv($name);
    return $value === false ? $default : $value;
}

define('DB_NAME', env_or('WORDPRESS_DB_NAME', 'wordpress'));
define('DB_USER', env_or('WORDPRESS_DB_USER', 'root'));
define('DB_PASSWORD', env_or('WORDPRESS_DB_PASSWORD', ''));
define('DB_HOST', env_or('WORDPRESS_DB_HOST', 'mysql'));
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = env_or('WORDPRESS_TABLE_PREFIX', 'wp_');

// AUTH_KEY … NONCE_SALT, written once by the entrypoint on the volume.
require '/var/www/html/wp-keys.php';

define('WP_CONTENT_DIR', '/var/www/html/wp-content');
// Code is part of the image: updates come with a new image, never written over it.
define('DISALLOW_FILE_MODS', true);
define('AUTOMATIC_UPDATER_DISABLED', true);

if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
