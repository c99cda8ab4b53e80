#!/bin/bash
# Dovecot's login rate with and without pre-started imap processes (IMAP_MIN_AVAIL 0, then 64, then 0, then 64):
# 1,000 idle connections, 100 opening at once; CPU seconds of Dovecot's process tree for the opening.
# Run under the build lock: flock -o /work/build.lock bash prefork-ab.sh
set -u
cd /tmp/b9
ulimit -n 20000
P=/work/wt-bench8/bench/peers/install-peers
for N in 0 64 0 64; do
  $P stop /tmp/b9/peers > /dev/null; sleep 3
  IMAP_MIN_AVAIL=$N $P start /tmp/b9/peers /tmp/b9/peers-users > /dev/null; sleep 5
  D=$(cat peers/dovecot/run/master.pid)
  echo "IMAP_MIN_AVAIL=$N $(uptime | sed 's/.*load/load/')"
  echo "  before: $(scripts/treecpu.sh $D)"
  ( until [ "$(ss -Htn state established '( sport = :3143 )' | wc -l)" -ge 1000 ]; do sleep 0.5; done
    echo "  all 1000 established: $(scripts/treecpu.sh $D)" ) &
  MON=$!
  java -Xmx1g -jar benchdist/mailhive-bench.jar idle --imap-port 3143 --users-file users1000 --connections 1000 \
    --parallel 100 --open-time 2m --settle 3s --timeout 60s --pid $D --out out/prefork-$N.json 2>/dev/null \
    | grep -E 'against|LOGIN'
  wait $MON 2>/dev/null
  sleep 10
done
$P stop /tmp/b9/peers > /dev/null; sleep 3
$P start /tmp/b9/peers /tmp/b9/peers-users
