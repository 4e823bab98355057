#!/usr/bin/env bash
# The test command (npm test): unit tests, then everything that needs the lab and the real Pulumi
# engine. Boots the lab and the test API server if they are not up and, in that case, takes them
# down again at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
npm run --silent build
# What only the tests need: the Kubernetes provider and the test cluster (cached), and for its
# kubelet workers a container runtime, CNI plugins and what builds their images.
bash test/toolchain/build.sh --kubernetes
bash test/apt-install.sh containerd runc containernetworking-plugins iptables mmdebstrap gcc libc6-dev

started_lab=0
if ! [ -f .lab/lab.json ] || bash test/lab/lab.sh status | grep -q stopped; then
  started_lab=1
fi
started_k8s=0
cleanup() {
  if [ $started_k8s = 1 ]; then bash test/k8s/k8s.sh down; fi
  if [ $started_lab = 1 ]; then bash test/lab/lab.sh down; fi
}
trap cleanup EXIT
bash test/lab/lab.sh up
# The Kubernetes cluster for the kubernetes tests, inside the lab's namespace: a control plane and
# two kubelet workers that run pods.
if ! bash test/k8s/k8s.sh status >/dev/null 2>&1; then
  started_k8s=1
  bash test/k8s/k8s.sh up --workers 2
fi

netns=$(node -p 'require("./.lab/lab.json").netns')
export PATH="$repo/.toolchain/bin:$repo/node_modules/.bin:$PATH"
# Everything runs inside the lab's namespace: the lab's addresses exist only there. Tests that
# install npm packages reach the registry from this shell's namespace.
export PULUMI_GLUSTER_OUTER_NETNS=/proc/$$/ns/net
ip netns exec "$netns" mocha --reporter "$repo/bin/test/reporter.js" --timeout 600000 \
  'bin/components/**/*.test.js' 'bin/test/**/*.test.js'
