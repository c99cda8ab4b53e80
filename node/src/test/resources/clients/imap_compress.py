#!/usr/bin/env python3
"""An IMAP session under COMPRESS=DEFLATE (RFC 4978), driven by ImapCompressIT.

usage: imap_compress.py HOST PORT MODE USER PASSWORD
MODE is plain, starttls or tls (implicit). imaplib does not know COMPRESS, so after the tagged OK this script
swaps imaplib's read, readline and send for ones that inflate and deflate with zlib (raw DEFLATE, wbits=-15,
a sync flush after each command). Every read then waits for bytes the server must have flushed, so a server that
keeps output in its compressor makes the script time out. Prints one line per step; exits 2 on an IMAP error.
"""
import hashlib
import imaplib
import ssl
import sys
import zlib

host, port, mode, user, password = sys.argv[1:6]
imaplib.Commands.setdefault("COMPRESS", ("AUTH", "SELECTED"))


def activate_compression(m, stats):
    """Everything after the tagged OK of COMPRESS is raw DEFLATE in both directions."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    inflate = zlib.decompressobj(-15)
    raw_file = m.file
    buf = bytearray()

    def fill():
        chunk = raw_file.read1(65536)
        if not chunk:
            raise imaplib.IMAP4.abort("socket closed under compression")
        stats["wire_in"] += len(chunk)
        plain = inflate.decompress(chunk)
        stats["plain_in"] += len(plain)
        buf.extend(plain)

    def read(size):
        while len(buf) < size:
            fill()
        data = bytes(buf[:size])
        del buf[:size]
        return data

    def readline():
        while b"\n" not in buf:
            fill()
        end = buf.index(b"\n") + 1
        line = bytes(buf[:end])
        del buf[:end]
        return line

    def send(data):
        wire = deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH)
        stats["wire_out"] += len(wire)
        stats["plain_out"] += len(data)
        m.sock.sendall(wire)

    m.read, m.readline, m.send = read, readline, send


def big_message():
    # About 600 KB of text that compresses well but not trivially: numbered lines with a digest each.
    lines = [b"From: a@example.org", b"To: " + user.encode(), b"Subject: big", b""]
    for i in range(8000):
        lines.append(b"line %05d %s" % (i, hashlib.sha256(b"%d" % (i % 50)).hexdigest().encode()))
    return b"\r\n".join(lines) + b"\r\n"


ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
stats = {"wire_in": 0, "plain_in": 0, "wire_out": 0, "plain_out": 0}
try:
    if mode == "tls":
        m = imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx, timeout=30)
    else:
        m = imaplib.IMAP4(host, int(port), timeout=30)
        if mode == "starttls":
            print("starttls", m.starttls(ssl_context=ctx)[0])
    print("login", m.login(user, password)[0])
    print("advertised", "COMPRESS=DEFLATE" in m.capabilities)
    try:
        typ, data = m._simple_command("COMPRESS", "LZW")
        print("unknown", typ)
    except imaplib.IMAP4.error as e:
        print("unknown BAD", "CLIENTBUG" in str(e))
    typ, data = m._simple_command("COMPRESS", "DEFLATE")
    print("compress", typ)
    activate_compression(m, stats)
    print("noop", m.noop()[0])
    message = big_message()
    print("append", m.append("INBOX", None, None, message)[0])
    typ, data = m.select("INBOX")
    print("select", typ)
    stats["wire_in"] = stats["plain_in"] = 0
    typ, data = m.fetch(data[0], "(BODY.PEEK[])")
    print("fetch-identical", typ, data[0][1] == message)
    print("fetch-compressed", stats["wire_in"] * 2 < stats["plain_in"])
    typ, data = m._simple_command("COMPRESS", "DEFLATE")
    print("again", typ, data[0].startswith(b"[COMPRESSIONACTIVE]"))
    typ, data = m.search(None, "SUBJECT", "big")
    print("search", typ, data[0].decode())
    print("logout", m.logout()[0])
except imaplib.IMAP4.error as e:
    print("imap error:", e)
    sys.exit(2)
