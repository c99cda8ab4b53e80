package org.mailhive.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeflateLayerTest {
  private final DeflateLayer layer = new DeflateLayer();

  @AfterEach
  void end() {
    layer.end();
  }

  /** A client's raw DEFLATE stream (RFC 1951, no zlib wrapper) with a sync flush after {@code text}. */
  private static byte[] clientDeflate(Deflater d, byte[] text) {
    d.setInput(text);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    do {
      n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      out.write(buf, 0, n);
    } while (n == buf.length);
    return out.toByteArray();
  }

  private ByteString inflateAll() throws DataFormatException {
    ByteStringBuilder all = new ByteStringBuilder();
    while (layer.hasPendingInput()) {
      ByteString step = layer.inflate();
      assertTrue(step.size() <= DeflateLayer.MAX_INFLATE_STEP, "step of " + step.size());
      if (step.isEmpty()) {
        break;
      }
      all.append(step);
    }
    return all.result();
  }

  @Test
  void eachFlushedBatchInflatesCompletelyOnTheClientWithoutWaitingForMore() throws Exception {
    Inflater client = new Inflater(true);
    for (String batch : new String[] {"* OK [CAPABILITY IMAP4rev1] ready\r\n", "a1 OK done\r\n", "* 3 EXISTS\r\n"}) {
      layer.write(ByteString.fromString(batch, StandardCharsets.US_ASCII));
      assertTrue(layer.hasUnflushed());
      byte[] wire = layer.flush().toArray();
      assertFalse(layer.hasUnflushed());
      // RFC 4978 §4: the sync flush ends in the empty stored block 00 00 FF FF.
      assertArrayEquals(new byte[] {0, 0, (byte) 0xff, (byte) 0xff},
          java.util.Arrays.copyOfRange(wire, wire.length - 4, wire.length));
      client.setInput(wire);
      byte[] plain = new byte[1024];
      int n = client.inflate(plain);
      assertEquals(batch, new String(plain, 0, n, StandardCharsets.US_ASCII));
    }
    assertTrue(layer.flush().isEmpty(), "nothing written, nothing sent");
    client.end();
  }

  @Test
  void inflatesTheClientsStreamWhateverItsSplit() throws Exception {
    byte[] text = "a1 SELECT INBOX\r\na2 FETCH 1:* (FLAGS)\r\n".getBytes(StandardCharsets.US_ASCII);
    Deflater client = new Deflater(6, true);
    byte[] wire = clientDeflate(client, text);
    client.end();
    for (int split = 0; split <= wire.length; split++) {
      DeflateLayer fresh = new DeflateLayer();
      ByteStringBuilder got = new ByteStringBuilder();
      fresh.received(ByteString.fromArray(wire, 0, split));
      got.append(fresh.inflate());
      fresh.received(ByteString.fromArray(wire, split, wire.length - split));
      while (fresh.hasPendingInput()) {
        ByteString step = fresh.inflate();
        if (step.isEmpty()) {
          break;
        }
        got.append(step);
      }
      assertArrayEquals(text, got.result().toArray(), "split at " + split);
      fresh.end();
    }
  }

  @Test
  void aDeflateBombIsInflatedInBoundedStepsOnlyAsTheyAreAskedFor() throws Exception {
    byte[] zeros = new byte[10 * 1024 * 1024];
    Deflater client = new Deflater(9, true);
    byte[] wire = clientDeflate(client, zeros);
    client.end();
    assertTrue(wire.length < 64 * 1024, "the bomb is small: " + wire.length);
    layer.received(ByteString.fromArray(wire));
    ByteString first = layer.inflate();
    assertEquals(DeflateLayer.MAX_INFLATE_STEP, first.size());
    assertTrue(layer.hasPendingInput(), "the rest waits until asked for");
    assertEquals(zeros.length - first.size(), inflateAll().size());
    assertFalse(layer.hasPendingInput());
  }

  @Test
  void bytesThatAreNotDeflateAreRefused() {
    layer.received(ByteString.fromString("a1 NOOP\r\n", StandardCharsets.US_ASCII));
    assertThrows(DataFormatException.class, layer::inflate);
  }
}
