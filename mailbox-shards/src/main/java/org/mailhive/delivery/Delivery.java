package org.mailhive.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import org.mailhive.blob.BlobId;
import org.mailhive.blob.BlobProtocol;
import org.mailhive.blob.BlobStore;
import org.mailhive.blob.BodyChunks;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.mailbox.RequestId;
import org.mailhive.quota.Quotas;
import org.mailhive.shard.MailboxAddress;
import org.mailhive.shard.MailboxSharding;

/**
 * Puts a message into mailboxes: first the body to the store node of each recipient user's shard (durable there,
 * see {@link org.mailhive.blob.BlobEntity}), then one Append per mailbox to its entity (durable in the journal).
 * The returned stage completes only when every copy is durable, which is when SMTP may say 250 and IMAP may say
 * APPEND OK. A failure of any copy fails the whole stage, and the client retries; each Append carries its own
 * request id so that a retry by the session never doubles a message. Bodies are read back through the same
 * per-user entity ({@link #body}), so the node that received a message need not be the one that serves it.
 */
public final class Delivery {
  private final ActorSystem<?> system;
  private final MailboxSharding mailboxes;
  private final Duration timeout;
  private final int chunkSize;
  private final Executor io;
  private final Quotas quotas;

  /** @param quotas checked before every append; null: no quota is enforced */
  public Delivery(ActorSystem<?> system, MailboxSharding mailboxes, Duration timeout, int chunkSize, Quotas quotas) {
    this.system = system;
    this.mailboxes = mailboxes;
    this.timeout = timeout;
    this.chunkSize = chunkSize;
    this.io = ioExecutor(system);
    this.quotas = quotas;
  }

  public Delivery(ActorSystem<?> system, MailboxSharding mailboxes, Duration timeout, int chunkSize) {
    this(system, mailboxes, timeout, chunkSize, null);
  }

  /** What a copy that would take its user over quota gets instead of being stored. */
  public static final MailboxProtocol.Rejected OVER_QUOTA =
      new MailboxProtocol.Rejected(MailboxProtocol.Reason.OVER_QUOTA, "Mailbox full");

