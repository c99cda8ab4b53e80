#!/usr/bin/env bash
# Both servers' idle runs at once (separate bench JVMs, separate process trees): memory is what is measured, and
# the logins (one Argon2id verification each) bound how many connections open within --open-time.
set -u
B="java -Xmx2g -jar /tmp/b8/bj/mailhive-bench.jar"
R=bench/results/2026-11-25-peers
U=/tmp/b8/users
ulimit -n 20000
echo "=== idle $(date -u +%T) $(uptime | sed 's/.*load/load/')" >> $R/loads.txt
$B idle --imap-port 4143 --users-file $U --connections 10000 --parallel 50 --open-time 4m --settle 15s \
  --timeout 60s --pid "$(cat /tmp/b8/mh.pid)" --out $R/idle-mailhive.json > $R/idle-mailhive.txt 2>/tmp/b8/idle-mh.err &
$B idle --imap-port 3143 --users-file $U --connections 10000 --parallel 50 --open-time 4m --settle 15s \
  --timeout 60s --pid "$(cat /tmp/b8/peers/dovecot/run/master.pid)" --out $R/idle-dovecot.json > $R/idle-dovecot.txt 2>/tmp/b8/idle-dc.err &
wait
echo "=== idle-end $(date -u +%T) $(uptime | sed 's/.*load/load/')" >> $R/loads.txt
