package org.mailhive.blob;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.util.ByteString;
import org.mailhive.serialization.CborSerializable;

/**
 * Commands a {@link BlobEntity} accepts. Bodies travel as streams of chunks ({@link SourceRef}), never as one
 * remote message: a 50 MB body would not fit Artery's frame, and a stream gives back-pressure between nodes.
 */
public final class BlobProtocol {
  private BlobProtocol() {}

  public sealed interface Command extends CborSerializable permits Put, Get {}

  /**
   * Pulls the body from {@code body} and stores it durably on this node; replies {@link Stored} only after the
   * fsync, and only if the bytes have exactly {@code size} octets and the SHA-256 {@code blobId}.
   */
  public record Put(String blobId, long size, SourceRef<ByteString> body, ActorRef<PutReply> replyTo)
      implements Command {}

  public record Get(String blobId, ActorRef<GetReply> replyTo) implements Command {}

  public sealed interface PutReply extends CborSerializable permits Stored, NotStored {}

  public record Stored(String blobId) implements PutReply {}

  /** The body was not stored; the sender answers with a temporary error, and the client retries. */
  public record NotStored(String blobId, String detail) implements PutReply {}

  public sealed interface GetReply extends CborSerializable permits Body, Missing {}

  public record Body(String blobId, long size, SourceRef<ByteString> body) implements GetReply {}

  public record Missing(String blobId) implements GetReply {}
}