  public static Executor ioExecutor(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig("mailhive.storage.blob-dispatcher"));
  }

  /** The quotas every append is checked against, or null when none are enforced. */
  public Quotas quotas() {
    return quotas;
  }

  /** The executor for blocking or CPU-heavy work (disk, MIME parsing) that must not run on an actor's thread. */
  public Executor io() {
    return io;
  }

  /** What the mailbox keeps about a message besides its body. */
  public record Metadata(List<String> flags, long internalDate, String envelope, String bodyStructure, String body) {}

  /** Thrown (inside the failed stage) when a body could not be stored or found; the client sees a temporary error. */
  public static final class BodyUnavailable extends RuntimeException {
    public BodyUnavailable(String message) {
      super(message);
    }
  }

  /**
   * Appends the message to each mailbox; completes with the replies in the order of {@code targets}. If the
   * message does not fit the quota of a target's user, nothing is stored and every reply is {@link #OVER_QUOTA}.
   */
  public CompletionStage<List<MailboxProtocol.AppendReply>> append(ByteString message, Metadata meta,
                                                                   List<MailboxAddress> targets) {
    return admitted(targets, message.size()).thenCompose(fits -> {
      if (fits.size() < targets.stream().map(MailboxAddress::user).distinct().count()) {
        return CompletableFuture.completedFuture(targets.stream().<MailboxProtocol.AppendReply>map(t -> OVER_QUOTA).toList());
      }
      return appendUnchecked(message, meta, targets);
    });
  }

  /**
   * Appends several messages to one mailbox, all or none (RFC 3502 MULTIAPPEND): checks the quota for all of them
   * together, stores every body, and only then asks the mailbox for one {@link MailboxProtocol.AppendAll}. A body
   * that fails to store fails the stage before the mailbox changes; a body stored for a batch that is then refused
   * is unreferenced, as is any body whose append failed, and costs only space.
   */
  public CompletionStage<MailboxProtocol.AppendAllReply> appendAll(List<ByteString> messages, List<Metadata> metas,
                                                                   MailboxAddress target) {
    long bytes = messages.stream().mapToLong(ByteString::size).sum();
    CompletionStage<Boolean> fits = quotas == null ? CompletableFuture.completedFuture(true)
        : quotas.admits(target.user(), bytes, messages.size());
    return fits.thenCompose(ok -> {
      if (!ok) {
        return CompletableFuture.completedFuture(OVER_QUOTA);
      }
      List<CompletableFuture<BlobId>> stored = new ArrayList<>();
      for (ByteString message : messages) {
        stored.add(storeBodies(message, List.of(target)).toCompletableFuture());
      }
      return CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).thenCompose(v -> {
        List<MailboxProtocol.NewMessage> batch = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
          Metadata meta = metas.get(i);
          batch.add(new MailboxProtocol.NewMessage(stored.get(i).join().hex(), messages.get(i).size(), meta.flags(),
              meta.internalDate(), meta.envelope(), meta.bodyStructure(), meta.body()));
        }
        RequestId requestId = RequestId.random();
        return mailboxes.<MailboxProtocol.AppendAllReply>ask(target, 
            replyTo -> new MailboxProtocol.AppendAll(requestId, List.copyOf(batch), replyTo), timeout);
      });
    });
  }

  /**
   * Appends without a quota check: for the server's own notices (the quota warning), which are useless if a
   * full mailbox refuses them.
   */
  public CompletionStage<List<MailboxProtocol.AppendReply>> appendUnchecked(ByteString message, Metadata meta,
                                                                            List<MailboxAddress> targets) {
    return storeBodies(message, targets).thenCompose(blobId -> appendAll(blobId, message.size(), meta, targets));
  }

  /** The users of these targets that can take one more message of {@code size} octets. */
  private CompletionStage<Set<String>> admitted(List<MailboxAddress> targets, long size) {
    Set<String> users = new LinkedHashSet<>();
    targets.forEach(t -> users.add(t.user()));
    if (quotas == null) {
      return CompletableFuture.completedFuture(users);
    }
    List<String> order = List.copyOf(users);
    List<CompletableFuture<Boolean>> checks = new ArrayList<>();
    for (String user : order) {
      checks.add(quotas.admits(user, size, 1).toCompletableFuture());
    }
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(v -> {
      Set<String> fit = new LinkedHashSet<>();
      for (int i = 0; i < order.size(); i++) {
        if (checks.get(i).join()) {
          fit.add(order.get(i));
        }
      }
      return fit;
    });
  }

  /** Stores the body once on the store node of each recipient user; completes with its id when all are durable. */
  private CompletionStage<BlobId> storeBodies(ByteString message, List<MailboxAddress> targets) {
    BlobId blobId = BlobStore.idOf(message);
    Set<String> users = new LinkedHashSet<>();
    targets.forEach(t -> users.add(t.user()));
    List<CompletableFuture<Void>> stored = new ArrayList<>();
    for (String user : users) {
      stored.add(storeBody(user, blobId, message).toCompletableFuture());
    }
    return CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).thenApply(v -> blobId);
  }

  /**
   * Stores a body with the bodies of {@code owner} (a user, or an outbound queue partition) on its store node and
   * that node's replica; completes with the body's id once it is durable there.
   */
  public CompletionStage<BlobId> store(String owner, ByteString message) {
    BlobId blobId = BlobStore.idOf(message);
    return storeBody(owner, blobId, message).thenApply(v -> blobId);
  }

  /** The body of a message of {@code user}, from the store node that keeps that user's bodies. */
  public CompletionStage<ByteString> body(String user, BlobId blobId) {
    return mailboxes.<BlobProtocol.GetReply>askBodies(user, r -> new BlobProtocol.Get(blobId.hex(), r), timeout)
        .thenCompose(reply -> {
          if (reply instanceof BlobProtocol.Body found) {
            return found.body().getSource().limitWeighted(found.size(), chunk -> (long) chunk.size())
                .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), ByteString::concat), system);
          }
          throw new BodyUnavailable("body " + blobId + " of " + user + " not found on its store node");
        });
  }

  private CompletionStage<Void> storeBody(String user, BlobId blobId, ByteString message) {
    // A fresh stream per attempt: a SourceRef can be consumed once.
    var ref = Source.from(BodyChunks.of(message, chunkSize)).runWith(StreamRefs.<ByteString>sourceRef(), system);
    return mailboxes.<BlobProtocol.PutReply>askBodies(user, 
            r -> new BlobProtocol.Put(blobId.hex(), message.size(), ref, r), timeout)
        .thenAccept(reply -> {
          if (!(reply instanceof BlobProtocol.Stored)) {
            throw new BodyUnavailable("body " + blobId + " of " + user + " not stored: "
                + ((BlobProtocol.NotStored) reply).detail());
          }
        });
  }

  /**
   * The outcome of one copy: the entity's reply, or the failure (timeout, shard unreachable) that stopped it.
   * LMTP answers each recipient from its own outcome (RFC 2033 §4.2).
   */
  public record Outcome(MailboxProtocol.AppendReply reply, Throwable failure) {
    /** The copy is in the outbound queue (journal and blob store, two nodes), not in a mailbox. */
    public static Outcome queued() {
      return new Outcome(null, null);
    }

    public boolean durable() {
      return failure == null && (reply == null || reply instanceof MailboxProtocol.Appended);
    }

    public boolean overQuota() {
      return reply instanceof MailboxProtocol.Rejected r && r.reason() == MailboxProtocol.Reason.OVER_QUOTA;
    }
  }

  /**
   * Like {@link #append}, but one copy failing does not fail the others: completes, once every copy is durable
   * or has failed, with one outcome per target in order. Fails as a whole only when the body cannot be stored.
   */
  public CompletionStage<List<Outcome>> appendEach(ByteString message, Metadata meta, List<MailboxAddress> targets) {
    return admitted(targets, message.size()).thenCompose(fits -> appendEach(message, meta, targets, fits));
  }

  /** A target whose user is not in {@code fits} gets {@link #OVER_QUOTA}; its body is not stored for it. */
  private CompletionStage<List<Outcome>> appendEach(ByteString message, Metadata meta, List<MailboxAddress> targets,
                                                    Set<String> fits) {
    List<MailboxAddress> stored = targets.stream().filter(t -> fits.contains(t.user())).toList();
    CompletionStage<BlobId> body = stored.isEmpty() ? CompletableFuture.completedFuture(null) : storeBodies(message, stored);
    return body.thenCompose(blobId -> {
      List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
      for (MailboxAddress target : targets) {
        if (!fits.contains(target.user())) {
          outcomes.add(CompletableFuture.completedFuture(new Outcome(OVER_QUOTA, null)));
          continue;
        }
        outcomes.add(appendAll(blobId, message.size(), meta, List.of(target)).toCompletableFuture()
            .handle((r, ex) -> ex == null ? new Outcome(r.get(0), null) : new Outcome(null, ex)));
      }
      return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
          .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
    });
  }

  private CompletionStage<List<MailboxProtocol.AppendReply>> appendAll(BlobId blobId, long size, Metadata meta,
                                                                       List<MailboxAddress> targets) {
    List<CompletableFuture<MailboxProtocol.AppendReply>> replies = new ArrayList<>();
    for (MailboxAddress target : targets) {
      RequestId requestId = RequestId.random();
      replies.add(mailboxes.<MailboxProtocol.AppendReply>ask(target, 
          replyTo -> new MailboxProtocol.Append(requestId, blobId.hex(), size, meta.flags(), meta.internalDate(),
              meta.envelope(), meta.bodyStructure(), meta.body(), replyTo), timeout).toCompletableFuture());
    }
    return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
        .thenApply(v -> replies.stream().map(CompletableFuture::join).toList());
  }
}
