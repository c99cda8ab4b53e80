package org.mailhive.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.util.ByteString;

/**
 * Message bodies on disk, named by their SHA-256 ({@code blobs/ab/cdef…}). A body is written to a temporary file,
 * fsynced, renamed into place and the directory fsynced, so once {@link #put} completes the body survives a
 * crash or power loss; the same body delivered twice is stored once. Files are never changed after the rename,
 * and deletion is left to a later garbage collection (a body may be shared by many messages and users).
 * All disk work runs on the executor given, never on an actor's thread.
 */
public final class BlobStore {
  private static final int FANOUT_CHARS = 2;
  private final Path root;
  private final Path tmp;
  private final Executor io;

  public BlobStore(Path root, Executor io) {
    this.root = root;
    this.tmp = root.resolve("tmp");
    this.io = io;
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create blob store at " + root, e);
    }
  }

  /** The directory of the bodies; other per-node blob state (the pending copies) lives beside them. */
  public Path root() {
    return root;
  }

  /** The executor of this store's disk work. */
  public Executor io() {
    return io;
  }

  public static BlobId idOf(ByteString body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (ByteBuffer b : body.getByteBuffers()) {
        sha.update(b);
      }
      return new BlobId(HexFormat.of().formatHex(sha.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }

  /** Durably stores the body; completes with its id once it is on disk. */
  public CompletionStage<BlobId> put(ByteString body) {
    return CompletableFuture.supplyAsync(() -> putBlocking(body), io);
  }

  public CompletionStage<ByteString> get(BlobId id) {
    return CompletableFuture.supplyAsync(() -> getBlocking(id), io);
  }

  public boolean contains(BlobId id) {
    return Files.exists(pathOf(id));
  }

  BlobId putBlocking(ByteString body) {
    BlobId id = idOf(body);
    Path target = pathOf(id);
    if (Files.exists(target)) {
      return id;
    }
    Path temp = tmp.resolve(UUID.randomUUID().toString());
    try {
      Files.createDirectories(target.getParent());
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (ByteBuffer b : body.getByteBuffers()) {
          while (b.hasRemaining()) {
            ch.write(b);
          }
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      fsyncDirectory(target.getParent());
      return id;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the temporary file is garbage either way; the write failure below is what matters
      }
      throw new UncheckedIOException("blob write failed for " + id, e);
    }
  }

  ByteString getBlocking(BlobId id) {
    try {
      return ByteString.fromArrayUnsafe(Files.readAllBytes(pathOf(id)));
    } catch (IOException e) {
      throw new UncheckedIOException("blob read failed for " + id, e);
    }
  }

  private Path pathOf(BlobId id) {
    return root.resolve(id.hex().substring(0, FANOUT_CHARS)).resolve(id.hex().substring(FANOUT_CHARS));
  }

  // The rename is durable only once the directory entry is: fsync the directory (POSIX; a no-op elsewhere).
  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
