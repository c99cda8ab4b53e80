#!/bin/bash
# idle scenario at 19,000 authenticated IDLE connections from one bench process against one Mailhive node with
# -Xmx1g. 19,000, not 50,000: this machine caps every process at 20,000 open files (hard RLIMIT_NOFILE, not
# raisable here), and the bench and the node each hold one descriptor per connection. Run under the build lock
# (flock -o) so nothing else competes for the 2 cores.
set -u
cd /tmp/b9
ulimit -n 20000
uptime | tee out/idle19k-uptime.txt
nohup java -Xmx1g -Dmailhive.node.data-dir=/tmp/b9/mh/data \
  -Dmailhive.cluster.port=0 -Dmailhive.smtp.port=4525 -Dmailhive.smtp.submission-port=0 \
  -Dmailhive.smtp.submissions-port=0 -Dmailhive.lmtp.port=0 -Dmailhive.imap.port=4143 -Dmailhive.imap.tls-port=0 \
  -Dmailhive.pop3.port=0 -Dmailhive.pop3.tls-port=0 -Dmailhive.admin.http-port=0 \
  -Dmailhive.imap.limits.max-connections-per-user-ip=60 \
  -jar /tmp/b9/dist50k/mailhive-node.jar > out/idle19k-node.log 2>&1 < /dev/null &
PID=$!
for i in $(seq 1 120); do grep -q mailhive_ready out/idle19k-node.log && break; sleep 1; done
grep mailhive_ready out/idle19k-node.log | cut -c1-200
(
  until [ "$(ss -Htn state established "( sport = :4143 )" | wc -l)" -ge 19000 ]; do sleep 2; done
  echo "all 19000 established $(date -u +%T)"
  uptime
  sleep 8
  grep -E "VmRSS|Threads" /proc/$PID/status
  jcmd $PID GC.heap_info
  jcmd $PID GC.run > /dev/null; sleep 2; echo "after GC.run:"; jcmd $PID GC.heap_info
  grep VmRSS /proc/$PID/status
) > out/idle19k-monitor.txt 2>&1 &
MON=$!
timeout 25m java -Xmx4g -jar benchdist/mailhive-bench.jar idle --imap-port 4143 --users-file users1000 \
  --connections 19000 --parallel 100 --open-time 12m --settle 30s --timeout 60s --max-time 20m --pid $PID \
  --out out/idle19k-mailhive.json 2> out/idle19k-mailhive.progress | tee out/idle19k-mailhive.txt
kill $MON 2>/dev/null
kill $PID; wait $PID 2>/dev/null
uptime | tee -a out/idle19k-uptime.txt
