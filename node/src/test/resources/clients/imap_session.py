#!/usr/bin/env python3
"""A fixed IMAP session with Python's imaplib, driven by ImapClientsIT.

usage: imap_session.py HOST PORT USER PASSWORD MESSAGE_FILE
Appends MESSAGE_FILE three times with the subjects alpha, beta, gamma, then SELECT, SEARCH, FETCH, STORE and
EXPUNGE; prints one line per step for the test to check. Exits 2 on any IMAP error.
"""
import imaplib
import sys

host, port, user, password, path = sys.argv[1:6]
template = open(path, "rb").read()
try:
    m = imaplib.IMAP4(host, int(port), timeout=30)
    print("login", m.login(user, password)[0])
    for subject in (b"alpha", b"beta", b"gamma"):
        typ, data = m.append("INBOX", None, None, template.replace(b"SUBJECT", subject))
        print("append", typ)
    typ, data = m.select("INBOX")
    print("select", typ, data[0].decode())
    typ, data = m.search(None, "SUBJECT", "beta")
    print("search", typ, data[0].decode())
    beta = data[0].split()[0]
    typ, data = m.fetch(beta, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    print("fetch-subject", typ, data[0][1].decode().strip())
    typ, data = m.fetch(beta, "(RFC822)")
    print("fetch-identical", data[0][1] == template.replace(b"SUBJECT", b"beta"))
    typ, data = m.store(beta, "+FLAGS", "(\\Deleted)")
    print("store", typ, data[0].decode())
    typ, data = m.expunge()
    print("expunge", typ, " ".join(d.decode() for d in data if d))
    typ, data = m.search(None, "ALL")
    print("remaining", typ, data[0].decode())
    typ, data = m.search(None, "SUBJECT", "beta")
    print("search-after", typ, data[0].decode())
    print("logout", m.logout()[0])
except imaplib.IMAP4.error as e:
    print("error", e)
    sys.exit(2)
