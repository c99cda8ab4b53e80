#!/bin/bash
# One Mailhive node for the imap and idle comparisons (users from /tmp/b7/mh2/data/users, SHA512-CRYPT).
cd /work/wt-bench7
ulimit -n 20000
exec 3>&- 
nohup java -Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dmailhive.node.data-dir=/tmp/b7/mh2/data \
  -Dmailhive.cluster.port=0 -Dmailhive.smtp.port=5525 -Dmailhive.smtp.submission-port=0 \
  -Dmailhive.smtp.submissions-port=0 -Dmailhive.lmtp.port=0 -Dmailhive.imap.port=5143 -Dmailhive.imap.tls-port=0 \
  -Dmailhive.pop3.port=0 -Dmailhive.pop3.tls-port=0 -Dmailhive.admin.http-port=0 \
  -Dmailhive.smtp.limits.max-connections-per-ip=0 -jar /tmp/b7/dist/mailhive-node.jar > /tmp/b7/mh2/node.log 2>&1 < /dev/null &
echo $! > /tmp/b7/mh2/node.pid
