#!/bin/bash
# Re-run of the 500-client imap compare with the node built from main after the common-pool fix.
set -u
cd /tmp/b7
rm -rf dist.old; mv dist dist.old; mkdir dist
cp /tmp/ci6/node/target/mailhive-node.jar dist/; cp -r /tmp/ci6/node/target/lib dist/lib
bash /work/main/bench/results/2026-11-26/scripts/start-mh.sh
/work/main/bench/peers/install-peers start /tmp/b7/peers /tmp/b7/peers-users > out/rerun-peers.log 2>&1
for i in $(seq 1 90); do grep -q mailhive_ready mh/node.log && break; sleep 1; done
grep -o 'common_pool threads=[0-9]*' mh/node.log
sleep 5
bash /work/main/bench/results/2026-11-26/scripts/imap-compare.sh 500 2 45s
kill $(cat mh/node.pid); sleep 5
/work/main/bench/peers/install-peers stop /tmp/b7/peers >> out/rerun-peers.log 2>&1
