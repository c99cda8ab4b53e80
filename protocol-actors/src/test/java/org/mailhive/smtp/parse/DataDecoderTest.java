package org.mailhive.smtp.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.smtp.parse.DataDecoder.BareLineEnding;
import org.mailhive.smtp.parse.DataDecoder.Complete;
import org.mailhive.smtp.parse.DataDecoder.NeedMore;
import org.mailhive.smtp.parse.DataDecoder.Result;
import org.mailhive.smtp.parse.DataDecoder.TooBig;

class DataDecoderTest {

  private static final long LIMIT = 1 << 20;
  private static final String PIPELINED = "MAIL FROM:<a@b>\r\n";

  private static ByteString bytes(String s) {
    return ByteString.fromString(s, StandardCharsets.ISO_8859_1);
  }

  private static Result whole(long max, String input) {
    return new DataDecoder(max).feed(bytes(input));
  }

  /**
   * Feeds the input whole, split at every position, and byte by byte; each must give
   * {@code expected}. Bytes never fed because the message ended earlier count as remainder.
   */
  private static void assertSameAtEverySplit(long max, String input, Result expected) {
    ByteString all = bytes(input);
    long expectedSeen = all.length() - remainderOf(expected).length();
    DataDecoder wholeDecoder = new DataDecoder(max);
    assertEquals(expected, wholeDecoder.feed(all), "whole");
    assertEquals(expectedSeen, wholeDecoder.bytesSeen(), "seen whole");
    for (int at = 0; at < all.length(); at++) {
      DataDecoder decoder = new DataDecoder(max);
      Result first = decoder.feed(all.take(at));
      Result result = first instanceof NeedMore
          ? decoder.feed(all.drop(at)) : withMoreRemainder(first, all.drop(at));
      assertEquals(expected, result, "split at " + at);
      assertEquals(expectedSeen, decoder.bytesSeen(), "seen, split at " + at);
    }
    DataDecoder decoder = new DataDecoder(max);
    Result result = new NeedMore();
    int fed = 0;
    while (fed < all.length() && result instanceof NeedMore) {
      result = decoder.feed(all.slice(fed, fed + 1));
      fed++;
    }
    assertEquals(expected, withMoreRemainder(result, all.drop(fed)), "byte by byte");
  }

  private static Result withMoreRemainder(Result result, ByteString more) {
    if (result instanceof Complete c) {
      return new Complete(c.message(), c.remainder().concat(more));
    } else if (result instanceof TooBig t) {
      return new TooBig(t.remainder().concat(more));
    } else if (result instanceof BareLineEnding b) {
      return new BareLineEnding(b.remainder().concat(more));
    }
    return result;
  }

  private static ByteString remainderOf(Result result) {
    if (result instanceof Complete c) {
      return c.remainder();
    } else if (result instanceof TooBig t) {
      return t.remainder();
    } else if (result instanceof BareLineEnding b) {
      return b.remainder();
    }
    return ByteString.emptyByteString();
  }

  private static Complete complete(String message, String remainder) {
    return new Complete(bytes(message), bytes(remainder));
  }

  @Test
  void decodesTheRfc5321ExampleMessage() {
    // RFC 5321 Appendix D.1, the content sent after 354.
    String message = "Blah blah blah...\r\n...etc. etc. etc.\r\n";
    String expected = "Blah blah blah...\r\n..etc. etc. etc.\r\n";
    assertSameAtEverySplit(LIMIT, message + ".\r\nQUIT\r\n", complete(expected, "QUIT\r\n"));
  }

  @Test
  void removesExactlyOneLeadingDot() {
    assertSameAtEverySplit(LIMIT, "..foo\r\n.bar\r\nbaz.\r\n...\r\n.\r\n",
        complete(".foo\r\nbar\r\nbaz.\r\n..\r\n", ""));
  }

  @Test
  void treatsADotLineRightAfter354AsAnEmptyMessage() {
    assertSameAtEverySplit(LIMIT, ".\r\n" + PIPELINED, complete("", PIPELINED));
  }

  @Test
  void findsATerminatorSplitAfterItsFirstCr() {
    DataDecoder decoder = new DataDecoder(LIMIT);
    assertEquals(new NeedMore(), decoder.feed(bytes("hello\r")));
    assertEquals(complete("hello\r\n", ""), decoder.feed(bytes("\n.\r\n")));
    assertEquals(10, decoder.bytesSeen());
  }

