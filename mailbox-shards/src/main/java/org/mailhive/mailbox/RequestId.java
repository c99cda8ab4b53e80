package org.mailhive.mailbox;

import java.util.UUID;

/** Names one write so that a retry after a shard hand-off or timeout is recognised and not applied twice. */
public record RequestId(String value) {
  public static RequestId random() {
    return new RequestId(UUID.randomUUID().toString());
  }
}
