package org.mailhive.net;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * COMPRESS=DEFLATE (RFC 4978) for one connection: a raw DEFLATE stream (RFC 1951, no zlib header or checksum, so
 * {@code nowrap}) in each direction, running inside TLS when TLS is on (RFC 4978 §4: compress, then encrypt).
 *
 * <p>Output: the session's replies are collected by {@link #write} and compressed at {@link #flush}, which ends
 * with a sync flush (RFC 4978 §4: "the output must be flushed at the end of each response"), so every byte the
 * client waits for can be inflated at once, while a batch of untagged lines still shares one deflate block.
 *
 * <p>Input: bytes from the network are kept and inflated in steps of at most {@link #MAX_INFLATE_STEP} bytes, so
 * a small compressed chunk that expands enormously (a deflate bomb) never sits in memory whole: the connection asks
 * for the next step only when the session wants more input, as it does with network reads.
 *
 * <p>Not thread-safe: one connection actor owns it. {@link #end()} frees the zlib memory (about 300 KiB).
 */
public final class DeflateLayer {
  /**
   * Most plaintext one {@link #inflate} call returns. Large enough that an APPEND literal arrives in few steps,
   * small enough that an expanding input cannot make the server hold more than this per connection beyond its limits.
   */
  public static final int MAX_INFLATE_STEP = 64 * 1024;

  /** zlib's default level, the one Dovecot uses: most of the gain for mail text at a modest CPU cost. */
  private static final int LEVEL = 6;
  private static final int OUTPUT_STEP = 16 * 1024;

  private final Deflater deflater = new Deflater(LEVEL, true);
  private final Inflater inflater = new Inflater(true);
  private final byte[] outBuf = new byte[OUTPUT_STEP];
  private ByteStringBuilder toCompress = new ByteStringBuilder();
  /** Compressed input not yet handed to the inflater. */
  private ByteString compressedIn = ByteString.emptyByteString();
  /** The array the inflater reads; kept referenced because Inflater.setInput does not copy it. */
  private byte[] inflaterInput;
  private boolean inflaterDone;
  /**
   * The last step stopped at its maximum. zlib may then have consumed all input yet still owe output (the rest of a
   * back-reference), which {@link Inflater#needsInput()} does not show, so one more step is due.
   */
  private boolean lastStepFull;

  /** Queues plaintext for the client; it is compressed at the next {@link #flush}. */
  public void write(ByteString plaintext) {
    toCompress.append(plaintext);
  }

  /** True when {@link #write} queued bytes that {@link #flush} has not compressed yet. */
  public boolean hasUnflushed() {
    return toCompress.length() > 0;
  }

  /** Compresses everything written since the last call and ends with a sync flush; empty if nothing was written. */
  public ByteString flush() {
    if (toCompress.length() == 0) {
      return ByteString.emptyByteString();
    }
    byte[] input = toCompress.result().toArrayUnsafe();
    toCompress = new ByteStringBuilder();
    deflater.setInput(input);
    ByteStringBuilder out = new ByteStringBuilder();
    int n;
    // Deflater.deflate with SYNC_FLUSH returns a full buffer while it has more to give; a short read means done.
    do {
      n = deflater.deflate(outBuf, 0, outBuf.length, Deflater.SYNC_FLUSH);
      out.putBytes(outBuf, 0, n);
    } while (n == outBuf.length);
    return out.result();
  }

  /** Keeps compressed bytes from the client until {@link #inflate} reads them. */
  public void received(ByteString compressed) {
    compressedIn = compressedIn.concat(compressed);
  }

  /** True when compressed input is waiting, or the inflater holds some it has not expanded yet. */
  public boolean hasPendingInput() {
    return !inflaterDone && (!compressedIn.isEmpty() || !inflater.needsInput() || lastStepFull);
  }

  /**
   * Inflates up to {@link #MAX_INFLATE_STEP} bytes of plaintext from what was received; empty when the input so far
   * ends inside a block.
   *
   * @throws DataFormatException the client's bytes are not a raw DEFLATE stream; the connection must close.
   */
  public ByteString inflate() throws DataFormatException {
    ByteStringBuilder out = new ByteStringBuilder();
    byte[] buf = new byte[Math.min(MAX_INFLATE_STEP, OUTPUT_STEP)];
    while (out.length() < MAX_INFLATE_STEP && !inflaterDone) {
      if (inflater.needsInput()) {
        if (compressedIn.isEmpty()) {
          break;
        }
        inflaterInput = compressedIn.toArray();
        compressedIn = ByteString.emptyByteString();
        inflater.setInput(inflaterInput);
      }
      int n = inflater.inflate(buf, 0, Math.min(buf.length, MAX_INFLATE_STEP - out.length()));
      out.putBytes(buf, 0, n);
      if (inflater.finished()) {
        // RFC 4978 has no end of stream before the connection's end; a final block means the client stopped
        // compressing, and whatever follows it cannot be read.
        inflaterDone = true;
      } else if (n == 0 && inflater.needsInput() && compressedIn.isEmpty()) {
        break;
      } else if (n == 0 && !inflater.needsInput()) {
        if (inflater.needsDictionary()) {
          throw new DataFormatException("a preset dictionary is not part of RFC 4978");
        }
        break;
      }
    }
    lastStepFull = out.length() >= MAX_INFLATE_STEP;
    return out.result();
  }

  /** Frees the native zlib state; the layer cannot be used afterwards. */
  public void end() {
    deflater.end();
    inflater.end();
  }
}
