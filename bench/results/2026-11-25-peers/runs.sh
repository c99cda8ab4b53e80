#!/usr/bin/env bash
# The measurement sequence of bench/RESULTS.md (2026-11-25, peers). Run from the worktree root.
set -u
B="java -jar /tmp/b8/bj/mailhive-bench.jar"
R=bench/results/2026-11-25-peers
U=/tmp/b8/users
log() { echo "=== $1 $(date -u +%T) $(uptime | sed 's/.*load/load/')" | tee -a $R/loads.txt; }
log imap-50
$B compare --scenario imap --rounds 3 --duration 20s --clients 50 --weights logout=2 --timeout 60s \
  --a 127.0.0.1:4525:4143 --a-name mailhive --a-users-file $U \
  --b 127.0.0.1:3525:3143 --b-name dovecot --b-users-file $U \
  --out $R/imap-50c.json > $R/imap-50c.txt 2>/tmp/b8/imap-50c.err
log smtp
$B compare --scenario smtp --rounds 3 --messages 1000 --concurrency 20 --sizes 4k --verify --timeout 60s \
  --a 127.0.0.1:4525:4143 --a-name mailhive --a-users-file $U \
  --b 127.0.0.1:3525:3143 --b-name postfix-lmtp-dovecot --b-users-file $U \
  --out $R/smtp-4k-c20.json > $R/smtp-4k-c20.txt 2>/tmp/b8/smtp.err
log imap-500
$B compare --scenario imap --rounds 2 --duration 30s --clients 500 --weights logout=2 --timeout 30s  \
  --a 127.0.0.1:4525:4143 --a-name mailhive --a-users-file $U \
  --b 127.0.0.1:3525:3143 --b-name dovecot --b-users-file $U \
  --out $R/imap-500c.json > $R/imap-500c.txt 2>/tmp/b8/imap-500c.err
log end
/tmp/b8/idle.sh
