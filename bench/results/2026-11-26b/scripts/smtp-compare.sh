#!/bin/bash
# smtp compare: 4 KB messages, 20 connections, $1 messages x $2 rounds, verified over IMAP (A B A B);
# A = Mailhive (250 after its journal write), B = Postfix -> LMTP -> Dovecot. JFR on the Mailhive node.
# Run under the build lock: flock -o /work/build.lock bash smtp-compare.sh 1000 3
set -u
M=$1; R=$2
cd /tmp/b9
ulimit -n 20000
MH=$(cat /tmp/b9/mh/node.pid)
uptime | tee out/smtp-m$M-uptime.txt
jcmd $MH JFR.start name=smtp settings=profile filename=/tmp/b9/jfr/smtp-$M.jfr > /dev/null
timeout 9m java -jar benchdist/mailhive-bench.jar compare --scenario smtp --rounds $R --messages $M --concurrency 20 \
  --sizes 4k --verify --verify-timeout 60s --timeout 60s \
  --a 127.0.0.1:4525:4143 --a-name mailhive --a-users-file users100 \
  --b 127.0.0.1:3525:3143 --b-name postfix-lmtp-dovecot --b-users-file users100 \
  --out out/smtp-4k-c20-m$M.json 2> out/smtp-4k-c20-m$M.progress | tee out/smtp-4k-c20-m$M.txt
jcmd $MH JFR.stop name=smtp > /dev/null
uptime | tee -a out/smtp-m$M-uptime.txt
