package org.mailhive.pop3.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class Pop3LineDecoderTest {

  private static List<Pop3LineDecoder.Event> split(Pop3LineDecoder d, String input, int at) {
    List<Pop3LineDecoder.Event> events = new ArrayList<>(d.feed(ByteString.fromString(input.substring(0, at))));
    events.addAll(d.feed(ByteString.fromString(input.substring(at))));
    return events;
  }

  @Test
  void decodesTheSameLinesWhereverTheInputIsSplit() {
    String input = "USER alice\r\nPASS secret word\r\nSTAT\nQUIT\r\n";
    List<Pop3LineDecoder.Event> expected = List.of(new Pop3LineDecoder.Line("USER alice"),
        new Pop3LineDecoder.Line("PASS secret word"), new Pop3LineDecoder.Line("STAT"), new Pop3LineDecoder.Line("QUIT"));
    for (int at = 0; at <= input.length(); at++) {
      assertEquals(expected, split(new Pop3LineDecoder(255), input, at), "split at " + at);
    }
  }

  @Test
  void acceptsALineOfExactlyTheLimitAndRejectsOneByteMore() {
    String max = "x".repeat(255);
    assertEquals(List.of(new Pop3LineDecoder.Line(max)), new Pop3LineDecoder(255).feed(ByteString.fromString(max + "\r\n")));
    assertEquals(List.of(new Pop3LineDecoder.Line(max.substring(1))),
        new Pop3LineDecoder(255).feed(ByteString.fromString(max.substring(1) + "\r\n")));
    assertEquals(List.of(new Pop3LineDecoder.LineTooLong(), new Pop3LineDecoder.Line("NOOP")),
        new Pop3LineDecoder(255).feed(ByteString.fromString(max + "x\r\nNOOP\r\n")));
  }

  @Test
  void anEnormousLineInManyChunksYieldsOneErrorAndDecodingResumes() {
    Pop3LineDecoder d = new Pop3LineDecoder(255);
    List<Pop3LineDecoder.Event> events = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      events.addAll(d.feed(ByteString.fromString("y".repeat(1000))));
    }
    events.addAll(d.feed(ByteString.fromString("\r\nQUIT\r\n")));
    assertEquals(List.of(new Pop3LineDecoder.LineTooLong(), new Pop3LineDecoder.Line("QUIT")), events);
  }
}
