#!/usr/bin/env bash
# The main job: `pulumi <up|preview|refresh|destroy>` of the lab stack (stacks/lab) through the
# CLI, the way a user runs a project, inside the lab's network namespace. State and its
# passphrase live in .lab/pulumi beside the lab they describe; the stack's config is written
# from the lab's description (.lab/lab.json). Extra arguments go to pulumi.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
project="$repo/stacks/lab"
state="$repo/.lab/pulumi"
die() { printf 'lab:deploy: %s\n' "$*" >&2; exit 1; }

operation=${1:-up}
[ $# -gt 0 ] && shift
case "$operation" in up|preview|refresh|destroy) ;; *) die "'$operation' is not an operation; use up, preview, refresh or destroy" ;; esac
[ -f "$repo/.lab/lab.json" ] || die "the lab is not up: run 'npm run lab:up' first"
[ -x "$repo/.toolchain/bin/pulumi" ] || die "no Pulumi CLI in .toolchain/bin: run 'bash test/setup.sh' first"

mkdir -p "$state/backend" "$state/home"
[ -s "$state/passphrase" ] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state/passphrase")
export PATH="$repo/.toolchain/bin:$PATH"
export PULUMI_HOME="$state/home" PULUMI_BACKEND_URL="file://$state/backend"
export PULUMI_CONFIG_PASSPHRASE_FILE="$state/passphrase"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

netns=$(node -p 'require(process.argv[1]).netns' "$repo/.lab/lab.json")
nodes=$(node -p 'JSON.stringify(require(process.argv[1]).nodes.map(({ name, host, zone, devices }) => ({ name, host, zone, devices })))' "$repo/.lab/lab.json")
cd "$project"
if ! pulumi stack select lab --non-interactive >/dev/null 2>&1; then
  # A new backend (lab:down removed the old one with its passphrase): config left from that lab
  # holds the old lab's encryption salt.
  rm -f Pulumi.lab.yaml
  pulumi stack init lab --non-interactive >/dev/null
fi
pulumi config set-all --stack lab --plaintext "nodes=$nodes" \
  --plaintext "privateKeyPath=$repo/.lab/ssh/id_ed25519" --plaintext "knownHostsPath=$repo/.lab/ssh/known_hosts"

started=$SECONDS
case "$operation" in
  up|refresh|destroy) ip netns exec "$netns" pulumi "$operation" --stack lab --yes --non-interactive "$@" ;;
  preview) ip netns exec "$netns" pulumi preview --stack lab --diff --non-interactive "$@" ;;
esac
if [ "$operation" = up ]; then
  echo "Mount sources (mount -t glusterfs SOURCE DIR):"
  pulumi stack output mountSources --stack lab --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    for (const [name, source] of Object.entries(JSON.parse(s))) console.log(`  ${name}: ${source}`)})'
fi
echo "lab stack: $operation took $((SECONDS - started)) s"
