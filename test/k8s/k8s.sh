#!/usr/bin/env bash
# A real Kubernetes cluster for tests: etcd + kube-apiserver + kube-controller-manager, listening
# on 127.0.0.1 inside the lab's network namespace, where the tests, the Pulumi engine and the
# storage hosts are; with --workers N also kube-scheduler, kube-proxy and N kubelet workers
# (test/k8s/worker-init.sh) that run pods from images built by test/k8s/images/build.sh.
# Binaries come from test/toolchain/control-plane.sh (via .toolchain/kubernetes).
#
#   k8s.sh up [--workers N]   certificates, start it all, wait until ready, write .k8s/kubeconfig
#                             (and .k8s/workers.json: each worker's address and SSH host key)
#   k8s.sh status             PIDs and health
#   k8s.sh down               stop each by its recorded PID (TERM, wait, KILL), remove .k8s
#
# Env:
#   K8S_STATE       state dir (default <repo>/.k8s): pki/, etcd data, logs/, *.pid, kubeconfig
#   K8S_BIN_DIR     default <repo>/.toolchain/kubernetes
#   K8S_API_PORT    apiserver secure port (default 6443; if unset and 6443 is
#                   busy, the next free port in 6444..6499 is used)
#   K8S_ETCD_PORT   etcd client port (default 23790), K8S_ETCD_PEER_PORT (23800)
#   K8S_KCM_PORT    controller-manager secure (healthz) port (default 10357)
#   K8S_SERVICE_CIDR  default 10.96.0.0/12 (kube-proxy serves it when there are workers)
#   K8S_READY_TIMEOUT seconds to wait for readiness (default 180)
#   K8S_PV_SYNC_PERIOD  kcm --pvclaimbinder-sync-period (default 1s)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Resolved: live_pid compares it with /proc/<pid>/exe.
K8S_BIN_DIR=$(readlink -f "${K8S_BIN_DIR:-$repo/.toolchain/kubernetes}")
STATE=${K8S_STATE:-$repo/.k8s}
ETCD_PORT=${K8S_ETCD_PORT:-23790}
ETCD_PEER_PORT=${K8S_ETCD_PEER_PORT:-23800}
KCM_PORT=${K8S_KCM_PORT:-10357}
SERVICE_CIDR=${K8S_SERVICE_CIDR:-10.96.0.0/12}
READY_TIMEOUT=${K8S_READY_TIMEOUT:-180}
PV_SYNC_PERIOD=${K8S_PV_SYNC_PERIOD:-1s}
MARKER=.k8s-sh-state   # only a dir holding this file is ever rm -rf'd by `down`
LAB_NETNS="glab-$(printf '%s' "$repo" | sha1sum | cut -c1-8)" # as test/lab/lab.sh names it
COMPONENTS=(kube-proxy kube-scheduler kube-controller-manager kube-apiserver etcd)

