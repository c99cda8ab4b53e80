#!/bin/bash
# Measures one graceful restart of node3 in a three-node local cluster: SIGTERM until exit, then start until
# node3 is up in a 3-node cluster. Prints timestamps of node3's log milestones.
set -eu
cd /work/wt-bench7
export MAILHIVE_DATA=$1
uptime
t0=$(date +%s.%N)
scripts/local-cluster start > /dev/null
t1=$(date +%s.%N)
echo "cold start of 3 nodes: $(echo "$t1 - $t0" | bc) s"
pid=$(cat $MAILHIVE_DATA/node3/node.pid)
t2=$(date +%s.%N); kill $pid; while kill -0 $pid 2>/dev/null; do sleep 0.1; done; t3=$(date +%s.%N)
echo "node3 SIGTERM to exit: $(echo "$t3 - $t2" | bc) s"
scripts/local-cluster start > /dev/null
t4=$(date +%s.%N)
echo "node3 start to member up (3 members): $(echo "$t4 - $t3" | bc) s"
grep -E "demo_user|mailhive_ready|cluster_member_up" $MAILHIVE_DATA/node3/node.log | cut -c1-200
head -3 $MAILHIVE_DATA/node3/node.log | cut -c1-200
uptime
