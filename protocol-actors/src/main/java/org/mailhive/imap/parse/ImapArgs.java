package org.mailhive.imap.parse;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * A cursor over one command's bytes (an {@link ImapFrameDecoder.Frame}) that reads the RFC 3501 §9 syntax one
 * element at a time. Command parsers call the methods in the order their grammar rule lists the elements; each
 * method consumes exactly its element or throws {@link ImapParseException} and leaves the session to answer BAD.
 *
 * <p>Strings are returned as UTF-8 (RFC 9051 §4.3 and RFC 6855 allow 8-bit text in quoted strings); the
 * {@code ...Bytes} variants return the raw bytes, for message literals and other charsets.
 */
public final class ImapArgs {
  /** RFC 3501 §4.2: a number is an unsigned 32-bit integer. */
  static final long MAX_NUMBER = 0xFFFF_FFFFL;
  private static final int DECIMAL = 10;
  private static final String NIL = "NIL";
  private static final String INBOX = "INBOX";

  private final ByteString raw;
  private final byte[] bytes;
  private final ImapLimits limits;
  private int pos;
  private int depth;
  private SequenceSet savedResult = SequenceSet.savedResult(java.util.List.of());
  private boolean utf8Accepted;

  public ImapArgs(ByteString raw, ImapLimits limits) {
    this.raw = raw.compact();
    this.bytes = this.raw.toArrayUnsafe();
    this.limits = limits;
  }

  /** Offset of the next unread byte, for error reports. */
  public int position() {
    return pos;
  }

  public boolean atEnd() {
    return pos >= bytes.length;
  }

  public void end() throws ImapParseException {
    if (!atEnd()) {
      throw error("unexpected characters at end of command");
    }
  }

  public boolean peek(char c) {
    return !atEnd() && bytes[pos] == (byte) c;
  }

  /** True if the byte {@code offset} ahead is {@code c}, ignoring ASCII case; consumes nothing. */
  public boolean peekAt(int offset, char c) {
    int at = pos + offset;
    return at < bytes.length && Character.toUpperCase((char) bytes[at]) == Character.toUpperCase(c);
  }

  public boolean tryConsume(char c) {
    if (peek(c)) {
      pos++;
      return true;
    }
    return false;
  }

  public boolean tryConsumeSpace() {
    return tryConsume((char) ImapChars.SP);
  }

  /** RFC 3501 §9: elements are separated by exactly one SP. */
  public void sp() throws ImapParseException {
    if (!tryConsumeSpace()) {
      throw error("expected a space");
    }
  }

  /** RFC 3501 §9: tag = 1*&lt;any ASTRING-CHAR except "+"&gt;. */
  public String tag() throws ImapParseException {
    int start = pos;
    while (!atEnd() && ImapChars.isTagChar(bytes[pos])) {
      pos++;
    }
    if (pos == start) {
      throw error("expected a tag");
    }
    return ascii(start);
  }

  /** RFC 3501 §9: atom = 1*ATOM-CHAR; command names and keywords, returned as the client wrote them. */
  public String atom() throws ImapParseException {
    int start = pos;
    while (!atEnd() && ImapChars.isAtomChar(bytes[pos])) {
      pos++;
    }
    if (pos == start) {
      throw error("expected an atom");
    }
    return ascii(start);
  }

  /** RFC 3501 §9: astring = 1*ASTRING-CHAR / string. */
  public String astring() throws ImapParseException {
    return utf8(astringBytes());
  }

  public ByteString astringBytes() throws ImapParseException {
    if (atString()) {
      return literalOrQuoted();
    }
    int start = pos;
    while (!atEnd() && ImapChars.isAstringChar(bytes[pos])) {
      pos++;
    }
    if (pos == start) {
      throw error("expected an astring");
    }
    return raw.slice(start, pos);
  }

  /** RFC 3501 §9: string = quoted / literal; RFC 3516 literal8 is accepted where a literal is. */
  public ByteString literalOrQuoted() throws ImapParseException {
    if (peek((char) ImapChars.DQUOTE)) {
      return quoted();
    }
    if (atString()) {
      return literal();
    }
    throw error("expected a quoted string or a literal");
  }

  /** RFC 3501 §9: nstring = string / nil; NIL is returned as null. */
  public String nstring() throws ImapParseException {
    if (atString()) {
      return utf8(literalOrQuoted());
    }
    int start = pos;
    while (!atEnd() && ImapChars.isAtomChar(bytes[pos])) {
      pos++;
    }
    if (ascii(start).equalsIgnoreCase(NIL)) {
      return null;
    }
    pos = start;
    throw error("expected a string or NIL");
  }

  /** RFC 3501 §9: number = 1*DIGIT, an unsigned 32-bit integer (leading zeros allowed). */
  public long number() throws ImapParseException {
    int start = pos;
    long value = 0;
    while (!atEnd() && ImapChars.isDigit(bytes[pos])) {
      value = value * DECIMAL + (bytes[pos++] - '0');
      if (value > MAX_NUMBER) {
        pos = start;
        throw error("number out of range");
      }
    }
    if (pos == start) {
      throw error("expected a number");
    }
    return value;
  }

  /** RFC 3501 §9: nz-number, a number that is not zero. */
  public long nzNumber() throws ImapParseException {
    int start = pos;
    long n = number();
    if (n == 0) {
      pos = start;
      throw error("expected a non-zero number");
    }
    return n;
  }

  /** What "$" stands for in this command (RFC 5182): the selected mailbox's saved search result. */
  public void savedResult(SequenceSet saved) {
    this.savedResult = saved;
  }

