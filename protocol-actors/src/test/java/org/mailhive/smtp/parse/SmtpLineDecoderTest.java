package org.mailhive.smtp.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mailhive.smtp.parse.SmtpLineDecoder.Event;
import org.mailhive.smtp.parse.SmtpLineDecoder.Line;
import org.mailhive.smtp.parse.SmtpLineDecoder.LineTooLong;

class SmtpLineDecoderTest {

  private static final int MAX = 16;
  private static final int RFC_MAX = 510;

  private static ByteString bytes(String s) {
    return ByteString.fromString(s, StandardCharsets.UTF_8);
  }

  private static List<Event> whole(int max, String input) {
    return new SmtpLineDecoder(max).feed(bytes(input));
  }

  /** Feeds the input in two pieces, split at {@code at}, and also one byte at a time. */
  private static void assertSameAtEverySplit(int max, String input, List<Event> expected) {
    ByteString all = bytes(input);
    for (int at = 0; at <= all.length(); at++) {
      SmtpLineDecoder decoder = new SmtpLineDecoder(max);
      List<Event> events = new ArrayList<>(decoder.feed(all.take(at)));
      events.addAll(decoder.feed(all.drop(at)));
      assertEquals(expected, events, "split at " + at);
    }
    SmtpLineDecoder decoder = new SmtpLineDecoder(max);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < all.length(); i++) {
      events.addAll(decoder.feed(all.slice(i, i + 1)));
    }
    assertEquals(expected, events, "byte by byte");
  }

  @Test
  void splitsTheRfc5321ExampleSessionIntoCommands() {
    // RFC 5321 Appendix D.1, client side.
    String input = "EHLO bar.com\r\nMAIL FROM:<Smith@bar.com>\r\nRCPT TO:<Jones@foo.com>\r\n"
        + "RCPT TO:<Green@foo.com>\r\nRCPT TO:<Brown@foo.com>\r\nDATA\r\n";
    List<Event> expected = List.of(new Line("EHLO bar.com"), new Line("MAIL FROM:<Smith@bar.com>"),
        new Line("RCPT TO:<Jones@foo.com>"), new Line("RCPT TO:<Green@foo.com>"),
        new Line("RCPT TO:<Brown@foo.com>"), new Line("DATA"));
    assertEquals(expected, whole(RFC_MAX, input));
    assertSameAtEverySplit(RFC_MAX, input, expected);
  }

  @Test
  void acceptsABareLfAsTheEndOfACommandLine() {
    List<Event> expected = List.of(new Line("NOOP"), new Line("QUIT"));
    assertEquals(expected, whole(MAX, "NOOP\nQUIT\r\n"));
    assertSameAtEverySplit(MAX, "NOOP\nQUIT\r\n", expected);
  }

  @Test
  void keepsABareCrInsideALineAsData() {
    List<Event> expected = List.of(new Line("NOOP a\rb"), new Line("\r"));
    assertSameAtEverySplit(MAX, "NOOP a\rb\r\n\r\r\n", expected);
  }

  @Test
  void returnsAnEmptyLineForAnEmptyCommand() {
    assertSameAtEverySplit(MAX, "\r\n\n", List.of(new Line(""), new Line("")));
  }

  @Test
  void decodesUtf8AndReplacesMalformedSequences() {
    ByteString input = bytes("RCPT TO:<j\u00f6rg@b\u00fccher.de>\r\n")
        .concat(ByteString.fromArray(new byte[] {'X', (byte) 0xC3, 'Y', '\r', '\n'}));
    List<Event> events = new SmtpLineDecoder(RFC_MAX).feed(input);
    assertEquals(List.of(new Line("RCPT TO:<j\u00f6rg@b\u00fccher.de>"), new Line("X\uFFFDY")), events);
  }

  @Test
  void holdsAPartialLineUntilItsEndingArrives() {
    SmtpLineDecoder decoder = new SmtpLineDecoder(MAX);
    assertEquals(List.of(), decoder.feed(bytes("NOOP\r")));
    assertEquals(List.of(new Line("NOOP")), decoder.feed(bytes("\n")));
  }

  @ParameterizedTest
  @ValueSource(ints = {MAX - 1, MAX})
  void acceptsLinesUpToTheLimit(int length) {
    String text = "x".repeat(length);
    assertSameAtEverySplit(MAX, text + "\r\n" + "QUIT\r\n", List.of(new Line(text), new Line("QUIT")));
    assertSameAtEverySplit(MAX, text + "\n" + "QUIT\n", List.of(new Line(text), new Line("QUIT")));
  }

  @Test
  void rejectsALineOneByteOverTheLimitAndParsesTheNextOne() {
    String text = "x".repeat(MAX + 1);
    List<Event> expected = List.of(new LineTooLong(), new Line("QUIT"));
    assertSameAtEverySplit(MAX, text + "\r\nQUIT\r\n", expected);
    assertSameAtEverySplit(MAX, text + "\nQUIT\r\n", expected);
    // A trailing CR that is not part of CRLF is data, so it makes a max-length line too long.
    assertSameAtEverySplit(MAX, "x".repeat(MAX) + "\r\r\nQUIT\r\n", expected);
  }

  @Test
  void reportsAMegabyteLineOnceAndThenParsesTheNextLine() {
    SmtpLineDecoder decoder = new SmtpLineDecoder(RFC_MAX);
    List<Event> events = new ArrayList<>();
    ByteString chunk = bytes("A".repeat(1024));
    for (int i = 0; i < 1024; i++) {
      events.addAll(decoder.feed(chunk));
    }
    events.addAll(decoder.feed(bytes("\r\nMAIL FROM:<a@b>\r\n")));
    assertEquals(List.of(new LineTooLong(), new Line("MAIL FROM:<a@b>")), events);
  }

  @Test
  void reportsAMegabyteLineInOneChunkOnce() {
    String input = "B".repeat(1 << 20) + "\r\nQUIT\r\n";
    assertEquals(List.of(new LineTooLong(), new Line("QUIT")), whole(RFC_MAX, input));
  }

  @Test
  void pullsOneLineAtATimeSoTheRestCanGoToTheDataDecoder() {
    SmtpLineDecoder decoder = new SmtpLineDecoder(RFC_MAX);
    decoder.offer(bytes("RCPT TO:<a@b>\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQU"));
    assertEquals(Optional.of(new Line("RCPT TO:<a@b>")), decoder.next());
    assertEquals(Optional.of(new Line("DATA")), decoder.next());
    assertEquals(bytes("Subject: hi\r\n\r\nbody\r\n.\r\nQU"), decoder.drainBuffered());
    assertEquals(Optional.empty(), decoder.next());
    assertEquals(ByteString.emptyByteString(), decoder.drainBuffered());
  }

  @Test
  void drainsAPartialLineTogetherWithUnexaminedBytes() {
    SmtpLineDecoder decoder = new SmtpLineDecoder(RFC_MAX);
    assertEquals(List.of(new Line("DATA")), decoder.feed(bytes("DATA\r\nSubj")));
    decoder.offer(bytes("ect: x\r\n"));
    assertEquals(bytes("Subject: x\r\n"), decoder.drainBuffered());
  }

  @Test
  void discardsPlaintextPipelinedAfterStarttls() {
    // CVE-2011-0411: a command injected before the TLS handshake must never be executed.
    SmtpLineDecoder decoder = new SmtpLineDecoder(RFC_MAX);
    decoder.offer(bytes("STARTTLS\r\nRSET\r\nMAIL FROM:<evil@x>\r\n"));
    assertEquals(Optional.of(new Line("STARTTLS")), decoder.next());
    assertEquals("RSET\r\nMAIL FROM:<evil@x>\r\n".length(), decoder.discardBuffered());
    assertEquals(Optional.empty(), decoder.next());
    assertEquals(List.of(new Line("EHLO a")), decoder.feed(bytes("EHLO a\r\n")));
  }

  @Test
  void forgetsAnOverlongLineInProgressWhenDiscarded() {
    SmtpLineDecoder decoder = new SmtpLineDecoder(MAX);
    assertEquals(List.of(new LineTooLong()), decoder.feed(bytes("y".repeat(MAX + 5))));
    // The overlong bytes were dropped when LineTooLong was reported; nothing is left to discard.
    assertEquals(0, decoder.discardBuffered());
    assertEquals(List.of(new Line("NOOP")), decoder.feed(bytes("NOOP\r\n")));
  }

  @Test
  void neverEmitsTooLongForAShortLineAfterAnOverlongOne() {
    List<Event> events = whole(MAX, "z".repeat(3 * MAX) + "\n" + "z".repeat(MAX) + "\r\n");
    assertEquals(List.of(new LineTooLong(), new Line("z".repeat(MAX))), events);
  }
}
