#!/bin/bash
# idle scenario: 10,000 authenticated IDLE connections against NAME on PORT, memory of PID's process tree.
# For a JVM (mailhive) a monitor also records heap use once every connection is open.
set -u
NAME=$1; PORT=$2; PID=$3
cd /tmp/b7
ulimit -n 20000
uptime | tee out/idle-$NAME-uptime.txt
if [ "$NAME" = mailhive ]; then
  (
    until [ "$(ss -Htn state established "( sport = :$PORT )" | wc -l)" -ge 10000 ]; do sleep 1; done
    date -u +%T; echo "all 10000 established"
    sleep 8
    grep -E "VmRSS|Threads" /proc/$PID/status
    jcmd $PID GC.heap_info
    jcmd $PID GC.run > /dev/null; sleep 2; echo "after GC.run:"; jcmd $PID GC.heap_info
    grep VmRSS /proc/$PID/status
  ) > out/idle-$NAME-heap.txt 2>&1 &
  MON=$!
fi
java -Xmx2g -jar benchdist/mailhive-bench.jar idle --imap-port $PORT --users-file users1000 --connections 10000 \
  --parallel 100 --open-time 5m --settle 30s --timeout 60s --pid $PID --out out/idle-$NAME.json \
  2> out/idle-$NAME.progress | tee out/idle-$NAME.txt
[ -n "${MON:-}" ] && kill $MON 2>/dev/null
uptime | tee -a out/idle-$NAME-uptime.txt
