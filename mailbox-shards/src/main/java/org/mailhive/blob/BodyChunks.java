package org.mailhive.blob;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/** Cuts a body into chunks small enough for one remote message each (see {@link BlobProtocol}). */
public final class BodyChunks {
  private BodyChunks() {}

  public static List<ByteString> of(ByteString body, int chunkSize) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunk size must be positive");
    }
    List<ByteString> chunks = new ArrayList<>(body.size() / chunkSize + 1);
    for (int from = 0; from < body.size(); from += chunkSize) {
      // compact(): a slice would drag the whole body along when serialized locally and keep it alive.
      chunks.add(body.slice(from, Math.min(body.size(), from + chunkSize)).compact());
    }
    return chunks;
  }
}
