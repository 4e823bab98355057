#!/usr/bin/env bash
# A real Kubernetes control plane for tests: etcd + kube-apiserver + kube-controller-manager
# (no kubelet, no scheduler: pods are accepted and stay Pending), listening on 127.0.0.1 inside
# the lab's network namespace, where the tests, the Pulumi engine and the storage hosts are.
# Binaries come from test/toolchain/control-plane.sh (via .toolchain/kubernetes).
#
#   k8s.sh up       certificates, start all three, wait until ready, write .k8s/kubeconfig
#   k8s.sh status   PIDs and health
#   k8s.sh down     stop each by its recorded PID (TERM, wait, KILL), remove .k8s
#
# Env:
#   K8S_STATE       state dir (default <repo>/.k8s): pki/, etcd data, logs/, *.pid, kubeconfig
#   K8S_BIN_DIR     default <repo>/.toolchain/kubernetes
#   K8S_API_PORT    apiserver secure port (default 6443; if unset and 6443 is
#                   busy, the next free port in 6444..6499 is used)
#   K8S_ETCD_PORT   etcd client port (default 23790), K8S_ETCD_PEER_PORT (23800)
#   K8S_KCM_PORT    controller-manager secure (healthz) port (default 10357)
#   K8S_SERVICE_CIDR  default 10.96.0.0/12 (allocation only; nothing routes there)
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
COMPONENTS=(kube-controller-manager kube-apiserver etcd)

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

gen_pki() { # CA, apiserver serving cert, SA key pair, admin + kcm client certs
  local d=$STATE/pki
  mkdir -p "$d"
  ( cd "$d"
    umask 077
    # EC P-256 keys: generated instantly, supported by Go TLS and SA tokens (ES256).
    key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
    key ca.key
    openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=pulumi-gluster-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" -out ca.crt
    sign() { # $1 name, $2 subject, $3 extensions
      key "$1.key"
      openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 \
        -days 3650 -extfile <(printf '%s\n' "$3") -out "$1.crt" 2>/dev/null
      rm -f "$1.csr"
    }
    # First IP of the service range: the in-cluster "kubernetes" service IP.
    local svc_ip
    svc_ip=$(python3 -c "import ipaddress,sys;print(ipaddress.ip_network(sys.argv[1])[1])" "$SERVICE_CIDR" 2>/dev/null || echo 10.96.0.1)
    sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:$svc_ip,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
    sign admin "/O=system:masters/CN=kubernetes-admin" "$client"
    # With --use-service-account-credentials=false every controller runs as
    # this one user, and the bootstrap system:kube-controller-manager role is
    # far too narrow for that (only meant for the per-controller-SA mode), so
    # the controller-manager is a superuser like the admin.
    sign kcm "/O=system:masters/CN=system:kube-controller-manager" "$client"
    # Service-account token signing key pair.
    key sa.key
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
  UP_OK=1
  local ms dt
  ms=$(($(date +%s%3N) - t0))
  dt=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
  echo "$dt" >"$STATE/up-seconds"
  log "ready in ${dt}s: export KUBECONFIG=$STATE/kubeconfig (https://127.0.0.1:$API_PORT)"
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

# Clients first (together), etcd last so the apiserver can shut down cleanly.
stop_all() { stop_group kube-controller-manager kube-apiserver; stop_group etcd; }

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
  API_PORT=$(<"$STATE/api-port")
  echo "readyz: $(API -o /dev/null -w '%{http_code}' --max-time 5 "https://127.0.0.1:$API_PORT/readyz" 2>/dev/null || echo unreachable)"
  echo "kubeconfig: $STATE/kubeconfig"
  return $rc
}

# up and status run inside the lab's namespace (lab.sh exec enters it); down works from anywhere.
in_lab_netns() {
  case ${1:-} in up | status) ;; *) return 0 ;; esac
  local netns
  netns="glab-$(printf '%s' "$repo" | sha1sum | cut -c1-8)" # as test/lab/lab.sh names it
  [[ $(ip netns identify $$ 2>/dev/null) == "$netns" ]] && return 0
  [[ -f $repo/.lab/lab.json ]] || die "the lab is not up: run 'npm run lab:up' first (the API server lives in its network namespace)"
  exec bash "$repo/test/lab/lab.sh" exec bash "${BASH_SOURCE[0]}" "$@"
}

in_lab_netns "$@"
abs_state
case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
