#!/bin/bash
# idle scenario: 10,000 authenticated IDLE connections against NAME on PORT, memory of PID's process tree.
# Memory-only measurement: run under nice and WITHOUT the build lock. OPEN is the --open-time (how long the
# bench may keep opening connections). A monitor records the server tree's CPU seconds before and once all
# 10,000 are established (CPU per opened session); for a JVM (mailhive) also its heap.
set -u
NAME=$1; PORT=$2; PID=$3; OPEN=${4:-5m}
cd /tmp/b9
ulimit -n 20000
uptime | tee out/idle-$NAME-uptime.txt
(
  echo "start $(date -u +%T) $(/tmp/b9/scripts/treecpu.sh $PID)"
  until [ "$(ss -Htn state established "( sport = :$PORT )" | wc -l)" -ge 10000 ]; do sleep 1; done
  echo "all 10000 established $(date -u +%T) $(/tmp/b9/scripts/treecpu.sh $PID)"
  uptime
  if [ "$NAME" = mailhive ]; then
    sleep 8
    grep -E "VmRSS|Threads" /proc/$PID/status
    jcmd $PID GC.heap_info
    jcmd $PID GC.run > /dev/null; sleep 2; echo "after GC.run:"; jcmd $PID GC.heap_info
    grep VmRSS /proc/$PID/status
  fi
) > out/idle-$NAME-monitor.txt 2>&1 &
MON=$!
timeout 30m nice java -Xmx2g -jar benchdist/mailhive-bench.jar idle --imap-port $PORT --users-file users1000 \
  --connections 10000 --parallel 100 --open-time $OPEN --settle 30s --timeout 60s --max-time 25m --pid $PID \
  --out out/idle-$NAME.json 2> out/idle-$NAME.progress | tee out/idle-$NAME.txt
kill $MON 2>/dev/null
uptime | tee -a out/idle-$NAME-uptime.txt