  /** RFC 3501 §9: sequence-set, such as {@code 1,3:5,7:*}; RFC 5182 §3 adds "$", the saved search result. */
  public SequenceSet sequenceSet() throws ImapParseException {
    if (tryConsume('$')) {
      return savedResult;
    }
    int start = pos;
    while (!atEnd() && isSequenceSetChar(bytes[pos])) {
      pos++;
    }
    if (pos == start) {
      throw error("expected a sequence set");
    }
    try {
      return SequenceSet.parse(ascii(start));
    } catch (ImapParseException e) {
      pos = start;
      throw error(e.getMessage());
    }
  }

  /** Opens a parenthesised list; the depth is bounded so that recursive command parsers cannot exhaust the stack. */
  public void openParen() throws ImapParseException {
    if (!peek('(')) {
      throw error("expected (");
    }
    if (depth >= limits.maxNestingDepth()) {
      throw error("parentheses nested too deeply");
    }
    pos++;
    depth++;
  }

  /** Closes the innermost open list if the next byte is ")"; a ")" with no list open is left for end() to reject. */
  public boolean tryCloseParen() {
    if (depth > 0 && tryConsume(')')) {
      depth--;
      return true;
    }
    return false;
  }

  /** RFC 3501 §9: flag = "\" atom (system flag or flag-extension) / flag-keyword (an atom). */
  public String flag() throws ImapParseException {
    int start = pos;
    tryConsume((char) ImapChars.BACKSLASH);
    try {
      atom();
    } catch (ImapParseException e) {
      pos = start;
      throw error("expected a flag");
    }
    return ascii(start);
  }

  /**
   * Whether this command's session has enabled UTF8=ACCEPT (RFC 6855 §3): mailbox names then arrive as UTF-8
   * rather than modified UTF-7, a message may come as UTF8 data, and SEARCH may not name a CHARSET.
   */
  public void utf8Accepted(boolean on) {
    this.utf8Accepted = on;
  }

  public boolean utf8Accepted() {
    return utf8Accepted;
  }

  /**
   * A mailbox name or LIST pattern as the client sent it, in the form the account keeps: modified UTF-7
   * (RFC 3501 §5.1.3), which a UTF8=ACCEPT session does not use (RFC 6855 §3), so its UTF-8 names are encoded.
   */
  public String mailboxName(String sent) {
    return utf8Accepted ? ModifiedUtf7.encode(sent) : sent;
  }

  /** RFC 3501 §5.1: the name INBOX is case-insensitive and always means the same mailbox. */
  public String mailbox() throws ImapParseException {
    String name = mailboxName(astring());
    return name.equalsIgnoreCase(INBOX) ? INBOX : name;
  }

  private boolean atString() {
    return peek((char) ImapChars.DQUOTE) || peek((char) ImapChars.OPEN_BRACE)
        || (peek((char) ImapChars.TILDE) && pos + 1 < bytes.length && bytes[pos + 1] == ImapChars.OPEN_BRACE);
  }

  /** RFC 3501 §9: quoted = DQUOTE *QUOTED-CHAR DQUOTE, where only \" and \\ are escapes and CR/LF are never text. */
  private ByteString quoted() throws ImapParseException {
    int start = pos;
    boolean escaped = false;
    pos++;
    while (true) {
      if (atEnd()) {
        pos = start;
        throw error("unterminated quoted string");
      }
      byte b = bytes[pos];
      if (b == ImapChars.DQUOTE) {
        pos++;
        return escaped ? unescape(start + 1, pos - 1) : raw.slice(start + 1, pos - 1);
      }
      if (b == ImapChars.CR || b == ImapChars.LF || b == 0) {
        throw error("CR, LF or NUL in quoted string");
      }
      if (b == ImapChars.BACKSLASH) {
        pos++;
        if (atEnd() || (bytes[pos] != ImapChars.DQUOTE && bytes[pos] != ImapChars.BACKSLASH)) {
          throw error("bad escape in quoted string");
        }
        escaped = true;
      }
      pos++;
    }
  }

  /** Drops the backslash of each escape pair in a quoted string already checked by quoted(). */
  private ByteString unescape(int from, int to) {
    ByteStringBuilder out = new ByteStringBuilder();
    for (int i = from; i < to; i++) {
      if (bytes[i] == ImapChars.BACKSLASH) {
        i++;
      }
      out.putByte(bytes[i]);
    }
    return out.result();
  }

  /** RFC 3501 §9 literal, RFC 7888 {N+} and RFC 3516 ~{N}: the marker, CRLF (or bare LF), then exactly N bytes. */
  private ByteString literal() throws ImapParseException {
    int start = pos;
    tryConsume((char) ImapChars.TILDE);
    pos++; // the opening brace, checked by atString()
    long size = number();
    tryConsume((char) ImapChars.PLUS);
    if (!tryConsume((char) ImapChars.CLOSE_BRACE)) {
      throw error("bad literal marker");
    }
    tryConsume((char) ImapChars.CR);
    if (!tryConsume((char) ImapChars.LF)) {
      throw error("literal marker not at end of line");
    }
    if (size > limits.maxLiteralSize()) {
      pos = start;
      throw error("literal too big");
    }
    if (size > bytes.length - pos) {
      pos = start;
      throw error("literal shorter than announced");
    }
    int from = pos;
    pos += (int) size;
    return raw.slice(from, pos);
  }

  private static boolean isSequenceSetChar(byte b) {
    return ImapChars.isDigit(b) || b == ':' || b == ',' || b == '*';
  }

  private String ascii(int start) {
    return new String(bytes, start, pos - start, StandardCharsets.US_ASCII);
  }

  private String utf8(ByteString value) throws ImapParseException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(value.asByteBuffer())
          .toString();
    } catch (CharacterCodingException e) {
      throw error("string is not valid UTF-8");
    }
  }

  private ImapParseException error(String message) {
    return new ImapParseException(message + " at position " + pos);
  }
}
