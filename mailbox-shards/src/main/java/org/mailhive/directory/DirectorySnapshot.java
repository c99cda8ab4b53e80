package org.mailhive.directory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mailhive.directory.DirectoryEntry.Alias;
import org.mailhive.directory.DirectoryEntry.Domain;
import org.mailhive.directory.DirectoryEntry.Kind;
import org.mailhive.directory.DirectoryEntry.MailingList;
import org.mailhive.directory.DirectoryEntry.User;

/** An immutable view of the whole directory, decoded once per change so that every lookup is a map read. */
public final class DirectorySnapshot {
  /** Aliases and lists may point at each other; deeper than this is a loop or a mistake (Postfix stops at 100). */
  private static final int MAX_EXPANSION_DEPTH = 16;

  static final DirectorySnapshot EMPTY = new DirectorySnapshot(Map.of());

  final Map<String, String> raw;
  final Map<String, User> users = new HashMap<>();
  final Map<String, Domain> domains = new HashMap<>();
  final Map<String, Alias> aliases = new HashMap<>();
  final Map<String, MailingList> lists = new HashMap<>();
  private final Set<String> userDomains = new HashSet<>();

  DirectorySnapshot(Map<String, String> raw) {
    this.raw = Map.copyOf(raw);
    raw.forEach((key, json) -> {
      try {
        if (key.startsWith(Kind.USER.prefix)) {
          User u = DirectoryEntry.decode(json, User.class);
          users.put(u.address(), u);
          userDomains.add(DirectoryEntry.domainOf(u.address()));
        } else if (key.startsWith(Kind.DOMAIN.prefix)) {
          Domain d = DirectoryEntry.decode(json, Domain.class);
          domains.put(d.name(), d);
        } else if (key.startsWith(Kind.ALIAS.prefix)) {
          Alias a = DirectoryEntry.decode(json, Alias.class);
          aliases.put(a.address(), a);
        } else if (key.startsWith(Kind.LIST.prefix)) {
          MailingList l = DirectoryEntry.decode(json, MailingList.class);
          lists.put(l.address(), l);
        }
      } catch (IllegalArgumentException unreadable) {
        // Written by a newer node in a form we cannot read: skip the one entry rather than the directory.
      }
    });
  }

  DirectorySnapshot with(String key, String json) {
    Map<String, String> m = new HashMap<>(raw);
    if (json == null) {
      m.remove(key);
    } else {
      m.put(key, json);
    }
    return new DirectorySnapshot(m);
  }

  Optional<User> user(String canonical) {
    return Optional.ofNullable(users.get(canonical));
  }

  boolean isLocalDomain(String domain) {
    return domains.containsKey(domain) || userDomains.contains(domain);
  }

  /**
   * Where mail to an address goes: the active users it names, after aliases, lists and the catch-all, and the
   * addresses outside our domains that an alias or a list member points at ({@code remote}; they leave through the
   * outbound queue, as Postfix sends a virtual alias's remote target on).
   */
  public record Resolution(Outcome outcome, List<String> users, List<String> remote) {
    public Resolution(Outcome outcome, List<String> users) {
      this(outcome, users, List.of());
    }
  }

  public enum Outcome { DELIVER, INACTIVE, UNKNOWN }

  Resolution resolve(String canonical) {
    boolean sawInactive = false;
    Set<String> out = new LinkedHashSet<>();
    Set<String> remote = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String[]> todo = new ArrayDeque<>();
    todo.push(new String[] {canonical, "0"});
    boolean catchAllTried = false;
    while (!todo.isEmpty()) {
      String[] next = todo.pop();
      String a = next[0];
      int depth = Integer.parseInt(next[1]);
      if (!seen.add(a) || depth > MAX_EXPANSION_DEPTH) {
        continue;
      }
      User u = users.get(a);
      if (u != null) {
        if (u.active()) {
          out.add(a);
        } else {
          sawInactive = true;
        }
        continue;
      }
      Alias alias = aliases.get(a);
      if (alias != null) {
        todo.push(new String[] {alias.target(), String.valueOf(depth + 1)});
        continue;
      }
      MailingList list = lists.get(a);
      if (list != null) {
        List<String> members = new ArrayList<>(list.members());
        java.util.Collections.reverse(members);
        members.forEach(m -> todo.push(new String[] {m, String.valueOf(depth + 1)}));
        continue;
      }
      // RFC 5321 §2.4: only the address the sender named may fall to the catch-all, not an expanded member.
      Domain d = a.indexOf('@') > 0 ? domains.get(DirectoryEntry.domainOf(a)) : null;
      if (depth == 0 && !catchAllTried && d != null && d.catchAll() != null && !d.catchAll().isEmpty()) {
        catchAllTried = true;
        todo.push(new String[] {d.catchAll(), "1"});
      }
      // An expanded target in a domain that is not ours goes out; an unknown one of ours is dropped (no catch-all
      // for expanded members, as above).
      if (depth > 0 && a.indexOf('@') > 0 && !isLocalDomain(DirectoryEntry.domainOf(a))) {
        remote.add(a);
      }
    }
    if (!out.isEmpty() || !remote.isEmpty()) {
      return new Resolution(Outcome.DELIVER, List.copyOf(out), List.copyOf(remote));
    }
    return new Resolution(sawInactive ? Outcome.INACTIVE : Outcome.UNKNOWN, List.of());
  }

  /** True if the user may send as this address: its own, or a one-to-one alias that points at it. */
  boolean mayUse(String user, String address) {
    if (user.equals(address)) {
      return true;
    }
    Alias a = aliases.get(address);
    return a != null && user.equals(UserDirectory.canonical(a.target()));
  }
}
