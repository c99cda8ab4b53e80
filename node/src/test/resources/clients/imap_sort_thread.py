#!/usr/bin/env python3
"""SORT and THREAD (RFC 5256) with Python's imaplib, driven by ImapSortThreadIT.

usage: imap_sort_thread.py HOST PORT USER PASSWORD
Appends a placeholder (then expunged, so that UIDs are one above sequence numbers) and eight messages of three
conversations, then prints one line per SORT or THREAD for the test to compare. Exits 2 on an unexpected error.
"""
import imaplib
import sys

host, port, user, password = sys.argv[1:5]

MESSAGES = [
    # (extra header lines, internal date or None)
    ("Date: Mon, 02 Mar 2026 10:00:00 +0000\r\nFrom: Carol <carol@example.org>\r\nSubject: Meeting\r\n"
     "Message-ID: <m1@example.org>", None),
    ("Date: Mon, 02 Mar 2026 09:00:00 +0000\r\nFrom: alice@example.org\r\nSubject: Lunch\r\n"
     "Message-ID: <l1@example.org>", None),
    ("Date: Mon, 02 Mar 2026 11:00:00 +0000\r\nFrom: bob@example.org\r\nSubject: Re: Meeting\r\n"
     "Message-ID: <m2@example.org>\r\nIn-Reply-To: <m1@example.org>\r\nReferences: <m1@example.org>", None),
    ("Date: Mon, 02 Mar 2026 12:00:00 +0000\r\nFrom: alice@example.org\r\nSubject: RE: [team] meeting\r\n"
     "Message-ID: <m3@example.org>\r\nIn-Reply-To: <m2@example.org>\r\n"
     "References: <m1@example.org>\r\n <m2@example.org>", None),
    ("Date: Mon, 02 Mar 2026 08:00:00 -0300\r\nFrom: dave@example.org\r\nSubject: Re: Lunch\r\n"
     "Message-ID: <l2@example.org>\r\nIn-Reply-To: <l1@example.org>", None),
    ("From: eve@example.org\r\nSubject: Fwd: Lunch\r\nMessage-ID: <f1@example.org>",
     '"01-Mar-2026 12:00:00 +0000"'),
    ("Date: Mon, 02 Mar 2026 13:00:00 +0000\r\nFrom: frank@example.org\r\n"
     "Subject: =?UTF-8?Q?Re=3A_Budget?=\r\nMessage-ID: <b1@example.org>\r\nIn-Reply-To: <gone@example.org>", None),
    ("Date: Mon, 02 Mar 2026 14:00:00 +0000\r\nFrom: grace@example.org\r\nSubject: Re: budget\r\n"
     "Message-ID: <b2@example.org>\r\nIn-Reply-To: <gone@example.org>", None),
]


def show(name, result):
    typ, data = result
    print(name, typ, data[0].decode() if data and data[0] else "")


try:
    m = imaplib.IMAP4(host, int(port), timeout=30)
    m.login(user, password)
    caps = m.capabilities
    print("capabilities", all(c in caps for c in ("SORT", "THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT")))
    m.append("INBOX", None, None, b"Subject: placeholder\r\n\r\nx\r\n")
    for i, (header, internal) in enumerate(MESSAGES):
        body = "pizza" if i == 4 else "text"
        m.append("INBOX", None, internal, (header + "\r\nTo: team@example.org\r\n\r\n" + body + "\r\n").encode())
    m.select("INBOX")
    m.store("1", "+FLAGS", "(\\Deleted)")
    m.expunge()
    show("sort-date", m.sort("(DATE)", "UTF-8", "ALL"))
    show("sort-subject", m.sort("(SUBJECT)", "UTF-8", "ALL"))
    show("sort-subject-reverse-date", m.sort("(SUBJECT REVERSE DATE)", "US-ASCII", "ALL"))
    show("sort-from", m.sort("(FROM)", "UTF-8", "ALL"))
    show("sort-arrival", m.sort("(ARRIVAL)", "UTF-8", "ALL"))
    show("uid-sort-from-meeting", m.uid("SORT", "(FROM)", "UTF-8", "SUBJECT", "meeting"))
    show("sort-body", m.sort("(DATE)", "UTF-8", "BODY", "pizza"))
    show("sort-none", m.sort("(DATE)", "UTF-8", "SUBJECT", "nothing-like-this"))
    show("thread-references", m.thread("REFERENCES", "UTF-8", "ALL"))
    show("thread-orderedsubject", m.thread("ORDEREDSUBJECT", "UTF-8", "ALL"))
    show("uid-thread-meeting", m.uid("THREAD", "REFERENCES", "UTF-8", "SUBJECT", "meeting"))
    show("badcharset", m.sort("(DATE)", "ISO-8859-1", "ALL"))
    show("after", m.noop())
    print("logout", m.logout()[0])
except imaplib.IMAP4.error as e:
    print("error", e)
    sys.exit(2)