log() { printf '[k8s.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

abs_state() { # resolve STATE to an absolute path (it may not exist yet)
  case $STATE in /*) ;; *) STATE=$PWD/${STATE#./} ;; esac
  STATE=${STATE%/}
}

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# PID from $STATE/<name>.pid, printed only if that process is still our binary
# (guards against PID reuse after a crash/reboot).
live_pid() {
  local f=$STATE/$1.pid pid exe
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ ${exe% (deleted)} == "$K8S_BIN_DIR/$1" ]] || return 1
  echo "$pid"
}

# Loopback must be up for 127.0.0.1 binds. Inside a fresh netns (ip netns exec)
# lo is down; bring it up there, but never touch the host netns.
ensure_loopback() {
  if ip -o link show lo 2>/dev/null | grep -q '[<,]UP[,>]'; then return; fi
  if [[ $(readlink /proc/self/ns/net) == "$(readlink /proc/1/ns/net 2>/dev/null)" ]]; then
    die "loopback is down in the host network namespace; refusing to change it"
  fi
  log "bringing up lo in this network namespace"
  ip link set lo up
}

pki_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

pki_sign() { # in $STATE/pki: $1 name, $2 subject, $3 extensions; signed by the test CA
  ( cd "$STATE/pki"
    umask 077
    pki_key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 \
      -days 3650 -extfile <(printf '%s\n' "$3") -out "$1.crt" 2>/dev/null
    rm -f "$1.csr"
  )
}

CLIENT_EXTENSIONS="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

gen_pki() { # CA, apiserver serving cert, SA key pair, admin + kcm client certs
  local d=$STATE/pki
  mkdir -p "$d"
  ( cd "$d"
    umask 077
    # EC P-256 keys: generated instantly, supported by Go TLS and SA tokens (ES256).
    pki_key ca.key
    openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=pulumi-gluster-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" -out ca.crt
  )
  # First IP of the service range: the in-cluster "kubernetes" service IP.
  local svc_ip
  svc_ip=$(python3 -c "import ipaddress,sys;print(ipaddress.ip_network(sys.argv[1])[1])" "$SERVICE_CIDR" 2>/dev/null || echo 10.96.0.1)
  pki_sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:$svc_ip,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  pki_sign admin "/O=system:masters/CN=kubernetes-admin" "$CLIENT_EXTENSIONS"
  # With --use-service-account-credentials=false every controller runs as
  # this one user, and the bootstrap system:kube-controller-manager role is
  # far too narrow for that (only meant for the per-controller-SA mode), so
  # the controller-manager is a superuser like the admin.
  pki_sign kcm "/O=system:masters/CN=system:kube-controller-manager" "$CLIENT_EXTENSIONS"
  ( cd "$d"
    umask 077
    # Service-account token signing key pair.
    pki_key sa.key
    openssl pkey -in sa.key -pubout -out sa.pub
    chmod 600 ./*.key
  )
}

write_kubeconfig() { # $1 file, $2 cert/key basename in pki/, $3 user name
  local p=$STATE/pki b64='base64 -w0'
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $($b64 <"$p/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $($b64 <"$p/$2.crt")
    client-key-data: $($b64 <"$p/$2.key")
contexts:
- name: $3@local
  context: {cluster: local, user: $3}
current-context: $3@local
EOF
  chmod 600 "$1"
}

start() { # $1 name, rest args: run detached (own session), record PID, log to file
  local name=$1; shift
  # Non-interactive bash puts background jobs in its own process group, so
  # setsid execs (no fork) and $! is the component's own PID.
  setsid nohup "$K8S_BIN_DIR/$name" "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
  sleep 0.2
  live_pid "$name" >/dev/null || { tail -20 "$STATE/logs/$name.log" >&2; die "$name exited at start"; }
  log "started $name pid $(<"$STATE/$name.pid")"
}

# Poll a URL until HTTP 200; $1 what, $2 url, rest: extra curl args.
wait_http() {
  local what=$1 url=$2; shift 2
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" 2>/dev/null) == 200 ]]; do
    for c in "${COMPONENTS[@]}"; do
      [[ ! -f $STATE/$c.pid ]] || live_pid "$c" >/dev/null ||
        { tail -30 "$STATE/logs/$c.log" >&2; die "$c died while waiting for $what"; }
    done
    ((SECONDS < deadline)) || die "timeout waiting for $what ($url)"
    sleep 0.3
  done
}

API() { # curl the apiserver as admin
  curl -sS --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" "$@"
}

cmd_up() {
  local t0 c
  t0=$(date +%s%3N)
  [[ -x $K8S_BIN_DIR/kube-apiserver && -x $K8S_BIN_DIR/kube-controller-manager && -x $K8S_BIN_DIR/etcd ]] ||
    die "binaries missing in $K8S_BIN_DIR: run 'npm run toolchain' first"
  for c in "${COMPONENTS[@]}"; do
    if live_pid "$c" >/dev/null; then die "$c already running (state $STATE); run down first"; fi
  done
  if [[ -d $STATE && -n $(ls -A "$STATE" 2>/dev/null) && ! -f $STATE/$MARKER ]]; then
    die "$STATE exists, is not empty and was not created by k8s.sh"
  fi
  ensure_loopback

  # Ports: apiserver may float if the caller did not pin it; others must be free.
  if [[ -n ${K8S_API_PORT:-} ]]; then
    API_PORT=$K8S_API_PORT
    port_busy "$API_PORT" && die "K8S_API_PORT $API_PORT is busy"
  else
    API_PORT=6443
    while port_busy "$API_PORT"; do
      API_PORT=$((API_PORT + 1)); ((API_PORT < 6500)) || die "no free port in 6443..6499"
    done
  fi
  for p in "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT"; do
    port_busy "$p" && die "port $p is busy (set K8S_ETCD_PORT/K8S_ETCD_PEER_PORT/K8S_KCM_PORT)"
  done

  rm -rf "${STATE:?}/etcd" "$STATE/pki" "$STATE/logs"
  mkdir -p "$STATE/logs"
  touch "$STATE/$MARKER"
  echo "$API_PORT" >"$STATE/api-port"
  # Any failure from here on stops what was started (logs stay for debugging).
  UP_OK=0
  trap '[[ $UP_OK == 1 ]] || { log "up failed; stopping what was started (logs kept in $STATE/logs)"; stop_all; }' EXIT

  gen_pki
  local P=$STATE/pki

  # etcd: single member, loopback only, non-default ports so it cannot clash
  # with another etcd. --unsafe-no-fsync: throwaway test data, much faster.
  start etcd --name=local --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="local=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new \
    --unsafe-no-fsync=true --log-level=warn
  wait_http etcd "http://127.0.0.1:$ETCD_PORT/health"

  # kube-apiserver: secure port on 127.0.0.1 only. --endpoint-reconciler-type=none
  # because a loopback advertise address is invalid in the "kubernetes"
  # Endpoints object (the reconciler would log errors forever).
  start kube-apiserver \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
    --client-ca-file="$P/ca.crt" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
    --authorization-mode=Node,RBAC \
    --allow-privileged=true \
    --endpoint-reconciler-type=none \
    --cert-dir="$P/apiserver-generated" \
    --profiling=false --v=1
  wait_http kube-apiserver "https://127.0.0.1:$API_PORT/readyz" \
    --cacert "$P/ca.crt" --cert "$P/admin.crt" --key "$P/admin.key"

  write_kubeconfig "$STATE/kubeconfig" admin kubernetes-admin
  write_kubeconfig "$STATE/kcm.kubeconfig" kcm system:kube-controller-manager

  # kube-controller-manager: all default controllers (incl. the PV binder),
  # one shared identity (no per-controller SAs), no leader election.
  # --authentication-skip-lookup + --client-ca-file: take the client CA from
  # the file instead of the extension-apiserver-authentication ConfigMap (that
  # has no front-proxy CA here, which made kcm log an error every 10s).
  # --pvclaimbinder-sync-period: a PVC whose PV reached the controller's
  # cache after the PVC is only retried on this resync (default 15s), so
  # binding took 0.7s or 15s at random; 1s keeps tests fast and stable.
  # --flex-volume-plugin-dir: else kcm creates /usr/libexec/kubernetes/...
  start kube-controller-manager \
    --kubeconfig="$STATE/kcm.kubeconfig" \
    --authentication-kubeconfig="$STATE/kcm.kubeconfig" --authorization-kubeconfig="$STATE/kcm.kubeconfig" \
    --authentication-skip-lookup=true --client-ca-file="$P/ca.crt" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$P/kcm-generated" \
    --controllers='*' --use-service-account-credentials=false --leader-elect=false \
    --service-account-private-key-file="$P/sa.key" --root-ca-file="$P/ca.crt" \
    --cluster-signing-cert-file="$P/ca.crt" --cluster-signing-key-file="$P/ca.key" \
    --pvclaimbinder-sync-period="$PV_SYNC_PERIOD" \
    --flex-volume-plugin-dir="$STATE/flexvolume" \
    --profiling=false --v=1
  wait_http kube-controller-manager "https://127.0.0.1:$KCM_PORT/healthz" -k

  # Pods are only admitted once the ServiceAccount admission plugin finds the
  # namespace's "default" SA, which the controller-manager creates: wait for it.
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [[ $(API -o /dev/null -w '%{http_code}' "https://127.0.0.1:$API_PORT/api/v1/namespaces/default/serviceaccounts/default") == 200 ]]; do
    ((SECONDS < deadline)) || die "timeout waiting for default ServiceAccount"
    sleep 0.3
  done
  start_workers "$WORKERS"
  UP_OK=1
  local ms dt
  ms=$(($(date +%s%3N) - t0))
  dt=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
  echo "$dt" >"$STATE/up-seconds"
  log "ready in ${dt}s: export KUBECONFIG=$STATE/kubeconfig (https://127.0.0.1:$API_PORT)"
}

# Workers: kubelet + containerd + sshd each, in namespaces of their own (test/k8s/worker-init.sh)
# but on the lab's network, with the lab's bridge as their network: worker i is 10.77.0.(20+i),
# its pods get 10.88.i.0/24 as routed veth pairs. One kube-proxy serves both (they share the
# network namespace, so they share its iptables); kube-scheduler places the pods.
WORKER_SUBNET=10.77.0
POD_CIDR=10.88.0.0/16
PAUSE_IMAGE=localhost/pulumi-gluster/pause:test
worker_ip() { echo "$WORKER_SUBNET.$((20 + $1))"; }
# cgroups are the machine's: named after the checkout's lab, so two checkouts' workers never meet.
worker_cgroup() { echo "$LAB_NETNS-$1"; }
worker_pid() { # the recorded PID of worker $1, printed only while it is that worker's unshare
  local f=$STATE/workers/$1.pid pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "worker-init.sh $STATE/workers/$1" || return 1
  echo "$pid"
}

write_worker_config() { # $1 index: certificates, kubeconfig, containerd, CNI, sshd and kubelet files
  local i=$1 name=w$1 dir=$STATE/workers/w$1 ip
  ip=$(worker_ip "$i")
  mkdir -p "$dir"/{etc,etc-work,logs} "$dir/etc/cni/net.d"
  pki_sign "node-$name" "/O=system:nodes/CN=system:node:$name" "$CLIENT_EXTENSIONS"
  write_kubeconfig "$dir/kubelet.kubeconfig" "node-$name" "system:node:$name"
  rm -f "$dir/ssh_host_ed25519_key"*
  ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
  cat >"$dir/containerd.toml" <<EOF
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This machine withholds CAP_SYS_RESOURCE, so a score below containerd's own (kubelet asks
  # -998 for sandboxes) is refused and runc fails: keep scores at or above containerd's.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
EOF
  # ptp: each pod a routed veth pair, no bridge (see start_workers: iptables stays off the bridges).
  cat >"$dir/etc/cni/net.d/10-$name.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "$name", "plugins": [
  {"type": "ptp", "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.88.$i.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}}
]}
EOF
  cat >"$dir/sshd_config" <<EOF
ListenAddress $ip
HostKey $dir/ssh_host_ed25519_key
AuthorizedKeysFile $repo/.lab/ssh/id_ed25519.pub
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
StrictModes no
PidFile none
MaxSessions 64
MaxStartups 64:30:128
EOF
  : >"$dir/resolv.conf"
  cat >"$dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
healthzBindAddress: $ip
readOnlyPort: 0
authentication: {anonymous: {enabled: false}, webhook: {enabled: false}, x509: {clientCAFile: $STATE/pki/ca.crt}}
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$(worker_cgroup "$name")
failCgroupV1: false
failSwapOn: false
protectKernelDefaults: true
podCIDR: 10.88.$i.0/24
resolvConf: $dir/resolv.conf
clusterDomain: cluster.local
serializeImagePulls: false
# The disk is the machine's, shared: evict nothing for the others' use of it.
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
}

start_workers() { # $1 count
  local count=$1 i name dir images
  ((count > 0)) || return 0
  [[ -x $K8S_BIN_DIR/kubelet && -x $K8S_BIN_DIR/kube-scheduler && -x $K8S_BIN_DIR/kube-proxy ]] ||
    die "kubelet, kube-scheduler or kube-proxy missing in $K8S_BIN_DIR: run 'bash test/toolchain/build.sh --kubernetes' first"
  [[ -f $repo/.lab/ssh/id_ed25519.pub ]] || die "the lab's SSH key is missing: run 'npm run lab:up' first"
  [[ -n ${K8S_WORKER_IMAGES:-} ]] || die "no images for the workers: k8s.sh builds them before it enters the lab's namespace (they need the package mirror), so run it from the host's namespace"
  images=$K8S_WORKER_IMAGES
  # Pods on one worker reach pods on the other, and Services, through this namespace.
  sysctl -qw net.ipv4.ip_forward=1
  # The lab's bridge carries the storage traffic between the nodes: keep it out of iptables, where
  # kube-proxy's rules would track it and drop what conntrack finds invalid. Pods are routed
  # (ptp), not bridged, so their Service traffic goes through iptables without this.
  [[ ! -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || sysctl -qw net.bridge.bridge-nf-call-iptables=0

  pki_sign kube-scheduler "/CN=system:kube-scheduler" "$CLIENT_EXTENSIONS"
  write_kubeconfig "$STATE/kube-scheduler.kubeconfig" kube-scheduler system:kube-scheduler
  start kube-scheduler --kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" --authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=10359 --leader-elect=false --profiling=false --v=1
  pki_sign kube-proxy "/CN=system:kube-proxy" "$CLIENT_EXTENSIONS"
  write_kubeconfig "$STATE/kube-proxy.kubeconfig" kube-proxy system:kube-proxy
  # conntrack-max-per-core=0: leave the machine-wide conntrack table size alone.
  start kube-proxy --kubeconfig="$STATE/kube-proxy.kubeconfig" --proxy-mode=iptables --cluster-cidr="$POD_CIDR" \
    --hostname-override=w1 --conntrack-max-per-core=0 --metrics-bind-address=127.0.0.1:10349 \
    --healthz-bind-address=127.0.0.1:10356 --v=1

  mkdir -p "$STATE/workers"
  for ((i = 1; i <= count; i++)); do
    name=w$i dir=$STATE/workers/w$i
    write_worker_config "$i"
    [[ $(ip -o addr show dev br0) == *" $(worker_ip "$i")/"* ]] || ip addr add "$(worker_ip "$i")/24" dev br0
    # --kill-child: when this unshare is stopped, the worker's PID 1 (and so all of it) goes too.
    WORKER_DIR=$dir WORKER_NAME=$name WORKER_IP=$(worker_ip "$i") WORKER_CGROUP=$(worker_cgroup "$name") \
      K8S_BIN_DIR=$K8S_BIN_DIR WORKER_IMAGES=$images \
      setsid nohup unshare --pid --fork --kill-child --mount-proc --mount --uts \
      bash "$repo/test/k8s/worker-init.sh" "$dir" >"$dir/logs/init.log" 2>&1 </dev/null &
    echo $! >"$STATE/workers/$name.pid"
    disown
    log "started worker $name ($(worker_ip "$i")) pid $(<"$STATE/workers/$name.pid")"
  done
  local deadline=$((SECONDS + READY_TIMEOUT))
  for ((i = 1; i <= count; i++)); do
    until [[ $(API "https://127.0.0.1:$API_PORT/api/v1/nodes/w$i" 2>/dev/null |
      python3 -c 'import json,sys;n=json.load(sys.stdin);print([c["status"] for c in n.get("status",{}).get("conditions",[]) if c["type"]=="Ready"])' 2>/dev/null) == "['True']" ]]; do
      worker_pid "w$i" >/dev/null || { tail -n 20 "$STATE/workers/w$i/logs/"*.log >&2; die "worker w$i exited while starting"; }
      ((SECONDS < deadline)) || { tail -20 "$STATE/workers/w$i/logs/kubelet.log" >&2; die "timeout waiting for node w$i to be Ready"; }
      sleep 0.5
    done
    log "node w$i Ready"
  done
  write_workers_json "$count"
}

write_workers_json() { # what tests need to reach the workers: address, host key, pod range
  local count=$1 i
  {
    echo '['
    for ((i = 1; i <= count; i++)); do
      printf '  {"name": "w%d", "host": "%s", "port": 22, "hostKey": "%s", "podCIDR": "10.88.%d.0/24"}%s\n' \
        "$i" "$(worker_ip "$i")" "$(cut -d' ' -f1-2 "$STATE/workers/w$i/ssh_host_ed25519_key.pub")" "$i" "$([[ $i -lt $count ]] && echo ,)"
    done
    echo ']'
  } >"$STATE/workers.json"
}

stop_workers() { # kill each worker's unshare (its PID 1 follows), then remove their cgroups
  local f name pid i
  for f in "$STATE"/workers/*.pid; do
    [[ -f $f ]] || continue
    name=$(basename "$f" .pid)
    # unshare ignores TERM while it waits for its child; the worker keeps nothing worth a clean
    # stop (its pods and mounts are throwaway), so KILL, and --kill-child ends the rest.
    if pid=$(worker_pid "$name"); then
      kill -KILL "$pid" 2>/dev/null || true
      log "stopped worker $name pid $pid"
    fi
    rm -f "$f"
    # The kernel ends the worker's processes with its PID 1; their emptied cgroups stay behind.
    # (Inside the lab's namespace /sys/fs/cgroup is not mounted: `down` from the host removes them.)
    for ((i = 0; i < 50; i++)); do
      find /sys/fs/cgroup/*/"$(worker_cgroup "$name")" -depth -type d -exec rmdir {} + 2>/dev/null || true
      compgen -G "/sys/fs/cgroup/*/$(worker_cgroup "$name")" >/dev/null || break
      sleep 0.2
    done
  done
}

stop_group() { # TERM the named components together, wait up to 15s, then KILL
  local name pid i alive
  local -A pids=()
  for name in "$@"; do
    if pid=$(live_pid "$name"); then pids[$name]=$pid; kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for ((i = 0; i < 150; i++)); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for name in "${!pids[@]}"; do
    pid=${pids[$name]}
    if kill -0 "$pid" 2>/dev/null; then
      log "$name pid $pid ignored TERM for 15s; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $name pid $pid"
  done
  for name in "$@"; do rm -f "$STATE/$name.pid"; done
}

# kube-proxy leaves its iptables rules behind when it stops: remove them from the lab's namespace.
cleanup_kube_proxy() {
  [[ -e /run/netns/$LAB_NETNS ]] || return 0
  ip netns exec "$LAB_NETNS" "$K8S_BIN_DIR/kube-proxy" --cleanup >"$STATE/logs/kube-proxy-cleanup.log" 2>&1 ||
    log "kube-proxy --cleanup failed (see $STATE/logs/kube-proxy-cleanup.log)"
}

# Clients first (together), etcd last so the apiserver can shut down cleanly.
stop_all() {
  local proxied=0
  [[ ! -f $STATE/kube-proxy.pid ]] || proxied=1
  stop_workers
  stop_group kube-proxy kube-scheduler kube-controller-manager kube-apiserver
  stop_group etcd
  ((proxied == 0)) || cleanup_kube_proxy
}

cmd_down() {
  [[ -d $STATE ]] || { log "no state dir $STATE; nothing to do"; return; }
  [[ -f $STATE/$MARKER ]] || die "$STATE was not created by k8s.sh; not touching it"
  stop_all
  rm -rf "${STATE:?}"
  log "removed $STATE"
}

cmd_status() {
  local c pid rc=0
  [[ -f $STATE/$MARKER ]] || { echo "down (no state in $STATE)"; return 3; }
  for c in etcd kube-apiserver kube-controller-manager; do
    if pid=$(live_pid "$c"); then echo "$c: running pid $pid"; else echo "$c: not running"; rc=1; fi
  done
  for c in kube-scheduler kube-proxy; do
    [[ ! -f $STATE/$c.pid ]] || if pid=$(live_pid "$c"); then echo "$c: running pid $pid"; else echo "$c: not running"; rc=1; fi
  done
  for f in "$STATE"/workers/*.pid; do
    [[ -f $f ]] || continue
    c=$(basename "$f" .pid)
    if pid=$(worker_pid "$c"); then echo "worker $c: running pid $pid"; else echo "worker $c: not running"; rc=1; fi
  done
  API_PORT=$(<"$STATE/api-port")
  echo "readyz: $(API -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:$API_PORT/readyz" 2>/dev/null || echo unreachable)"
  echo "kubeconfig: $STATE/kubeconfig"
  return $rc
}

# up and status run inside the lab's namespace (lab.sh exec enters it); down works from anywhere.
in_lab_netns() {
  case ${1:-} in up | status) ;; *) return 0 ;; esac
  [[ $(ip netns identify $$ 2>/dev/null) == "$LAB_NETNS" ]] && return 0
  [[ -f $repo/.lab/lab.json ]] || die "the lab is not up: run 'npm run lab:up' first (the API server lives in its network namespace)"
  if [[ $1 == up && ${2:-} == --workers && ${3:-0} != 0 ]]; then
    # The images come from Debian's mirror, which the lab's namespace cannot reach.
    K8S_WORKER_IMAGES=$(bash "$repo/test/k8s/images/build.sh" | awk '{print $2}') || die "building the images for the workers failed (see above)"
    export K8S_WORKER_IMAGES
  fi
  exec bash "$repo/test/lab/lab.sh" exec bash "${BASH_SOURCE[0]}" "$@"
}

in_lab_netns "$@"
abs_state
case ${1:-} in
  up)
    WORKERS=0
    [[ ${2:-} != --workers ]] || WORKERS=${3:?--workers takes a count}
    [[ $WORKERS =~ ^[0-9]$ ]] || die "--workers takes a count from 0 to 9"
    cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
