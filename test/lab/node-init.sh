#!/bin/bash
# PID 1 of a lab storage node (a user-mode Linux guest whose root is the host's / through hostfs,
# read-only). Stage 1 stacks a writable overlay on the node's own state disk (/dev/ubda) and
# chroots into it; stage 2 brings the node up like a real storage host: network, device-mapper,
# udev, LVM activation, bricks remounted from /etc/fstab, sshd and glusterd.
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C

cmdline_value() { # cmdline_value <key>: value of key=value on the kernel command line
  local word
  for word in $(cat /proc/cmdline); do
    case $word in "$1="*) printf '%s' "${word#*=}"; return ;; esac
  done
}

say() { echo "lab-node: $*"; }

stage1() {
  mount -t proc proc /proc
  mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
  mount -t tmpfs -o mode=755 stage1 /mnt
  # modprobe -d wants <dir>/lib/modules/<release>; UML's modules live elsewhere.
  mkdir -p /mnt/modroot/lib/modules
  ln -s "/usr/lib/uml/modules/$(uname -r)" "/mnt/modroot/lib/modules/$(uname -r)"
  modprobe -d /mnt/modroot overlay
  mkdir -p /mnt/state /mnt/root
  mount -t ext4 /dev/ubda /mnt/state || { say "FAILED: state disk"; exec sleep infinity; }
  mkdir -p /mnt/state/upper /mnt/state/work
  mount -t overlay -o lowerdir=/,upperdir=/mnt/state/upper,workdir=/mnt/state/work overlay /mnt/root ||
    { say "FAILED: overlay root"; exec sleep infinity; }
  umount /proc
  exec chroot /mnt/root /bin/bash "$0" stage2
}

first_boot() {
  # The lower layer is the lab host's own root: drop what must not be shared between nodes.
  printf '# /etc/fstab of lab node %s\n' "$node" > /etc/fstab
  rm -f /etc/ssh/ssh_host_* /var/lib/glusterd/glusterd.info
  rm -rf /var/lib/glusterd/peers /var/lib/glusterd/vols /var/log/glusterfs/*
  mkdir -p /var/lib/lab-node/root/.ssh /var/lib/heketi/mounts
  printf 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n' > /var/lib/lab-node/root/.bashrc
  touch /var/lib/lab-node/initialized
}

start_sshd() {
  install -m 600 /run/lab/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key
  install -m 600 /run/lab/authorized_keys /root/.ssh/authorized_keys
  cat > /etc/ssh/sshd_config <<EOF
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
StrictModes no
AuthorizedKeysFile .ssh/authorized_keys
MaxSessions 64
MaxStartups 64:30:128
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  mkdir -p /run/sshd
  /usr/sbin/sshd -E /var/log/sshd.log
}

shutdown_node() {
  say "stopping"
  [ -f /run/glusterd.pid ] && kill -TERM "$(cat /run/glusterd.pid)" 2>/dev/null
  kill -TERM -1 2>/dev/null; sleep 2; kill -KILL -1 2>/dev/null
  umount -a -t xfs,fuse.glusterfs 2>/dev/null
  sync
  say "stopped"
  echo o > /proc/sysrq-trigger
  sleep infinity
}

stage2() {
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  mount -t devtmpfs devtmpfs /dev
  mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
  mount -t tmpfs -o mode=755 run /run && mkdir -p /run/lock
  labdir=$(cmdline_value labdir) node=$(cmdline_value labnode)
  # Take what the node needs from the lab directory now: it may live under /tmp, which the
  # node's own tmpfs hides from here on.
  mkdir -p /run/lab/modroot/lib/modules
  ln -s "/usr/lib/uml/modules/$(uname -r)" "/run/lab/modroot/lib/modules/$(uname -r)"
  cp "$labdir/nodes/$node/ssh_host_ed25519_key" /run/lab/ssh_host_ed25519_key
  cp "$labdir/ssh/id_ed25519.pub" /run/lab/authorized_keys
  mount -t tmpfs -o mode=1777 tmp /tmp
  local ip; ip=$(cmdline_value labip)
  [ -f /var/lib/lab-node/initialized ] || first_boot
  mount --bind /var/lib/lab-node/root /root
  hostname "$node"; echo "$node" > /etc/hostname

  ip link set lo up
  ip addr add "$ip" dev vec0 && ip link set vec0 up
  # Without this, large writes through the TAP link stall (see the lab notes).
  ethtool -K vec0 tso off gso off tx off >/dev/null 2>&1

  local m
  for m in dm-mod dm-thin-pool dm-snapshot fuse; do modprobe -d /run/lab/modroot "$m"; done
  /lib/systemd/systemd-udevd --daemon
  udevadm trigger --action=add && udevadm settle --timeout=30
  vgchange -ay >/dev/null 2>&1
  # A real host remounts its bricks from fstab at boot.
  mount -a || say "some fstab entries did not mount"

  start_sshd
  mkdir -p /var/log/glusterfs
  glusterd -p /run/glusterd.pid
  local i
  for i in $(seq 1 60); do
    gluster --mode=script pool list >/dev/null 2>&1 && break
    sleep 1
  done
  # ctrl-alt-del (lab.sh node stop, via the UML console) then reaches init as SIGINT.
  echo 0 > /proc/sys/kernel/ctrl-alt-del
  trap shutdown_node INT TERM
  say "READY $node"
  while :; do sleep 3600 & wait $!; done
}

case "${1:-stage1}" in
  stage2) stage2 ;;
  *) stage1 ;;
esac
