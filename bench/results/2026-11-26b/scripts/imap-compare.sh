#!/bin/bash
# imap compare at $1 clients, $2 rounds of $3 (A B A B); JFR on the Mailhive node for the whole compare.
# Run under the build lock: flock -o /work/build.lock bash imap-compare.sh 50 3 30s
set -u
C=$1; R=$2; D=$3
cd /tmp/b9
ulimit -n 20000
MH=$(cat /tmp/b9/mh/node.pid)
uptime | tee out/imap-${C}c-uptime.txt
jcmd $MH JFR.start name=imap$C settings=profile filename=/tmp/b9/jfr/imap-${C}c.jfr > /dev/null
timeout 9m java -jar benchdist/mailhive-bench.jar compare --scenario imap --rounds $R --duration $D --clients $C \
  --weights logout=2 --timeout 30s \
  --a 127.0.0.1:4525:4143 --a-name mailhive --a-users-file users100 \
  --b 127.0.0.1:3525:3143 --b-name dovecot --b-users-file users100 \
  --out out/imap-${C}c.json 2> out/imap-${C}c.progress | tee out/imap-${C}c.txt
jcmd $MH JFR.stop name=imap$C > /dev/null
uptime | tee -a out/imap-${C}c-uptime.txt
