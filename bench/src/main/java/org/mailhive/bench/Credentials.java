package org.mailhive.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A user the bench logs in as (and, for smtp, sends to: the user name is the address). From the command line as
 * {@code user:password} or {@code user} plus a password file, or from a users file with one
 * {@code user password} (or {@code user:password}) per line; blank lines and {@code #} comments are skipped.
 */
public record Credentials(String user, String password) {
  @Override
  public String toString() {
    return user; // never the password: results and logs print users
  }

  public static List<Credentials> from(List<String> users, Path passwordFile, Path usersFile) throws IOException {
    List<Credentials> out = new ArrayList<>();
    String sharedPassword = passwordFile == null ? null
        : Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
    for (String u : users) {
      int colon = u.lastIndexOf(':');
      if (colon > 0) {
        out.add(new Credentials(u.substring(0, colon), u.substring(colon + 1)));
      } else if (sharedPassword != null) {
        out.add(new Credentials(u, sharedPassword));
      } else {
        throw new IllegalArgumentException("user " + u + " has no password: give USER:PASSWORD or --password-file");
      }
    }
    if (usersFile != null) {
      for (String line : Files.readAllLines(usersFile, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        String[] parts = t.split("\\s+", 2);
        if (parts.length == 2) {
          out.add(new Credentials(parts[0], parts[1]));
        } else {
          int colon = t.lastIndexOf(':');
          if (colon <= 0) {
            throw new IllegalArgumentException(usersFile + ": expected 'user password' per line");
          }
          out.add(new Credentials(t.substring(0, colon), t.substring(colon + 1)));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no users: give --user or --users-file");
    }
    return out;
  }
}
