package org.mailhive.pop3.response;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class Pop3EncoderTest {

  private static String retr(String message) {
    return Pop3Encoder.message("3 octets", ByteString.fromString(message)).utf8String();
  }

  @Test
  void byteStuffsEveryLineThatStartsWithADot() {
    assertEquals("+OK 3 octets\r\nA: b\r\n\r\n..\r\n..hidden\r\nx.\r\n...\r\n.\r\n",
        retr("A: b\r\n\r\n.\r\n.hidden\r\nx.\r\n..\r\n"));
  }

  @Test
  void endsAMessageWithoutFinalCrlfOnALineOfItsOwn() {
    assertEquals("+OK 3 octets\r\nA: b\r\n\r\nlast\r\n.\r\n", retr("A: b\r\n\r\nlast"));
  }

  @Test
  void writesBareLfAsCrlf() {
    assertEquals("+OK 3 octets\r\nA: b\r\n\r\n..x\r\n.\r\n", retr("A: b\n\n.x\n"));
  }

  @Test
  void topSendsTheHeaderTheBlankLineAndTheFirstLinesOfTheBody() {
    ByteString message = ByteString.fromString("A: 1\r\nB: 2\r\n\r\none\r\n.two\r\nthree\r\n");
    assertEquals("+OK\r\nA: 1\r\nB: 2\r\n\r\n.\r\n", Pop3Encoder.top("", message, 0).utf8String());
    assertEquals("+OK\r\nA: 1\r\nB: 2\r\n\r\none\r\n..two\r\n.\r\n", Pop3Encoder.top("", message, 2).utf8String());
    assertEquals(retr(message.utf8String()).replace("+OK 3 octets", "+OK"),
        Pop3Encoder.top("", message, 1000).utf8String());
  }

  @Test
  void multiLineListsAreStuffedAndTerminated() {
    assertEquals("+OK Capability list follows\r\nTOP\r\n..odd\r\n.\r\n",
        Pop3Encoder.multiLine("Capability list follows", List.of("TOP", ".odd")).utf8String());
    assertTrue(Pop3Encoder.err(Pop3Reply.AUTH_FAILED).utf8String().startsWith("-ERR [AUTH] "));
  }
}
