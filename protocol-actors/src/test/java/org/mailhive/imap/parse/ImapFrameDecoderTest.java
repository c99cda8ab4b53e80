package org.mailhive.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mailhive.imap.parse.Rfc3501Examples.bytes;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.imap.parse.ImapFrameDecoder.ContinuationNeeded;
import org.mailhive.imap.parse.ImapFrameDecoder.Event;
import org.mailhive.imap.parse.ImapFrameDecoder.Frame;
import org.mailhive.imap.parse.ImapFrameDecoder.LineTooLong;
import org.mailhive.imap.parse.ImapFrameDecoder.LiteralTooBig;

class ImapFrameDecoderTest {
  private static final int MAX_LINE = 64;
  private static final long MAX_LITERAL = 400;
  private static final ImapLimits LIMITS = new ImapLimits(MAX_LINE, MAX_LITERAL, 8);
  private static final Event CONTINUE = new ContinuationNeeded();
  private static final int ONE_MEGABYTE = 1 << 20;
  private static final int CHUNK = 8192;

  private static Frame frame(String text) {
    return new Frame(bytes(text));
  }

  /** Decodes the input whole, then split in two at every position and byte by byte; all must agree. */
  private static List<Event> decodeEverySplit(ImapLimits limits, String input) {
    ByteString all = bytes(input);
    List<Event> whole = new ImapFrameDecoder(limits).feed(all);
    for (int split = 0; split <= all.length(); split++) {
      ImapFrameDecoder decoder = new ImapFrameDecoder(limits);
      List<Event> events = new ArrayList<>(decoder.feed(all.take(split)));
      events.addAll(decoder.feed(all.drop(split)));
      assertEquals(whole, events, "split at " + split);
    }
    ImapFrameDecoder decoder = new ImapFrameDecoder(limits);
    List<Event> byteByByte = new ArrayList<>();
    for (int i = 0; i < all.length(); i++) {
      byteByByte.addAll(decoder.feed(all.slice(i, i + 1)));
    }
    assertEquals(whole, byteByByte, "byte by byte");
    return whole;
  }

