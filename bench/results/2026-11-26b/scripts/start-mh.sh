#!/bin/bash
# One Mailhive node for the imap, smtp and idle comparisons (users from /tmp/b9/mh/data/users, SHA512-CRYPT),
# from the jar of branch bench8 (main at 05a8da7) copied to /tmp/b9/dist. Not under the build lock (a long-lived
# process must not inherit it). The compares ran it as is; the idle run with NICE=nice (memory-only, niced like
# Dovecot's idle run).
cd /tmp/b9
ulimit -n 20000
exec 3>&-
nohup ${NICE:-} java -Xmx1g -Dmailhive.node.data-dir=/tmp/b9/mh/data \
  -Dmailhive.cluster.port=0 -Dmailhive.smtp.port=4525 -Dmailhive.smtp.submission-port=0 \
  -Dmailhive.smtp.submissions-port=0 -Dmailhive.lmtp.port=0 -Dmailhive.imap.port=4143 -Dmailhive.imap.tls-port=0 \
  -Dmailhive.pop3.port=0 -Dmailhive.pop3.tls-port=0 -Dmailhive.admin.http-port=0 \
  -Dmailhive.smtp.limits.max-connections-per-ip=0 -jar /tmp/b9/dist/mailhive-node.jar > /tmp/b9/mh/node.log 2>&1 < /dev/null &
echo $! > /tmp/b9/mh/node.pid
