#!/bin/bash
# CPU seconds (user, system) used so far by process PID and all its descendants, alive or reaped by the tree.
ROOT=$1
python3 - "$ROOT" <<'PY'
import os, sys
root = int(sys.argv[1]); hz = os.sysconf('SC_CLK_TCK')
kids = {}; stat = {}
for p in os.listdir('/proc'):
    if not p.isdigit(): continue
    try:
        s = open(f'/proc/{p}/stat').read()
    except OSError: continue
    f = s[s.rindex(')') + 2:].split()
    ppid = int(f[1]); kids.setdefault(ppid, []).append(int(p))
    stat[int(p)] = (int(f[11]), int(f[12]), int(f[13]), int(f[14]))  # utime stime cutime cstime
u = sy = 0; n = 0; todo = [root]
while todo:
    p = todo.pop(); n += 1
    if p in stat:
        a = stat[p]; u += a[0] + a[2]; sy += a[1] + a[3]
    todo += kids.get(p, [])
print(f"processes={n} user_s={u/hz:.2f} sys_s={sy/hz:.2f}")
PY
