package org.mailhive.directory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailhive.directory.DirectoryEntry.Alias;
import org.mailhive.directory.DirectoryEntry.Domain;
import org.mailhive.directory.DirectoryEntry.Kind;
import org.mailhive.directory.DirectoryEntry.MailingList;
import org.mailhive.directory.DirectoryEntry.User;

/**
 * Reads the tables of a classic Postfix + Dovecot setup into directory entries: Dovecot's passwd-file
 * ({@code user:{SCHEME}hash:uid:gid:gecos:home:shell:extra fields}) and Postfix's aliases(5) ({@code name: a, b})
 * and virtual(5) ({@code address a, b}; a bare domain on the left declares a hosted domain; {@code @domain} is its
 * catch-all). Bad lines are reported with their number and skipped; nothing is written here.
 */
public final class DirectoryImport {
  private DirectoryImport() {}

  /** Entries keyed as in the replicated map, plus one message per line that was skipped. */
  public record Result(Map<String, String> entries, List<String> warnings, int users, int aliases, int lists, int domains) {}

  // Dovecot's userdb_quota_rule=*:storage=1G / *:messages=1000 (quota plugin syntax).
  private static final Pattern QUOTA_STORAGE = Pattern.compile("\\*:(?:storage|bytes)=(\\d+)([kKmMgGtT]?)");
  private static final Pattern QUOTA_MESSAGES = Pattern.compile("\\*:messages=(\\d+)");

