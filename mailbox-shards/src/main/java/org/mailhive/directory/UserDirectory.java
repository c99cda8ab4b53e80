package org.mailhive.directory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.mailhive.directory.DirectoryEntry.Alias;
import org.mailhive.directory.DirectoryEntry.Domain;
import org.mailhive.directory.DirectoryEntry.Kind;
import org.mailhive.directory.DirectoryEntry.MailingList;
import org.mailhive.directory.DirectoryEntry.User;
import org.mailhive.directory.DirectorySnapshot.Resolution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, domains, aliases and lists, read synchronously from an in-memory snapshot so that RCPT checks and logins
 * are local reads (sessions call these from their actor thread). Once {@link #replicate} is called, the snapshot
 * follows one Pekko Distributed Data {@code LWWMap} ({@value #KEY_ID}), durable in LMDB on every node, and every
 * write goes to all nodes ({@code WriteAll}); a node that misses it gets it by gossip.
 *
 * <p>Before that, and in tests that prepare users before a node starts, the directory is the passwd-style file
 * {@code data/users} ({@code address:hash}, mode 0600). When the node starts, the users in that file that the
 * replicated directory does not have yet are added to it once, and the file is renamed {@code users.imported}, so
 * that a user deleted later is not brought back by the next start. Addresses are matched case-insensitively
 * (RFC 5321 §2.4 allows treating local parts case-sensitively, but no mail system our users migrate from does).
 */
public final class UserDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(UserDirectory.class);
  public static final String KEY_ID = "directory";
  public static final org.apache.pekko.cluster.ddata.Key<LWWMap<String, String>> KEY = LWWMapKey.create(KEY_ID);
  /** How long a write waits for every node to confirm before it reports "written here, still spreading". */
  private static final Duration WRITE_ALL_TIMEOUT = Duration.ofSeconds(3);

  private final Path file;
  private volatile DirectorySnapshot snapshot = DirectorySnapshot.EMPTY;
  private volatile Replicated replicated;
  private final CompletableFuture<Void> loaded = new CompletableFuture<>();

  private record Replicated(ActorSystem<?> system, ActorRef<Replicator.Command> replicator, SelfUniqueAddress self) {}

  /** How a write ended: {@code confirmed} if every node acknowledged it in time; otherwise it is still spreading. */
  public record WriteResult(boolean confirmed) {}

  private UserDirectory(Path file) {
    this.file = file;
  }

  public static UserDirectory open(Path file) {
    UserDirectory d = new UserDirectory(file);
    Map<String, String> entries = new HashMap<>();
    readFile(file).forEach((address, hash) -> entries.put(Kind.USER.key(address), DirectoryEntry.encode(fileUser(address, hash))));
    d.snapshot = new DirectorySnapshot(entries);
    return d;
  }

  private static User fileUser(String address, String hash) {
    return new User(address, "", hash, true, 0, 0, null);
  }

  private static Map<String, String> readFile(Path file) {
    Map<String, String> users = new LinkedHashMap<>();
    if (Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int colon = line.indexOf(':');
          if (colon > 0 && !line.startsWith("#")) {
            users.put(canonical(line.substring(0, colon)), line.substring(colon + 1));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read user directory " + file, e);
      }
    }
    return users;
  }

  public static String canonical(String address) {
    return address.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Switches this directory to the cluster's replicated one: imports the file's users it lacks (once), then
   * follows every change. Called once by the node as its actor system starts.
   */
  public void replicate(ActorSystem<?> system, ActorRef<Replicator.Command> replicator, SelfUniqueAddress self,
                        org.apache.pekko.actor.typed.javadsl.ActorContext<?> ctx) {
    Map<String, String> fromFile = new HashMap<>(snapshot.raw);
    replicated = new Replicated(system, replicator, self);
    if (!fromFile.isEmpty()) {
      // Sent before the subscription, so the first change the subscriber sees already holds these users.
      replicator.tell(new Replicator.Update<>(KEY, LWWMap.create(), Replicator.writeLocal(), ctx.getSystem().ignoreRef(),
          map -> {
            LWWMap<String, String> m = map;
            for (Map.Entry<String, String> e : fromFile.entrySet()) {
              if (!m.contains(e.getKey())) {
                m = m.put(self, e.getKey(), e.getValue());
              }
            }
            return m;
          }));
      try {
        Files.move(file, file.resolveSibling(file.getFileName() + ".imported"), StandardCopyOption.REPLACE_EXISTING);
        LOG.info("directory_file_imported users={} file={}", fromFile.size(), file);
      } catch (IOException e) {
        LOG.warn("directory_file_not_renamed file={} error=\"{}\"", file, e.getMessage());
      }
    }
    ctx.spawn(subscriber(replicator), "directory-subscriber");
  }

  @SuppressWarnings("unchecked")
  private Behavior<Object> subscriber(ActorRef<Replicator.Command> replicator) {
    return Behaviors.setup(ctx -> {
      replicator.tell(new Replicator.Subscribe<>(KEY, ctx.getSelf().narrow()));
      // The replicator answers only once it has loaded the durable copy (LMDB), so this reply marks the moment
      // the snapshot holds every user again after a restart; until then RCPT would refuse them as unknown.
      replicator.tell(new Replicator.Get<>(KEY, Replicator.readLocal(), ctx.getSelf().narrow()));
      return Behaviors.receiveMessage(msg -> {
        if (msg instanceof Replicator.Changed<?> changed) {
          snapshot = new DirectorySnapshot(((LWWMap<String, String>) changed.get(KEY)).getEntries());
          loaded.complete(null);
        } else if (msg instanceof Replicator.GetSuccess<?> got) {
          snapshot = new DirectorySnapshot(((LWWMap<String, String>) got.get(KEY)).getEntries());
          loaded.complete(null);
        } else if (msg instanceof Replicator.GetResponse<?>) {
          loaded.complete(null); // NotFound: an empty directory is loaded too
        }
        return Behaviors.same();
      });
    });
  }

  /** Completes when the replicated directory (with its durable copy) has been read once after {@link #replicate}. */
  public CompletionStage<Void> loaded() {
    return loaded;
  }

  // ---- reads: local, synchronous ----

  /** The canonical user name for an address, if it is a local user (active or not). */
  public Optional<String> user(String address) {
    return snapshot.user(canonical(address)).map(User::address);
  }

  public Optional<User> userEntry(String address) {
    return snapshot.user(canonical(address));
  }

  /** Where mail for this address goes: its active users after aliases, lists and catch-all; or why it cannot. */
  public Resolution resolve(String address) {
    return snapshot.resolve(canonical(address));
  }

  /** True if the domain is ours (declared, or some user has an address there): mail there is ours to accept or refuse. */
  public boolean isLocalDomain(String address) {
    String c = canonical(address);
    return snapshot.isLocalDomain(c.substring(c.lastIndexOf('@') + 1));
  }

  /** The domain marked primary ({@code domain add … --primary}), if any. */
  public Optional<String> primaryDomain() {
    return snapshot.domains.values().stream().filter(Domain::primary).map(Domain::name).sorted().findFirst();
  }

  /** True if an authenticated user may send as this address: its own, or a one-to-one alias it owns. */
  public boolean mayUse(String user, String address) {
    return snapshot.mayUse(canonical(user), canonical(address));
  }

  public List<User> users() {
    return sorted(snapshot.users);
  }

  public List<Domain> domains() {
    return sorted(snapshot.domains);
  }

  public List<Alias> aliases() {
    return sorted(snapshot.aliases);
  }

  public List<MailingList> lists() {
    return sorted(snapshot.lists);
  }

  private static <T> List<T> sorted(Map<String, T> m) {
    return m.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
  }

  /**
   * The canonical user when the password is right and the user is active. Takes the same time whether or not the
   * user exists, so the timing does not tell a client which users there are.
   */
  public Optional<String> authenticate(String login, String password) {
    Optional<User> u = snapshot.user(canonical(login));
    if (u.isEmpty()) {
      PasswordHash.verifyDummy(password);
      return Optional.empty();
    }
    boolean ok = PasswordHash.verify(u.get().passwordHash(), password);
    return ok && u.get().active() ? Optional.of(u.get().address()) : Optional.empty();
  }

  /** The stored SCRAM-SHA-256 credentials of an active user; empty for others and for users without them. */
  public Optional<ScramCredentials> scramCredentials(String login) {
    return snapshot.user(canonical(login)).filter(User::active).flatMap(u -> ScramCredentials.parse(u.scram()));
  }

  /** True if every address is a user whose password is this one (checks one hash per distinct stored hash). */
  public boolean allHavePassword(List<String> addresses, String password) {
    Map<String, Boolean> verified = new HashMap<>();
    for (String address : addresses) {
      Optional<User> u = snapshot.user(canonical(address));
      if (u.isEmpty() || !verified.computeIfAbsent(u.get().passwordHash(), h -> PasswordHash.verify(h, password))) {
        return false;
      }
    }
    return true;
  }

  // ---- writes ----

  /** Sets (or creates the user with) a new Argon2id hash of this password, and its SCRAM-SHA-256 credentials. */
  public void setPassword(String address, String password) {
    setPasswordHash(List.of(address), PasswordHash.hash(password), ScramCredentials.derive(password));
  }

  /** As {@link #setPasswordHash(List, String, String)}, without SCRAM credentials. */
  public void setPasswordHash(List<String> addresses, String hash) {
    setPasswordHash(addresses, hash, null);
  }

  /**
   * Gives several users one stored hash and SCRAM credentials (the demo users, who share a password): one Argon2id
   * run instead of one per user. Users that do not exist are created active, without quota.
   */
  public synchronized void setPasswordHash(List<String> addresses, String hash, String scram) {
    Map<String, String> changes = new LinkedHashMap<>();
    for (String address : addresses) {
      String c = DirectoryEntry.requireAddress(address);
      User u = snapshot.user(c).map(x -> x.withPassword(hash, scram)).orElse(fileUser(c, hash).withPassword(hash, scram));
      changes.put(Kind.USER.key(c), DirectoryEntry.encode(u));
    }
    write(changes);
  }

  public CompletionStage<WriteResult> putUser(User user) {
    String c = DirectoryEntry.requireAddress(user.address());
    if (user.passwordHash() == null || user.passwordHash().isEmpty()) {
      throw new IllegalArgumentException("a user needs a password hash");
    }
    if (user.quotaBytes() < 0 || user.quotaMessages() < 0) {
      throw new IllegalArgumentException("quota cannot be negative");
    }
    String forward = user.forward() == null || user.forward().isBlank() ? null : DirectoryEntry.requireAddress(user.forward());
    User u = new User(c, user.realName() == null ? "" : user.realName(), user.passwordHash(), user.active(),
        user.quotaBytes(), user.quotaMessages(), forward, user.scram());
    return write(Map.of(Kind.USER.key(c), DirectoryEntry.encode(u)));
  }

  public CompletionStage<WriteResult> putDomain(Domain domain) {
    String name = DirectoryEntry.requireDomain(domain.name());
    String catchAll = domain.catchAll() == null || domain.catchAll().isBlank() ? null
        : DirectoryEntry.requireAddress(domain.catchAll());
    return write(Map.of(Kind.DOMAIN.key(name), DirectoryEntry.encode(new Domain(name, domain.primary(), catchAll))));
  }

  public CompletionStage<WriteResult> putAlias(Alias alias) {
    String a = DirectoryEntry.requireAddress(alias.address());
    String t = DirectoryEntry.requireAddress(alias.target());
    if (snapshot.users.containsKey(a) || snapshot.lists.containsKey(a)) {
      throw new IllegalArgumentException(a + " is already a user or a list");
    }
    return write(Map.of(Kind.ALIAS.key(a), DirectoryEntry.encode(new Alias(a, t))));
  }

  public CompletionStage<WriteResult> putList(MailingList list) {
    String a = DirectoryEntry.requireAddress(list.address());
    if (snapshot.users.containsKey(a) || snapshot.aliases.containsKey(a)) {
      throw new IllegalArgumentException(a + " is already a user or an alias");
    }
    List<String> members = new ArrayList<>();
    for (String m : list.members()) {
      members.add(DirectoryEntry.requireAddress(m));
    }
    return write(Map.of(Kind.LIST.key(a), DirectoryEntry.encode(new MailingList(a, List.copyOf(members)))));
  }

  /** Removes an entry; false if there was none (nothing is written then). */
  public CompletionStage<Optional<WriteResult>> remove(Kind kind, String name) {
    String key = kind.key(name);
    if (!snapshot.raw.containsKey(key)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Map<String, String> change = new HashMap<>();
    change.put(key, null);
    return write(change).thenApply(Optional::of);
  }

  /**
   * Writes imported entries. A domain that exists already keeps its settings unless the import gives it a
   * catch-all, so importing an aliases file does not undo a domain's primary flag.
   */
  public CompletionStage<WriteResult> importEntries(Map<String, String> entries) {
    Map<String, String> changes = new LinkedHashMap<>();
    entries.forEach((key, json) -> {
      if (key.startsWith(Kind.DOMAIN.prefix) && snapshot.raw.containsKey(key)
          && DirectoryEntry.decode(json, Domain.class).catchAll() == null) {
        return;
      }
      changes.put(key, json);
    });
    return write(changes);
  }

  private synchronized CompletionStage<WriteResult> write(Map<String, String> changes) {
    DirectorySnapshot s = snapshot;
    for (Map.Entry<String, String> e : changes.entrySet()) {
      s = s.with(e.getKey(), e.getValue());
    }
    // Read-your-writes on this node at once; the subscription brings the merged truth a moment later.
    snapshot = s;
    Replicated r = replicated;
    if (r == null) {
      saveFile();
      return CompletableFuture.completedFuture(new WriteResult(true));
    }
    UnaryOperator<LWWMap<String, String>> modify = map -> {
      LWWMap<String, String> m = map;
      for (Map.Entry<String, String> e : changes.entrySet()) {
        m = e.getValue() == null ? m.remove(r.self(), e.getKey()) : m.put(r.self(), e.getKey(), e.getValue());
      }
      return m;
    };
    CompletionStage<Replicator.UpdateResponse<LWWMap<String, String>>> reply = AskPattern.ask(r.replicator(),
        replyTo -> new Replicator.Update<>(KEY, LWWMap.create(), new Replicator.WriteAll(WRITE_ALL_TIMEOUT), replyTo,
            modify::apply),
        WRITE_ALL_TIMEOUT.plusSeconds(2), r.system().scheduler());
    return reply.thenApply(resp -> {
      if (resp instanceof Replicator.UpdateSuccess) {
        return new WriteResult(true);
      }
      if (resp instanceof Replicator.UpdateTimeout) {
        // Written here (and durable); the nodes that did not answer get it by gossip.
        return new WriteResult(false);
      }
      throw new IllegalStateException("directory write failed: " + resp);
    });
  }

  private void saveFile() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      List<String> lines = snapshot.users.values().stream().sorted(java.util.Comparator.comparing(User::address))
          .map(u -> u.address() + ":" + u.passwordHash()).toList();
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write user directory " + file, e);
    }
  }
}
