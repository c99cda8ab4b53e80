#!/bin/sh
# chaos run: rolling restart (SIGTERM + start) of node3 then node2, and a kill -9 of node3, under smtp load
set -u
cd "$(dirname "$0")/../../.."   # the repository root
export MAILHIVE_DATA=/tmp/chaos2
rm -rf /tmp/chaos2
uptime
scripts/local-cluster start || exit 1
P=$(cat /tmp/chaos2/demo-password)
: > /tmp/chaos2/users; i=1; while [ $i -le 30 ]; do echo "demo$i@localhost $P" >> /tmp/chaos2/users; i=$((i+1)); done
uptime
START='MAILHIVE_DATA=/tmp/chaos2 scripts/local-cluster start'
java -jar bench/target/mailhive-bench.jar chaos --targets 127.0.0.1,127.0.0.2,127.0.0.3 --host 127.0.0.1 \
  --users-file /tmp/chaos2/users --messages 4000 --concurrency 12 --timeout 30s \
  --at 10s:term:/tmp/chaos2/node3/node.pid --at "12s:run:$START" \
  --at 40s:term:/tmp/chaos2/node2/node.pid --at "42s:run:$START" \
  --at 75s:kill:/tmp/chaos2/node3/node.pid --at "80s:run:$START" \
  --audit-deadline 3m --out /tmp/chaos2/chaos-rolling.json
echo "exit=$?"
uptime
scripts/local-cluster stop
