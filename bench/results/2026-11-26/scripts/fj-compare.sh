#!/bin/bash
# The same imap mix at 500 clients against two fresh Mailhive nodes: A with the common pool's parallelism set
# to 2 (no thread per CompletableFuture callback), B as started by default (parallelism 1 on 2 cores).
set -u
cd /tmp/b7
ulimit -n 20000
uptime | tee out/fj-500c-uptime.txt
for n in mh2 mh3; do echo "$n $(jcmd $(cat $n/node.pid) PerfCounter.print | grep java.threads.started)"; done | tee -a out/fj-500c-threads.txt
java -jar benchdist/mailhive-bench.jar compare --scenario imap --rounds 2 --duration 45s --clients 500 \
  --weights logout=2 --timeout 30s \
  --a 127.0.0.1:5525:5143 --a-name mailhive-fjp2 --a-users-file users100 \
  --b 127.0.0.1:4525:4143 --b-name mailhive-default --b-users-file users100 \
  --out out/fj-500c.json 2> out/fj-500c.progress | tee out/fj-500c.txt
for n in mh2 mh3; do echo "$n $(jcmd $(cat $n/node.pid) PerfCounter.print | grep java.threads.started)"; done | tee -a out/fj-500c-threads.txt
uptime | tee -a out/fj-500c-uptime.txt
