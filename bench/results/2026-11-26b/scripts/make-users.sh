#!/bin/bash
# The users of the 2026-11-26 runs: 1,000 users sharing one SHA512-CRYPT hash, the same file for Mailhive's
# data/users (read and imported at its first start) and for bench/peers/install-peers (Dovecot's passwd-file).
mkdir -p /tmp/b9/mh/data && cd /tmp/b9
PW=$(tr -dc 'a-zA-Z0-9' </dev/urandom | head -c 16); echo "$PW" > /tmp/b9/password
H=$(doveadm pw -s SHA512-CRYPT -p "$PW")
: > mh/data/users; : > users1000
for i in $(seq 1 1000); do
  echo "idle$i@localhost:$H" >> mh/data/users      # Mailhive / Dovecot: user:{SCHEME}hash
  echo "idle$i@localhost $PW" >> users1000          # the bench's users file
done
head -100 users1000 > users100
chmod 600 mh/data/users; cp mh/data/users peers-users