  /** A passwd-file; users without a domain get {@code defaultDomain} (null: such lines are skipped). */
  public static Result passwdFile(String text, String defaultDomain) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    int n = 0;
    int users = 0;
    for (String line : text.split("\r?\n")) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(":", -1);
      if (f.length < 2 || f[0].isBlank() || f[1].isBlank()) {
        warnings.add("line " + n + ": needs user:password");
        continue;
      }
      try {
        String address = qualify(f[0], defaultDomain);
        String hash = f[1];
        String scram = null;
        if (hash.startsWith("{PLAIN}") || hash.startsWith("{CLEAR}") || hash.startsWith("{CLEARTEXT}")) {
          // Plain text is not kept: hash it now, as a new password would be (SCRAM credentials too).
          String plain = hash.substring(hash.indexOf('}') + 1);
          hash = PasswordHash.hash(plain);
          scram = ScramCredentials.derive(plain);
        }
        String gecos = f.length > 4 ? f[4] : "";
        long quotaBytes = 0;
        long quotaMessages = 0;
        boolean active = true;
        String extra = f.length > 7 ? String.join(":", java.util.Arrays.copyOfRange(f, 7, f.length)) : "";
        Matcher qs = QUOTA_STORAGE.matcher(extra);
        if (qs.find()) {
          quotaBytes = Long.parseLong(qs.group(1)) * unit(qs.group(2));
        }
        Matcher qm = QUOTA_MESSAGES.matcher(extra);
        if (qm.find()) {
          quotaMessages = Long.parseLong(qm.group(1));
        }
        if (extra.contains("nologin") || extra.contains("allow_nets=none")) {
          active = false;
        }
        out.put(Kind.USER.key(address), DirectoryEntry.encode(new User(address, gecos, hash, active, quotaBytes, quotaMessages, null, scram)));
        String domain = DirectoryEntry.domainOf(address);
        out.putIfAbsent(Kind.DOMAIN.key(domain), DirectoryEntry.encode(new Domain(domain, false, null)));
        users++;
      } catch (IllegalArgumentException e) {
        warnings.add("line " + n + ": " + e.getMessage());
      }
    }
    return new Result(out, warnings, users, 0, 0, countDomains(out));
  }

  /**
   * A Postfix aliases or virtual file. One target makes a one-to-one alias, several make a list. Local names
   * without a domain get {@code defaultDomain}. Pipes, files and :include: are refused: we deliver to mailboxes.
   */
  public static Result aliasFile(String text, String defaultDomain) {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, String> catchAlls = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    int aliases = 0;
    int lists = 0;
    // aliases(5): a line starting with white space continues the previous one.
    List<String[]> logical = new ArrayList<>();
    int n = 0;
    for (String line : text.split("\r?\n")) {
      n++;
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) && !logical.isEmpty()) {
        String[] last = logical.get(logical.size() - 1);
        last[0] = last[0] + " " + line.trim();
      } else {
        logical.add(new String[] {line.trim(), String.valueOf(n)});
      }
    }
    for (String[] l : logical) {
      String line = l[0];
      String where = "line " + l[1] + ": ";
      Matcher m = Pattern.compile("^([^\\s:]+)(?::\\s*|\\s+)(.*)$").matcher(line);
      if (!m.matches() || m.group(2).isBlank()) {
        warnings.add(where + "needs a name and at least one target");
        continue;
      }
      String key = m.group(1).toLowerCase(Locale.ROOT);
      List<String> targets = new ArrayList<>();
      boolean bad = false;
      for (String t : m.group(2).split("[,\\s]+")) {
        if (t.isEmpty()) {
          continue;
        }
        if (t.startsWith("|") || t.startsWith("/") || t.startsWith(":include:") || t.startsWith("\"")) {
          warnings.add(where + "pipes, files and :include: are not imported: " + t);
          bad = true;
          break;
        }
        targets.add(t);
      }
      if (bad || targets.isEmpty()) {
        continue;
      }
      try {
        boolean aliasesSyntax = line.startsWith(m.group(1) + ":");
        if (!key.contains("@") && !aliasesSyntax && key.contains(".")) {
          // virtual(5): "example.org anything" declares a virtual alias domain.
          String domain = DirectoryEntry.requireDomain(key);
          out.put(Kind.DOMAIN.key(domain), DirectoryEntry.encode(new Domain(domain, false, null)));
          continue;
        }
        if (key.startsWith("@")) {
          String domain = DirectoryEntry.requireDomain(key.substring(1));
          catchAlls.put(domain, qualify(targets.get(0), defaultDomain));
          continue;
        }
        String address = qualify(key, defaultDomain);
        List<String> members = new ArrayList<>();
        for (String t : targets) {
          members.add(qualify(t, defaultDomain));
        }
        if (members.size() == 1) {
          out.put(Kind.ALIAS.key(address), DirectoryEntry.encode(new Alias(address, members.get(0))));
          aliases++;
        } else {
          out.put(Kind.LIST.key(address), DirectoryEntry.encode(new MailingList(address, List.copyOf(members))));
          lists++;
        }
        String domain = DirectoryEntry.domainOf(address);
        out.putIfAbsent(Kind.DOMAIN.key(domain), DirectoryEntry.encode(new Domain(domain, false, null)));
      } catch (IllegalArgumentException e) {
        warnings.add(where + e.getMessage());
      }
    }
    catchAlls.forEach((domain, target) ->
        out.put(Kind.DOMAIN.key(domain), DirectoryEntry.encode(new Domain(domain, false, target))));
    return new Result(out, warnings, 0, aliases, lists, countDomains(out));
  }

  private static int countDomains(Map<String, String> out) {
    return (int) out.keySet().stream().filter(k -> k.startsWith(Kind.DOMAIN.prefix)).count();
  }

  private static String qualify(String name, String defaultDomain) {
    String n = name.trim();
    if (!n.contains("@")) {
      if (defaultDomain == null || defaultDomain.isBlank()) {
        throw new IllegalArgumentException("\"" + n + "\" has no domain and no default domain was given");
      }
      n = n + "@" + DirectoryEntry.requireDomain(defaultDomain);
    }
    return DirectoryEntry.requireAddress(n);
  }

  private static long unit(String u) {
    return switch (u.toUpperCase(Locale.ROOT)) {
      case "K" -> 1024L;
      case "M" -> 1024L * 1024;
      case "G" -> 1024L * 1024 * 1024;
      case "T" -> 1024L * 1024 * 1024 * 1024;
      default -> 1L;
    };
  }
}
