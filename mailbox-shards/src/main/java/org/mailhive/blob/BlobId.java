package org.mailhive.blob;

import java.util.regex.Pattern;

/** The SHA-256 of a message body, lower-case hex: a body's name in the {@link BlobStore}. */
public record BlobId(String hex) {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public BlobId {
    if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a sha-256 hex digest");
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
