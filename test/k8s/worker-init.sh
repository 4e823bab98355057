#!/usr/bin/env bash
# A Kubernetes worker of the test cluster: PID 1 of its own PID, mount and UTS namespaces, inside
# the lab's network namespace (started by `k8s.sh up --workers N`). It runs containerd, sshd (so
# that GlusterHostMount can reach it like any host) and kubelet. Killing this process ends every
# process of the worker: its pods, containerd's shims and its FUSE mounts go with it.
#
# Env (from k8s.sh): WORKER_DIR (also the first argument, so k8s.sh knows the process by it),
# WORKER_NAME, WORKER_IP, WORKER_CGROUP (its cgroup root, unique on the machine), K8S_BIN_DIR,
# WORKER_IMAGES (image archives, one a line)
set -euo pipefail
dir=$WORKER_DIR
name=$WORKER_NAME
log() { printf '[%s %(%H:%M:%S)T] %s\n' "$name" -1 "$*"; }

hostname "$name"
mount --make-rprivate /

# /etc is the host's with the worker's own changes on top: its fstab lines (GlusterHostMount),
# CNI and containerd configuration. What the worker keeps is bound from its own directory.
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$dir/etc,workdir=$dir/etc-work" /etc
for path in /var/lib/kubelet /var/lib/containerd /var/lib/cni /var/log/pods /var/log/containers /var/log/glusterfs /mnt; do
  mkdir -p "$dir/fs$path" "$path"
  mount --bind "$dir/fs$path" "$path"
done
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/sshd /run/containerd
# root's own shell start-up for SSH sessions: the host's .bashrc is slow and not the worker's.
printf 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n' > "$dir/bashrc"
mount --bind "$dir/bashrc" /root/.bashrc

# `ip netns exec` gave this namespace a fresh /sys without the cgroup mounts: mount the host's v1
# hierarchies again (the same hierarchies, not new ones) for kubelet and runc.
mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup
for controller in cpu cpuacct cpuset memory devices freezer blkio pids; do
  mkdir -p "/sys/fs/cgroup/$controller"
  mount -t cgroup -o "$controller" cgroup "/sys/fs/cgroup/$controller"
  # The worker's pods live under kubelet's cgroupRoot, apart from any other worker's.
  mkdir -p "/sys/fs/cgroup/$controller/$WORKER_CGROUP"
done
mkdir -p /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
mkdir -p "/sys/fs/cgroup/systemd/$WORKER_CGROUP"
# A new cpuset cgroup starts with no CPUs and no memory nodes: give it its parent's.
cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset/$WORKER_CGROUP/cpuset.cpus"
cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset/$WORKER_CGROUP/cpuset.mems"

# kubelet sets these kernel-wide settings unless they already hold its values (and with
# protectKernelDefaults it refuses to start instead). They are the whole machine's, shared with
# everything else on it, so the worker sees its own copies holding kubelet's values and the
# host's settings stay as they are.
mkdir -p "$dir/sysctl"
while read -r key value; do
  file=$dir/sysctl/${key//\//.}
  echo "$value" > "$file"
  mount --bind "$file" "/proc/sys/$key"
done <<'EOF'
vm/overcommit_memory 1
vm/panic_on_oom 0
kernel/panic 10
kernel/panic_on_oops 1
kernel/keys/root_maxkeys 1000000
kernel/keys/root_maxbytes 25000000
EOF

wait_for() { # $1 what, $2 seconds, rest: a command that succeeds when ready
  local what=$1 limit=$2 deadline
  shift 2
  deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "ERROR: $what not ready in $limit s"; exit 1; }
    sleep 0.2
  done
}

log "starting containerd"
containerd --config "$dir/containerd.toml" >"$dir/logs/containerd.log" 2>&1 &
containerd=$!
wait_for containerd 60 ctr --address /run/containerd/containerd.sock version
while read -r archive; do
  [[ -n $archive ]] || continue
  ctr --address /run/containerd/containerd.sock -n k8s.io images import "$archive" >>"$dir/logs/images.log" 2>&1 ||
    { log "ERROR: importing $archive failed (see $dir/logs/images.log)"; exit 1; }
done <<<"${WORKER_IMAGES:-}"

log "starting sshd on $WORKER_IP"
/usr/sbin/sshd -D -f "$dir/sshd_config" -E "$dir/logs/sshd.log" &
sshd=$!

log "starting kubelet"
"$K8S_BIN_DIR/kubelet" --config="$dir/kubelet.yaml" --kubeconfig="$dir/kubelet.kubeconfig" \
  --hostname-override="$name" --node-ip="$WORKER_IP" --v=1 >"$dir/logs/kubelet.log" 2>&1 &
kubelet=$!

# PID 1 of the namespace: bash reaps whatever is re-parented here (containerd's shims). When one
# of the three ends, so does the worker, and k8s.sh sees it go.
wait -n "$containerd" "$sshd" "$kubelet" || true
for process in containerd sshd kubelet; do
  kill -0 "${!process}" 2>/dev/null || log "ERROR: $process exited (see $dir/logs/$process.log)"
done
exit 1