  private static List<Event> decodeInChunks(ImapFrameDecoder decoder, ByteString all) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < all.length(); i += CHUNK) {
      events.addAll(decoder.feed(all.slice(i, Math.min(all.length(), i + CHUNK))));
    }
    return events;
  }

  static Stream<Arguments> rfcExamples() {
    return Stream.of(
        // RFC 3501 §6.2.3
        Arguments.of("a001 LOGIN SMITH SESAME\r\n", List.of(frame("a001 LOGIN SMITH SESAME"))),
        Arguments.of("a002 LOGIN \"fred\" \"foo bar\"\r\n", List.of(frame("a002 LOGIN \"fred\" \"foo bar\""))),
        // RFC 3501 §7.5: two synchronising literals, each answered by a continuation request
        Arguments.of("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n",
            List.of(CONTINUE, CONTINUE, frame("A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man"))),
        // RFC 7888 §3: the same with LITERAL+, no continuation requests
        Arguments.of("A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n",
            List.of(frame("A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man"))),
        // RFC 3501 §6.3.11
        Arguments.of(Rfc3501Examples.APPEND_COMMAND + "\r\n",
            List.of(CONTINUE, frame(Rfc3501Examples.APPEND_COMMAND))),
        // RFC 3501 §6.4.5
        Arguments.of("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
            List.of(frame("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])"))),
        // RFC 3501 §6.4.6 and §6.4.4, pipelined in one read
        Arguments.of("A003 STORE 2:4 +FLAGS (\\Deleted)\r\nA282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
            List.of(frame("A003 STORE 2:4 +FLAGS (\\Deleted)"),
                frame("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\""))),
        // RFC 3516 §4.2 literal8
        Arguments.of("a APPEND x ~{3}\r\na\0b\r\n", List.of(CONTINUE, frame("a APPEND x ~{3}\r\na\0b"))));
  }

  @ParameterizedTest
  @MethodSource("rfcExamples")
  void decodesTheRfcExamplesIdenticallyHoweverTheBytesAreSplit(String input, List<Event> expected) {
    assertEquals(expected, decodeEverySplit(LIMITS, input));
  }

  @Test
  void acceptsABareLfAsTheLineEnd() {
    assertEquals(List.of(frame("a NOOP"), CONTINUE, frame("b LOGIN {1}\nx y")),
        decodeEverySplit(LIMITS, "a NOOP\nb LOGIN {1}\nx y\n"));
  }

  @Test
  void ignoresEmptyLinesBetweenCommands() {
    assertEquals(List.of(frame("a NOOP"), frame("b NOOP")), decodeEverySplit(LIMITS, "\r\na NOOP\r\n\r\n\nb NOOP\r\n"));
  }

  @Test
  void neverLooksForLineEndsOrMarkersInsideALiteral() {
    assertEquals(List.of(frame("a APPEND x {9+}\r\nab\r\n{3}\r\n\r")),
        decodeEverySplit(LIMITS, "a APPEND x {9+}\r\nab\r\n{3}\r\n\r\r\n"));
  }

  @Test
  void treatsABraceInsideALineAsText() {
    assertEquals(List.of(frame("a SEARCH TEXT {5} x")), decodeEverySplit(LIMITS, "a SEARCH TEXT {5} x\r\n"));
  }

  @ParameterizedTest
  @ValueSource(ints = {MAX_LINE - 1, MAX_LINE})
  void acceptsALineUpToTheLimit(int length) {
    String line = "a " + "x".repeat(length - 2);
    assertEquals(List.of(frame(line)), decodeEverySplit(LIMITS, line + "\r\n"));
    assertEquals(List.of(frame(line)), decodeEverySplit(LIMITS, line + "\n"));
  }

  @Test
  void rejectsALineOneByteOverTheLimitAndReadsTheNextCommand() {
    String line = "a " + "x".repeat(MAX_LINE - 1);
    List<Event> expected = List.of(new LineTooLong("a"), frame("b NOOP"));
    assertEquals(expected, decodeEverySplit(LIMITS, line + "\r\nb NOOP\r\n"));
    assertEquals(expected, decodeEverySplit(LIMITS, line + "\nb NOOP\n"));
  }

  @Test
  void countsLineBytesWithoutTheLiteralsBetweenThem() {
    String head = "a LOGIN {" + (MAX_LINE * 2) + "}";
    String line2 = " " + "y".repeat(MAX_LINE - 1);
    String input = head + "\r\n" + "z".repeat(MAX_LINE * 2) + line2 + "\r\n";
    assertEquals(List.of(CONTINUE, frame(input.substring(0, input.length() - 2))), decodeEverySplit(LIMITS, input));
  }

  @Test
  void rejectsAOneMegabyteLineAndStillParsesTheNextCommand() {
    ByteString input = bytes("a1 APPEND " + "x".repeat(ONE_MEGABYTE) + "\r\na2 NOOP\r\n");
    assertEquals(List.of(new LineTooLong("a1"), frame("a2 NOOP")),
        decodeInChunks(new ImapFrameDecoder(LIMITS), input));
  }

  @Test
  void reportsAnUnknownTagWhenTheFirstTokenCannotBeRead() {
    assertEquals(List.of(new LineTooLong("*"), frame("b NOOP")),
        decodeEverySplit(LIMITS, "x".repeat(MAX_LINE + 5) + " NOOP\r\nb NOOP\r\n"));
    assertEquals(List.of(new LineTooLong("*"), frame("b NOOP")),
        decodeEverySplit(LIMITS, "+bad " + "x".repeat(MAX_LINE) + "\r\nb NOOP\r\n"));
  }

  @Test
  void skipsTheNonSynchronisingLiteralsOfALineThatWasTooLong() {
    String tooLong = "a APPEND " + "x".repeat(MAX_LINE) + " {6+}\r\nb NOOP\r\n";
    assertEquals(List.of(new LineTooLong("a"), frame("c NOOP")), decodeEverySplit(LIMITS, tooLong + "c NOOP\r\n"));
  }

  @ParameterizedTest
  @ValueSource(longs = {MAX_LITERAL - 1, MAX_LITERAL})
  void acceptsALiteralUpToTheLimit(long size) {
    String literal = "m".repeat((int) size);
    assertEquals(List.of(CONTINUE, frame("a APPEND x {" + size + "}\r\n" + literal)),
        decodeEverySplit(LIMITS, "a APPEND x {" + size + "}\r\n" + literal + "\r\n"));
    assertEquals(List.of(frame("a APPEND x {" + size + "+}\r\n" + literal)),
        decodeEverySplit(LIMITS, "a APPEND x {" + size + "+}\r\n" + literal + "\r\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"401", "4294967295", "99999999999999999999999999999999"})
  void refusesASynchronisingLiteralOverTheLimitAndExpectsNoBytes(String size) {
    assertEquals(List.of(new LiteralTooBig("a", true), frame("b NOOP")),
        decodeEverySplit(LIMITS, "a APPEND x {" + size + "}\r\nb NOOP\r\n"));
  }

  @Test
  void skipsANonSynchronisingLiteralOneByteOverTheLimitAndTheRestOfItsCommand() {
    String literal = "m".repeat((int) MAX_LITERAL + 1);
    assertEquals(List.of(new LiteralTooBig("a", false), frame("b NOOP")),
        decodeEverySplit(LIMITS, "a APPEND x {401+}\r\n" + literal + " more {2+}\r\nzz tail\r\nb NOOP\r\n"));
  }

  @Test
  void skipsAnEnormousNonSynchronisingLiteralWithoutStoringIt() {
    int size = 5 * ONE_MEGABYTE;
    ByteString input = bytes("a APPEND x {" + size + "+}\r\n")
        .concat(bytes("\r\nz NOOP\r\n".repeat(size / 10)))
        .concat(bytes(")\r\nb NOOP\r\n"));
    assertEquals(List.of(new LiteralTooBig("a", false), frame("b NOOP")),
        decodeInChunks(new ImapFrameDecoder(LIMITS), input));
  }

  @Test
  void refusesACommandWithMoreLinesThanAllowed() {
    ImapLimits limits = LIMITS;
    String input = "a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3\r\nb NOOP\r\n";
    ImapFrameDecoder decoder = new ImapFrameDecoder(limits, 2);
    assertEquals(List.of(new LineTooLong("a"), frame("b NOOP")), decoder.feed(bytes(input)));
    assertEquals(List.of(frame(input.substring(0, input.indexOf("\r\nb")))),
        new ImapFrameDecoder(limits, 4).feed(bytes(input)).subList(0, 1));
  }

  @Test
  void anEmptyLineIsIgnoredUnlessASaslExchangeAwaitsItsEmptyAnswer() {
    ImapFrameDecoder d = new ImapFrameDecoder(LIMITS);
    assertEquals(List.of(), d.feed(bytes("\r\n")));
    d.emptyLineIsFrame(true);
    assertEquals(List.of(frame("")), d.feed(bytes("\r\n")));
    d.emptyLineIsFrame(false);
    assertEquals(List.of(frame("a NOOP")), d.feed(bytes("\r\na NOOP\r\n")));
  }
}
