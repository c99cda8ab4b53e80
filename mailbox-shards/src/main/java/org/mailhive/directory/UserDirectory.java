package org.mailhive.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and their password hashes, so that RCPT checks and logins are local reads. This first version keeps them
 * in a passwd-style file ({@code address:hash}, mode 0600) on the node; the replicated directory with domains,
 * aliases and quotas (Pekko Distributed Data) replaces it in #5. Addresses are matched case-insensitively
 * (RFC 5321 §2.4 allows treating local parts case-sensitively, but no mail system our users migrate from does).
 */
public final class UserDirectory {
  private final Path file;
  private final Map<String, String> hashes = new ConcurrentHashMap<>();

  private UserDirectory(Path file) {
    this.file = file;
  }

  public static UserDirectory open(Path file) {
    UserDirectory d = new UserDirectory(file);
    if (Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int colon = line.indexOf(':');
          if (colon > 0 && !line.startsWith("#")) {
            d.hashes.put(canonical(line.substring(0, colon)), line.substring(colon + 1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read user directory " + file, e);
      }
    }
    return d;
  }

  public static String canonical(String address) {
    return address.trim().toLowerCase(Locale.ROOT);
  }

  /** The canonical user name for an address, if it is a local user. */
  public Optional<String> user(String address) {
    String c = canonical(address);
    return hashes.containsKey(c) ? Optional.of(c) : Optional.empty();
  }

  /** True if some user has an address in this address's domain: mail there is ours to accept or refuse. */
  public boolean isLocalDomain(String address) {
    String c = canonical(address);
    String domain = c.substring(c.lastIndexOf('@') + 1);
    return hashes.keySet().stream().anyMatch(u -> u.endsWith("@" + domain));
  }

  /**
   * The canonical user when the password is right. Takes the same time whether or not the user exists, so the
   * timing does not tell a client which users there are.
   */
  public Optional<String> authenticate(String login, String password) {
    String c = canonical(login);
    String stored = hashes.get(c);
    if (stored == null) {
      PasswordHash.verifyDummy(password);
      return Optional.empty();
    }
    return PasswordHash.verify(stored, password) ? Optional.of(c) : Optional.empty();
  }

  public synchronized void setPassword(String address, String password) {
    String c = canonical(address);
    if (c.isEmpty() || c.contains(":") || c.contains("|") || c.indexOf('@') <= 0) {
      throw new IllegalArgumentException("not a valid user address: " + address);
    }
    hashes.put(c, PasswordHash.hash(password));
    save();
  }

  /**
   * Gives several users one stored hash (the demo users, who share a password): one Argon2id run instead of one
   * per user, and one rewrite of the file.
   */
  public synchronized void setPasswordHash(List<String> addresses, String hash) {
    for (String address : addresses) {
      String c = canonical(address);
      if (c.isEmpty() || c.contains(":") || c.contains("|") || c.indexOf('@') <= 0) {
        throw new IllegalArgumentException("not a valid user address: " + address);
      }
      hashes.put(c, hash);
    }
    save();
  }

  /** True if every address is a user whose password is this one (checks one hash per distinct stored hash). */
  public boolean allHavePassword(List<String> addresses, String password) {
    Map<String, Boolean> verified = new java.util.HashMap<>();
    for (String address : addresses) {
      String stored = hashes.get(canonical(address));
      if (stored == null || !verified.computeIfAbsent(stored, h -> PasswordHash.verify(h, password))) {
        return false;
      }
    }
    return true;
  }

  private void save() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      List<String> lines = hashes.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .map(e -> e.getKey() + ":" + e.getValue()).toList();
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write user directory " + file, e);
    }
  }
}
