#!/usr/bin/env bash
# The storage lab: user-mode Linux nodes with real device-mapper/LVM, XFS, udev, sshd and glusterd,
# on a bridge inside a network namespace of the lab's own. State lives in <repo>/.lab (ignored).
#   lab.sh up [--nodes N] [--devices D] [--device-size SIZE] [--memory SIZE]
#                                                              boot (or complete) the lab
#   lab.sh down                                                stop every node, remove it all
#   lab.sh node kill|stop|start NAME                           power cut, clean stop, boot
#   lab.sh node remove NAME                                    power cut, then the node and its disks are gone
#   lab.sh status                                              one line per node
#   lab.sh exec CMD...                                         run CMD inside the lab's namespace
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
labdir="$repo/.lab"
init="$repo/test/lab/node-init.sh"
subnet=10.77.0
kernel=6.1.176
# One namespace per checkout, so a CI clone and a developer's tree never share a lab.
netns="glab-$(printf '%s' "$repo" | sha1sum | cut -c1-8)"

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }
in_ns() { ip netns exec "$netns" "$@"; }

node_dir() { printf '%s/nodes/%s' "$labdir" "$1"; }
node_ip() { printf '%s.%d' "$subnet" $((10 + ${1#n})); }
# A fixed MAC per node, so peers' ARP entries stay right across restarts.
node_mac() { printf '52:54:00:77:00:%02x' "${1#n}"; }
node_pid() { cat "$(node_dir "$1")/pid" 2>/dev/null || true; }
node_running() { # a recorded PID that is alive and is this node's kernel (not a reused PID)
  local pid; pid=$(node_pid "$1")
  [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q "labnode=$1 "
}
node_names() { ls "$labdir/nodes" 2>/dev/null | sort -V || true; }

require_tools() {
  local t missing=()
  for t in linux.uml uml_mconsole mkfs.ext4 ssh-keygen ssh ethtool; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [ -d "/usr/lib/uml/modules/$kernel" ] || missing+=("uml modules $kernel")
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}: run 'bash test/setup.sh' first"
}

ensure_network() {
  ip netns list | grep -qw "$netns" || ip netns add "$netns"
  in_ns ip link set lo up
  if ! in_ns ip link show br0 >/dev/null 2>&1; then
    in_ns ip link add br0 type bridge
    in_ns ip addr add "$subnet.1/24" dev br0
    in_ns ip link set br0 up
  fi
}

create_node() { # create_node NAME DEVICES SIZE MEMORY: disks, keys and memory size, once
  local name=$1 devices=$2 size=$3 memory=$4 dir i letters=bcdefghijklmnop
  dir=$(node_dir "$name")
  [ -f "$dir/created" ] && return
  mkdir -p "$dir"
  truncate -s 2G "$dir/state.img" && mkfs.ext4 -F -q "$dir/state.img"
  for ((i = 0; i < devices; i++)); do truncate -s "$size" "$dir/disk-${letters:i:1}.img"; done
  ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
  echo "$memory" >"$dir/memory"
  touch "$dir/created"
}

start_node() {
  local name=$1 dir tap ubds=() disk i=0 letters=bcdefghijklmnop memory
  dir=$(node_dir "$name")
  if node_running "$name"; then return; fi
  memory=$(cat "$dir/memory" 2>/dev/null || echo 768M)
  tap="tap${name#n}"
  in_ns ip link show "$tap" >/dev/null 2>&1 || {
    in_ns ip tuntap add dev "$tap" mode tap
    in_ns ip link set "$tap" master br0 up
  }
  for disk in "$dir"/disk-*.img; do ubds+=("ubd${letters:i:1}=$disk"); i=$((i + 1)); done
  rm -rf "$dir/pid" "$dir/console.log" "$labdir/uml/$name"
  # setsid: the node gets its own process group, so kill/stop reach all its host processes.
  in_ns setsid linux.uml mem="$memory" umid="$name" uml_dir="$labdir/uml" \
    rootfstype=hostfs rootflags=/ ro init="$init" \
    "ubda=$dir/state.img" "${ubds[@]}" "vec0:transport=tap,ifname=$tap,mac=$(node_mac "$name")" con=null con0=null,fd:1 \
    labdir="$labdir" labnode="$name" labip="$(node_ip "$name")/24" \
    </dev/null >"$dir/console.log" 2>&1 &
  local pidfile="$labdir/uml/$name/pid" t
  for t in $(seq 1 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
  [ -s "$pidfile" ] || die "$name did not start: see $dir/console.log"
  cp "$pidfile" "$dir/pid"
  in_ns ethtool -K "$tap" tso off gso off tx off rx off gro off >/dev/null 2>&1 || true
}

wait_ready() { # wait_ready NAME...: until each console says READY and ssh answers
  local name deadline=$((SECONDS + 180))
  for name in "$@"; do
    until grep -q "READY $name" "$(node_dir "$name")/console.log" 2>/dev/null; do
      node_running "$name" || die "$name stopped while booting: see $(node_dir "$name")/console.log"
      [ $SECONDS -lt $deadline ] || die "$name not ready after 180 s: see $(node_dir "$name")/console.log"
      sleep 0.5
    done
    until lab_ssh "$name" true 2>/dev/null; do
      [ $SECONDS -lt $deadline ] || die "$name: ssh not answering"
      sleep 0.5
    done
  done
}

lab_ssh() { # lab_ssh NAME CMD...: verified host key, lab key only
  local name=$1; shift
  in_ns ssh -q -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$labdir/ssh/known_hosts" \
    -o ConnectTimeout=5 -i "$labdir/ssh/id_ed25519" "root@$(node_ip "$name")" "$@"
}

write_lab_json() {
  local name dir first=1 devs key
  : > "$labdir/ssh/known_hosts.tmp"
  {
    printf '{\n  "netns": "%s",\n  "nodes": [' "$netns"
    for name in $(node_names); do
      dir=$(node_dir "$name")
      key=$(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")
      printf '%s %s\n' "$(node_ip "$name")" "$key" >> "$labdir/ssh/known_hosts.tmp"
      devs=$(ls "$dir"/disk-*.img | sed 's|.*/disk-\(.\)\.img|"/dev/ubd\1"|' | paste -sd, | sed 's/,/, /g')
      [ $first = 1 ] || printf ','
      first=0
      printf '\n    { "name": "%s", "host": "%s", "port": 22, "user": "root", "privateKeyPath": "%s",\n' \
        "$name" "$(node_ip "$name")" "$labdir/ssh/id_ed25519"
      printf '      "hostKey": "%s", "zone": %d, "devices": [%s] }' "$key" "$(zone_of "$name")" "$devs"
    done
    printf '\n  ]\n}\n'
  } > "$labdir/lab.json.tmp"
  mv "$labdir/ssh/known_hosts.tmp" "$labdir/ssh/known_hosts"
  mv "$labdir/lab.json.tmp" "$labdir/lab.json"
}

# Nodes spread over up to three zones: n1 -> 1, n2 -> 2, n3 -> 3, n4 -> 1 ...
zone_of() { printf '%d' $(( (${1#n} - 1) % 3 + 1 )); }

cmd_up() {
  # Each brick is a glusterfsd of about 17 MiB: 768M holds some 35 bricks per node.
  local nodes=3 devices=2 size=10G memory=768M
  while [ $# -gt 0 ]; do
    case $1 in
      --nodes) nodes=$2; shift 2 ;;
      --devices) devices=$2; shift 2 ;;
      --device-size) size=$2; shift 2 ;;
      --memory) memory=$2; shift 2 ;;
      *) die "unknown option $1 (use --nodes N --devices D --device-size SIZE --memory SIZE)" ;;
    esac
  done
  [[ $nodes =~ ^[1-9][0-9]?$ ]] || die "--nodes must be 1..99"
  [[ $devices =~ ^[1-9]$ ]] && [ "$devices" -le 9 ] || die "--devices must be 1..9"
  [[ $size =~ ^[0-9]+[KMGT]?$ ]] || die "--device-size must look like 10G"
  [[ $memory =~ ^[0-9]+[MG]$ ]] || die "--memory must look like 768M or 2G"
  require_tools
  local existing; existing=$(node_names | wc -l)
  [ "$existing" -le "$nodes" ] || die "the lab has $existing nodes; run 'npm run lab:down' to start smaller"
  local start=$SECONDS name names=()
  mkdir -p "$labdir/ssh" "$labdir/uml"
  [ -f "$labdir/ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C lab -f "$labdir/ssh/id_ed25519"
  ensure_network
  for ((i = 1; i <= nodes; i++)); do names+=("n$i"); create_node "n$i" "$devices" "$size" "$memory"; done
  write_lab_json
  for name in "${names[@]}"; do start_node "$name"; done
  wait_ready "${names[@]}"
  log "$nodes nodes ready in $((SECONDS - start)) s; $labdir/lab.json (netns $netns)"
}

stop_pid_group() { # stop_pid_group NAME SIGNAL: signal the node's process group, wait for it
  local name=$1 sig=$2 pid t
  pid=$(node_pid "$name")
  node_running "$name" || return 0
  kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null || true
  # Wait for the whole group: UML keeps helper processes beside its main one.
  for t in $(seq 1 100); do kill -0 -- "-$pid" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

cmd_node() {
  local action=${1:-} name=${2:-}
  [ -n "$name" ] && [ -d "$(node_dir "$name")" ] || die "usage: lab.sh node kill|stop|start|remove NAME (nodes: $(node_names | paste -sd' '))"
  case $action in
    kill) stop_pid_group "$name" KILL || die "$name did not die"; log "$name killed (power cut)" ;;
    stop)
      if node_running "$name"; then
        # ctrl-alt-del reaches the node's init as SIGINT: it stops glusterd, unmounts, syncs.
        in_ns uml_mconsole "$labdir/uml/$name/mconsole" cad >/dev/null 2>&1
        local pid t; pid=$(node_pid "$name")
        for t in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && { stop_pid_group "$name" KILL; die "$name did not stop cleanly in 60 s; killed"; }
        stop_pid_group "$name" KILL || true # helper processes left behind, if any
      fi
      log "$name stopped" ;;
    start)
      require_tools; ensure_network
      local start=$SECONDS
      start_node "$name"; wait_ready "$name"
      log "$name started in $((SECONDS - start)) s" ;;
    remove)
      stop_pid_group "$name" KILL || die "$name did not die"
      in_ns ip link del "tap${name#n}" 2>/dev/null || true
      rm -rf "$(node_dir "$name")" "$labdir/uml/$name"
      write_lab_json
      log "$name removed" ;;
    *) die "usage: lab.sh node kill|stop|start|remove NAME" ;;
  esac
}

cmd_down() {
  local name
  # The test API server (test/k8s/k8s.sh) runs in this namespace: it goes first.
  if [ -f "$repo/.k8s/.k8s-sh-state" ]; then bash "$repo/test/k8s/k8s.sh" down; fi
  for name in $(node_names); do stop_pid_group "$name" KILL || log "$name (pid $(node_pid "$name")) did not stop"; done
  ip netns list | grep -qw "$netns" && ip netns delete "$netns"
  rm -rf "$labdir"
  log "down"
}

cmd_status() {
  local name
  for name in $(node_names); do
    if node_running "$name"; then state=running; else state=stopped; fi
    printf '%s %s %s pid=%s\n' "$name" "$(node_ip "$name")" "$state" "$(node_pid "$name")"
  done
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  node) shift; cmd_node "$@" ;;
  status) cmd_status ;;
  exec)
    shift
    [ -f "$labdir/lab.json" ] || die "the lab is not up: run 'npm run lab:up' first"
    exec ip netns exec "$netns" "$@" ;;
  *) die "usage: lab.sh up|down|node|status|exec" ;;
esac
