#!/usr/bin/env python3
"""Markdown table of per-command counts and p50/p99 for two result files (A and B of one round)."""
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
na, nb = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ('A', 'B')
ca = {c['command']: c for c in a['commands']}; cb = {c['command']: c for c in b['commands']}
print(f"| command | {na} count | {na} p50 / p99 ms | {nb} count | {nb} p50 / p99 ms |")
print("|---|---|---|---|---|")
for k in sorted(set(ca) | set(cb)):
    def cell(c):
        return (f"{c['count']:,}" + (f" ({c['errors']} err)" if c['errors'] else ''), f"{c['p50Ms']:.1f} / {c['p99Ms']:.1f}") if c else ('-', '-')
    x, y = cell(ca.get(k)), cell(cb.get(k))
    print(f"| {k} | {x[0]} | {x[1]} | {y[0]} | {y[1]} |")
for n, d in ((na, a), (nb, b)):
    print(f"{n} counts: {d.get('counts')}  errors: {d.get('errors')}")
