package org.mailhive.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailhive.imap.parse.Rfc3501Examples.bytes;
import static org.mailhive.imap.parse.Rfc3501Examples.text;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImapArgsTest {
  private static final int MAX_DEPTH = 4;
  private static final ImapLimits LIMITS = new ImapLimits(1000, 400, MAX_DEPTH);

  private static ImapArgs args(String text) {
    return new ImapArgs(bytes(text), LIMITS);
  }

  /** The bytes a session would hand to a command parser: what the frame decoder made of the wire text. */
  private static ImapArgs framed(String wire) {
    List<ImapFrameDecoder.Event> events = new ImapFrameDecoder(LIMITS).feed(bytes(wire));
    ImapFrameDecoder.Frame frame = (ImapFrameDecoder.Frame) events.get(events.size() - 1);
    return new ImapArgs(frame.raw(), LIMITS);
  }

  @Test
  void parsesLoginWithQuotedStrings() throws ImapParseException {
    ImapArgs a = framed("a002 LOGIN \"fred\" \"foo bar\"\r\n");
    assertEquals("a002", a.tag());
    a.sp();
    assertEquals("LOGIN", a.atom());
    a.sp();
    assertEquals("fred", a.astring());
    a.sp();
    assertEquals("foo bar", a.astring());
    a.end();
  }

  @Test
  void parsesLoginWithSynchronisingAndNonSynchronisingLiterals() throws ImapParseException {
    for (String wire : List.of("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n",
        "A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n")) {
      ImapArgs a = framed(wire);
      assertEquals("A001", a.tag());
      a.sp();
      assertEquals("LOGIN", a.atom());
      a.sp();
      assertEquals("FRED FOOBAR", a.astring());
      a.sp();
      assertEquals("fat man", a.astring());
      a.end();
    }
  }

  @Test
  void parsesAppendWithFlagsAndTheMessageLiteral() throws ImapParseException {
    ImapArgs a = framed(Rfc3501Examples.APPEND_COMMAND + "\r\n");
    assertEquals("A003", a.tag());
    a.sp();
    assertEquals("APPEND", a.atom());
    a.sp();
    assertEquals("saved-messages", a.mailbox());
    a.sp();
    a.openParen();
    assertEquals("\\Seen", a.flag());
    assertTrue(a.tryCloseParen());
    a.sp();
    ByteString message = a.literalOrQuoted();
    assertEquals(310, message.length());
    assertEquals(Rfc3501Examples.APPEND_MESSAGE, text(message));
    a.end();
  }

  @Test
  void parsesFetchWithNestedHeaderFieldList() throws ImapParseException {
    ImapArgs a = framed("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
    assertEquals("A654", a.tag());
    a.sp();
    assertEquals("FETCH", a.atom());
    a.sp();
    assertEquals("2:4", a.sequenceSet().toString());
    a.sp();
    a.openParen();
    assertEquals("FLAGS", a.atom());
    a.sp();
    assertEquals("BODY[HEADER.FIELDS", a.atom());
    a.sp();
    a.openParen();
    assertEquals("DATE", a.atom());
    a.sp();
    assertEquals("FROM", a.atom());
    assertTrue(a.tryCloseParen());
    assertTrue(a.tryConsume(']'));
    assertTrue(a.tryCloseParen());
    assertFalse(a.tryCloseParen());
    a.end();
  }

  @Test
  void parsesLiteral8WithBinaryContent() throws ImapParseException {
    ImapArgs a = framed("a APPEND x ~{3}\r\na\0b\r\n");
    a.tag();
    a.sp();
    a.atom();
    a.sp();
    a.mailbox();
    a.sp();
    assertEquals(bytes("a\0b"), a.astringBytes());
    a.end();
  }

  @Test
  void unescapesQuotedSpecials() throws ImapParseException {
    assertEquals("a\"b\\c", args("\"a\\\"b\\\\c\"").astring());
    assertEquals("", args("\"\"").astring());
  }

  @Test
  void acceptsUtf8InQuotedStrings() throws ImapParseException {
    ImapArgs a = new ImapArgs(ByteString.fromString("\"Grüße\"", StandardCharsets.UTF_8), LIMITS);
    assertEquals("Grüße", a.astring());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"abc", "\"", "\"abc\\\"", "\"a\rb\"", "\"a\nb\"", "\"a\\b\"", "\"\377\"", "{5}\r\nabc",
      "{5}abcde", "{401}\r\n", "{x}\r\n", ""})
  void rejectsBadStrings(String input) {
    assertThrows(ImapParseException.class, () -> args(input).astring());
  }

  @Test
  void readsNilAsNullInAnNstring() throws ImapParseException {
    assertNull(args("NIL").nstring());
    assertNull(args("nil").nstring());
    assertEquals("NIL", args("\"NIL\"").nstring());
    assertThrows(ImapParseException.class, () -> args("NILS").nstring());
    assertThrows(ImapParseException.class, () -> args("atom").nstring());
  }

  @Test
  void readsNumbersWithinThirtyTwoBits() throws ImapParseException {
    assertEquals(4294967295L, args("4294967295").number());
    assertEquals(7, args("007").number());
    assertEquals(0, args("0").number());
    assertThrows(ImapParseException.class, () -> args("4294967296").number());
    assertThrows(ImapParseException.class, () -> args("99999999999999999999999").number());
    assertThrows(ImapParseException.class, () -> args("x").number());
    assertThrows(ImapParseException.class, () -> args("0").nzNumber());
    assertEquals(1, args("1").nzNumber());
  }

  @ParameterizedTest
  @ValueSource(ints = {MAX_DEPTH - 1, MAX_DEPTH})
  void acceptsNestingUpToTheLimit(int depth) throws ImapParseException {
    ImapArgs a = args("(".repeat(depth) + ")".repeat(depth));
    for (int i = 0; i < depth; i++) {
      a.openParen();
    }
    for (int i = 0; i < depth; i++) {
      assertTrue(a.tryCloseParen());
    }
    a.end();
  }

  @ParameterizedTest
  @ValueSource(ints = {MAX_DEPTH + 1, 100_000})
  void rejectsNestingBeyondTheLimit(int depth) throws ImapParseException {
    ImapArgs a = args("(".repeat(depth));
    for (int i = 0; i < MAX_DEPTH; i++) {
      a.openParen();
    }
    ImapParseException e = assertThrows(ImapParseException.class, a::openParen);
    assertTrue(e.getMessage().contains("nested"), e.getMessage());
  }

  @Test
  void normalisesInboxInAnyCase() throws ImapParseException {
    assertEquals("INBOX", args("inbox").mailbox());
    assertEquals("INBOX", args("\"InBoX\"").mailbox());
    assertEquals("inbox.Sent", args("inbox.Sent").mailbox());
  }

  @Test
  void readsSystemFlagsAndKeywords() throws ImapParseException {
    assertEquals("\\Seen", args("\\Seen").flag());
    assertEquals("$Forwarded", args("$Forwarded").flag());
    assertThrows(ImapParseException.class, () -> args("\\").flag());
    assertThrows(ImapParseException.class, () -> args("(").flag());
  }

  @Test
  void rejectsATagThatCouldBeAContinuation() {
    assertThrows(ImapParseException.class, () -> args("+ NOOP").tag());
    assertThrows(ImapParseException.class, () -> args(" NOOP").tag());
  }

  @Test
  void requiresExactlyOneSpaceBetweenElements() throws ImapParseException {
    ImapArgs a = args("a  NOOP");
    a.tag();
    a.sp();
    assertThrows(ImapParseException.class, a::atom);
    assertThrows(ImapParseException.class, () -> args("aNOOP").sp());
  }

  @Test
  void rejectsTrailingBytes() throws ImapParseException {
    ImapArgs a = args("a NOOP x");
    a.tag();
    a.sp();
    a.atom();
    assertFalse(a.atEnd());
    assertThrows(ImapParseException.class, a::end);
    assertTrue(a.tryConsumeSpace());
    assertTrue(a.peek('x'));
  }

  @Test
  void leavesAnUnopenedCloseParenForEndToReject() {
    ImapArgs a = args(")");
    assertFalse(a.tryCloseParen());
    assertThrows(ImapParseException.class, a::end);
  }

  @Test
  void readsASequenceSetUpToTheNextSpace() throws ImapParseException {
    ImapArgs a = args("1,3:5,7:* FLAGS");
    assertEquals(SequenceSet.parse("1,3:5,7:*"), a.sequenceSet());
    a.sp();
    assertEquals("FLAGS", a.atom());
    assertThrows(ImapParseException.class, () -> args("1,,2 FLAGS").sequenceSet());
  }
}
