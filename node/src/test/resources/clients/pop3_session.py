#!/usr/bin/env python3
"""One POP3 session with Python's poplib, driven by the Pop3IT test.

usage: pop3_session.py HOST PORT USER PASSWORD MODE STEP...
MODE: plain | stls:CAFILE | ssl:CAFILE
STEP: stat | list | uidl | retr:N:OUTFILE | top:N:LINES | dele:N | quit
Prints one line per step; a POP3 error prints "error <text>" and exits 2.
"""
import poplib
import ssl
import sys

host, port, user, password, mode = sys.argv[1:6]
steps = sys.argv[6:]
try:
    if mode.startswith("ssl:"):
        ctx = ssl.create_default_context(cafile=mode[4:])
        ctx.check_hostname = False
        pop = poplib.POP3_SSL(host, int(port), context=ctx, timeout=30)
    else:
        pop = poplib.POP3(host, int(port), timeout=30)
        if mode.startswith("stls:"):
            ctx = ssl.create_default_context(cafile=mode[5:])
            ctx.check_hostname = False
            print("capa", " ".join(sorted(pop.capa().keys())))
            pop.stls(context=ctx)
    pop.user(user)
    pop.pass_(password)
    for step in steps:
        parts = step.split(":")
        if parts[0] == "stat":
            count, octets = pop.stat()
            print("stat", count, octets)
        elif parts[0] == "list":
            print("list", " ".join(l.decode() for l in pop.list()[1]))
        elif parts[0] == "uidl":
            print("uidl", " ".join(l.decode() for l in pop.uidl()[1]))
        elif parts[0] == "retr":
            resp, lines, octets = pop.retr(int(parts[1]))
            # poplib removes the byte-stuffing and the CRLFs; put the CRLFs back to compare bytes.
            with open(parts[2], "wb") as f:
                f.write(b"".join(l + b"\r\n" for l in lines))
            print("retr", resp.decode())
        elif parts[0] == "top":
            resp, lines, octets = pop.top(int(parts[1]), int(parts[2]))
            print("top", len(lines))
        elif parts[0] == "dele":
            print("dele", pop.dele(int(parts[1])).decode())
        elif parts[0] == "quit":
            print("quit", pop.quit().decode())
except poplib.error_proto as e:
    print("error", e)
    sys.exit(2)
