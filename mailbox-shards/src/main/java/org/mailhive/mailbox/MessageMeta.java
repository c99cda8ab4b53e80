package org.mailhive.mailbox;

import java.util.List;

/**
 * What a mailbox knows of one message: everything FETCH needs except the body, which stays in the blob store.
 * The envelope, body structure and body (structure without extension data) are rendered once at delivery (IMAP syntax) so no FETCH re-parses MIME.
 */
public record MessageMeta(long uid, long modSeq, List<String> flags, long size, long internalDate, String blobId,
                          String envelope, String bodyStructure, String body) {
  public MessageMeta withFlags(List<String> newFlags, long newModSeq) {
    return new MessageMeta(uid, newModSeq, newFlags, size, internalDate, blobId, envelope, bodyStructure, body);
  }

  public boolean hasFlag(String flag) {
    for (String f : flags) {
      if (f.equalsIgnoreCase(flag)) {
        return true;
      }
    }
    return false;
  }
}
