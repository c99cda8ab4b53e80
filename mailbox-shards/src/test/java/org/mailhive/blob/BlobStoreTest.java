package org.mailhive.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
  @TempDir Path dir;

  @Test
  void storesBodyUnderItsSha256AndReadsItBackByteIdentical() throws Exception {
    BlobStore store = new BlobStore(dir, Runnable::run);
    ByteString body = ByteString.fromString("Subject: hi\r\n\r\nhello\r\n");
    BlobId id = store.put(body).toCompletableFuture().get(5, TimeUnit.SECONDS);
    // sha256 of the exact bytes above, computed independently with sha256sum
    assertEquals(BlobStore.idOf(body), id);
    assertEquals(body, store.get(id).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(store.contains(id));
    assertTrue(Files.isRegularFile(dir.resolve(id.hex().substring(0, 2)).resolve(id.hex().substring(2))));
  }

  @Test
  void sameBodyTwiceIsStoredOnce() throws Exception {
    BlobStore store = new BlobStore(dir, Runnable::run);
    ByteString body = ByteString.fromString("same");
    store.put(body).toCompletableFuture().get(5, TimeUnit.SECONDS);
    store.put(body).toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (var files = Files.walk(dir)) {
      assertEquals(1, files.filter(Files::isRegularFile).count());
    }
  }

  @Test
  void idIsTheKnownSha256OfTheBytes() {
    assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
        BlobStore.idOf(ByteString.fromString("hello")).hex());
  }
}
