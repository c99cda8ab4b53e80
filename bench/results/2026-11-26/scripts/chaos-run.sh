#!/bin/bash
# Three-node rolling restart + kill -9 under SMTP load, then the Message-ID audit. Run under flock -o.
set -u
cd /work/wt-bench7
export MAILHIVE_DATA=/tmp/b7/chaos MAILHIVE_JAR=/tmp/b7/dist/mailhive-node.jar
D=$MAILHIVE_DATA
START="MAILHIVE_DATA=$D MAILHIVE_JAR=$MAILHIVE_JAR scripts/local-cluster start"
uptime | tee /tmp/b7/out/chaos-uptime.txt
t0=$(date +%s); scripts/local-cluster start | tail -4; echo "cluster start: $(( $(date +%s) - t0 )) s"
PW=$(cat $D/demo-password); : > /tmp/b7/chaos-users
for i in $(seq 1 30); do echo "demo$i@localhost $PW" >> /tmp/b7/chaos-users; done
java -jar /tmp/b7/benchdist/mailhive-bench.jar chaos --targets 127.0.0.1,127.0.0.2,127.0.0.3 --host 127.0.0.1 \
  --users-file /tmp/b7/chaos-users --messages 100000 --max-time 100s --concurrency 12 --timeout 30s \
  --at 10s:term:$D/node3/node.pid --at "12s:run:$START" \
  --at 35s:term:$D/node2/node.pid --at "37s:run:$START" \
  --at 60s:kill:$D/node3/node.pid --at "62s:run:$START" \
  --audit-deadline 3m --out /tmp/b7/out/chaos-rolling.json 2> /tmp/b7/out/chaos-rolling.progress | tee /tmp/b7/out/chaos-rolling.txt
echo "exit ${PIPESTATUS[0]}"
for n in 1 2 3; do grep -E "mailhive_ready|cluster_member_up|demo_user" $D/node$n/node.log | cut -c1-160 | tail -4; done > /tmp/b7/out/chaos-nodes.txt
scripts/local-cluster stop
uptime | tee -a /tmp/b7/out/chaos-uptime.txt
