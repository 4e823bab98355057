#!/usr/bin/env bash
# The test command (npm test): unit tests, then everything that needs the lab and the real Pulumi
# engine. Boots the lab if it is not up and, in that case, takes it down again at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
npm run --silent build

started_lab=0
if ! [ -f .lab/lab.json ] || bash test/lab/lab.sh status | grep -q stopped; then
  started_lab=1
fi
cleanup() { [ $started_lab = 1 ] && bash test/lab/lab.sh down; }
trap cleanup EXIT
bash test/lab/lab.sh up

netns=$(node -p 'require("./.lab/lab.json").netns')
export PATH="$repo/.toolchain/bin:$repo/node_modules/.bin:$PATH"
# Everything runs inside the lab's namespace: the lab's addresses exist only there.
ip netns exec "$netns" mocha --reporter "$repo/bin/test/reporter.js" --timeout 600000 \
  'bin/components/**/*.test.js' 'bin/test/**/*.test.js'