  @Test
  void returnsPipelinedCommandsAsTheRemainder() {
    assertSameAtEverySplit(LIMIT, "Subject: x\r\n\r\nhi\r\n.\r\n" + PIPELINED + "RCPT TO:<c@d>\r\n",
        complete("Subject: x\r\n\r\nhi\r\n", PIPELINED + "RCPT TO:<c@d>\r\n"));
  }

  @Test
  void keepsLinesThatOnlyLookLikeTheTerminator() {
    assertSameAtEverySplit(LIMIT, "a\r\n. \r\n.x\r\n\r\n.\r\n", complete("a\r\n \r\nx\r\n\r\n", ""));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0})
  void acceptsAMessageUpToTheLimit(int belowLimit) {
    int max = 64;
    String line = "x".repeat(max + belowLimit - 2) + "\r\n";
    assertSameAtEverySplit(max, line + ".\r\n" + PIPELINED, complete(line, PIPELINED));
  }

  @Test
  void rejectsAMessageOneByteOverTheLimit() {
    int max = 64;
    String line = "x".repeat(max - 1) + "\r\n";
    assertSameAtEverySplit(max, line + ".\r\n" + PIPELINED, new TooBig(bytes(PIPELINED)));
  }

  @Test
  void countsTheLimitAfterDotUnstuffing() {
    // Each line is four octets on the wire but three once the doubled dot is removed.
    String line = "..x\r\n";
    assertEquals(complete(".x\r\n".repeat(4), ""), whole(16, line.repeat(4) + ".\r\n"));
  }

  @Test
  void rejectsATenMegabyteMessageAgainstAOneMegabyteLimitAndKeepsTheRemainder() {
    DataDecoder decoder = new DataDecoder(LIMIT);
    ByteString chunk = bytes(("y".repeat(1022) + "\r\n").repeat(64));
    long chunks = 10 * (1 << 20) / chunk.length();
    for (long i = 0; i < chunks; i++) {
      assertEquals(new NeedMore(), decoder.feed(chunk));
    }
    Result result = decoder.feed(bytes(".\r\n" + PIPELINED));
    assertEquals(new TooBig(bytes(PIPELINED)), result);
    assertEquals(chunks * chunk.length() + 3, decoder.bytesSeen());
  }

  @Test
  void storesALargeMessageUnderTheLimitIntact() {
    DataDecoder decoder = new DataDecoder(10L << 20);
    ByteString chunk = bytes(("z".repeat(1022) + "\r\n").repeat(64));
    int chunks = 8 * 16;
    for (int i = 0; i < chunks; i++) {
      decoder.feed(chunk);
    }
    Complete done = assertInstanceOf(Complete.class, decoder.feed(bytes(".\r\n")));
    assertEquals(chunks * chunk.length(), done.message().length());
    assertEquals(chunk, done.message().take(chunk.length()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "a\n.\nb\r\n",            // <LF>.<LF>
      "a\r.\rb\r\n",            // <CR>.<CR>
      "a\n.\r\nb\r\n",          // <LF>.<CRLF>
      "a\r\n.\nb\r\n",          // <CRLF>.<LF>
      "a\r\n.\rb\r\n",          // <CRLF>.<CR>
      "a\r.\r\nb\r\n",          // <CR>.<CRLF>
      "\n.\r\nb\r\n",           // bare LF right after 354
      ".\nb\r\n",               // <dot><LF> right after 354
      "a\nb\r\n",               // a bare LF anywhere
      "a\rb\r\n"                // a bare CR anywhere
  })
  void neverEndsDataAtABareLineEndingAndRejectsTheMessage(String smuggled) {
    String input = smuggled + "MAIL FROM:<forged@x>\r\n.\r\n" + PIPELINED;
    assertSameAtEverySplit(LIMIT, input, new BareLineEnding(bytes(PIPELINED)));
  }

  @Test
  void prefersBareLineEndingOverTooBig() {
    assertEquals(new BareLineEnding(bytes("")), whole(4, "0123456789\n\r\n.\r\n"));
  }

  @Test
  void refusesInputAfterTheMessageHasEnded() {
    DataDecoder decoder = new DataDecoder(LIMIT);
    decoder.feed(bytes(".\r\n"));
    assertThrows(IllegalStateException.class, () -> decoder.feed(bytes("x")));
  }
}
