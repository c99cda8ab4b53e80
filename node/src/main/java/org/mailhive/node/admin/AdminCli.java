package org.mailhive.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mailhive-admin}: users, domains, aliases, lists, quotas and passwords of a running cluster, through one
 * node's admin HTTP API (the change reaches every node through the replicated directory); and the cluster itself
 * ({@link ClusterCommands}: status, where a user lives, node weights, kick). Exit codes: 0 done,
 * 2 bad input, 3 node unreachable or failed, 4 no such entry.
 */
@Command(name = "mailhive-admin", mixinStandardHelpOptions = true, version = "mailhive-admin 0.1",
    description = "Manage the Mailhive directory and cluster of a running cluster.",
    subcommands = {AdminCli.Users.class, AdminCli.Domains.class, AdminCli.Aliases.class, AdminCli.Lists.class,
        AdminCli.Quota.class, AdminCli.Import.class, AdminCli.Queue.class, ClusterCommands.Cluster.class,
        ClusterCommands.Where.class, ClusterCommands.Weight.class, ClusterCommands.Flush.class,
        ClusterCommands.Kick.class})
public final class AdminCli {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--url", defaultValue = "${env:MAILHIVE_ADMIN_URL:-http://127.0.0.1:8080}",
      description = "The node's admin API (default: ${DEFAULT-VALUE}; env MAILHIVE_ADMIN_URL).")
  String url;

  PrintWriter out;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
  }

  /** Runs one command; for tests, which call it without exiting the JVM. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    AdminCli cli = new AdminCli();
    cli.out = out;
    CommandLine cl = new CommandLine(cli);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof AdminClient.AdminException a) {
        err.println("error: " + a.getMessage());
        return a.exitCode;
      }
      if (e instanceof IllegalArgumentException || e instanceof IOException) {
        err.println("error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cl.execute(args);
  }

  AdminClient client() {
    return new AdminClient(url);
  }

  void print(JsonNode node) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void done(String what, JsonNode reply) {
    out.println(what + (reply.path("confirmed").asBoolean(true) ? "" : " (written on this node; still reaching the others)"));
  }

  /** 10G, 500M, 1024k or plain bytes; 0 means no limit. */
  static long bytes(String s) {
    String t = s.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G") || t.endsWith("T")) {
      unit = switch (t.charAt(t.length() - 1)) {
        case 'K' -> 1024L;
        case 'M' -> 1024L * 1024;
        case 'G' -> 1024L * 1024 * 1024;
        default -> 1024L * 1024 * 1024 * 1024;
      };
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(v, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a size: \"" + s + "\" (use e.g. 0, 1048576, 500M, 10G)");
    }
  }

  static String password(String password, boolean stdin) throws IOException {
    if (stdin) {
      String line = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
      if (line.isEmpty()) {
        throw new IllegalArgumentException("no password on standard input");
      }
      return line;
    }
    return password;
  }

  @Command(name = "user", mixinStandardHelpOptions = true, description = "Users: add, set, passwd, show, list, delete.",
      subcommands = {Users.Add.class, Users.Set.class, Users.Passwd.class, Users.Show.class, Users.ListUsers.class,
          Users.Delete.class})
  static final class Users {
    @ParentCommand AdminCli root;

    static class Password {
      @Option(names = "--password", description = "The password (visible in the process list; prefer --password-stdin).")
      String password;
      @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
      boolean stdin;
      @Option(names = "--hash", description = "An existing hash: {SCHEME}…, $1$, $5$, $6$, $2y$, $argon2id$.")
      String hash;

      void into(Map<String, Object> body) throws IOException {
        int given = (password != null ? 1 : 0) + (stdin ? 1 : 0) + (hash != null ? 1 : 0);
        if (given > 1) {
          throw new IllegalArgumentException("give only one of --password, --password-stdin, --hash");
        }
        if (hash != null) {
          body.put("passwordHash", hash);
        } else if (password != null || stdin) {
          body.put("password", AdminCli.password(password, stdin));
        }
      }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user (or change an existing one).")
    static final class Add implements Callable<Integer> {
      @ParentCommand Users users;
      @Parameters(paramLabel = "ADDRESS", description = "user@domain") String address;
      @CommandLine.Mixin Password password = new Password();
      @Option(names = "--name", description = "Real name.") String name;
      @Option(names = "--quota", description = "Storage quota (e.g. 2G); 0 = none.") String quota;
      @Option(names = "--quota-messages", description = "Message count quota; 0 = none.") Long quotaMessages;
      @Option(names = "--forward", description = "Forwarding address.") String forward;
      @Option(names = "--inactive", description = "Create it inactive (no login, mail refused with 550 5.2.1).") boolean inactive;

      @Override
      public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        password.into(body);
        if (!body.containsKey("password") && !body.containsKey("passwordHash")) {
          throw new IllegalArgumentException("a new user needs --password, --password-stdin or --hash");
        }
        if (name != null) {
          body.put("realName", name);
        }
        if (quota != null) {
          body.put("quotaBytes", bytes(quota));
        }
        if (quotaMessages != null) {
          body.put("quotaMessages", quotaMessages);
        }
        if (forward != null) {
          body.put("forward", forward);
        }
        body.put("active", !inactive);
        users.root.done("user " + address + " saved", users.root.client().put(AdminClient.path("users", address), body));
        return 0;
      }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a user's name, status or forward.")
    static final class Set implements Callable<Integer> {
      @ParentCommand Users users;
      @Parameters(paramLabel = "ADDRESS") String address;
      @Option(names = "--name") String name;
      @Option(names = "--active", negatable = true, description = "Allow (--active) or stop (--no-active) login and mail.") Boolean active;
      @Option(names = "--forward", description = "Forwarding address; empty to remove.") String forward;

      @Override
      public Integer call() throws Exception {
        users.root.client().get(AdminClient.path("users", address));
        Map<String, Object> body = new LinkedHashMap<>();
        if (name != null) {
          body.put("realName", name);
        }
        if (active != null) {
          body.put("active", active);
        }
        if (forward != null) {
          body.put("forward", forward.isEmpty() ? null : forward);
        }
        if (body.isEmpty()) {
          throw new IllegalArgumentException("nothing to change: give --name, --active/--no-active or --forward");
        }
        users.root.done("user " + address + " changed", users.root.client().put(AdminClient.path("users", address), body));
        return 0;
      }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a user's password (hashed with Argon2id) or hash.")
    static final class Passwd implements Callable<Integer> {
      @ParentCommand Users users;
      @Parameters(paramLabel = "ADDRESS") String address;
      @CommandLine.Mixin Password password = new Password();

      @Override
      public Integer call() throws Exception {
        users.root.client().get(AdminClient.path("users", address));
        Map<String, Object> body = new LinkedHashMap<>();
        password.into(body);
        if (body.isEmpty()) {
          throw new IllegalArgumentException("give --password, --password-stdin or --hash");
        }
        users.root.done("password of " + address + " changed", users.root.client().put(AdminClient.path("users", address), body));
        return 0;
      }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one user (never its hash).")
    static final class Show implements Callable<Integer> {
      @ParentCommand Users users;
      @Parameters(paramLabel = "ADDRESS") String address;

      @Override
      public Integer call() throws Exception {
        users.root.print(users.root.client().get(AdminClient.path("users", address)));
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users, one address per line.")
    static final class ListUsers implements Callable<Integer> {
      @ParentCommand Users users;
      @Option(names = "--json", description = "Everything, as JSON.") boolean json;

      @Override
      public Integer call() throws Exception {
        JsonNode all = users.root.client().get(AdminClient.path("users", null));
        if (json) {
          users.root.print(all);
        } else {
          all.forEach(u -> users.root.out.println(u.get("address").asText() + (u.get("active").asBoolean() ? "" : " (inactive)")));
        }
        return 0;
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user from the directory (its mail stays).")
    static final class Delete implements Callable<Integer> {
      @ParentCommand Users users;
      @Parameters(paramLabel = "ADDRESS") String address;

      @Override
      public Integer call() throws Exception {
        users.root.done("user " + address + " deleted", users.root.client().delete(AdminClient.path("users", address)));
        return 0;
      }
    }
  }

  @Command(name = "queue", mixinStandardHelpOptions = true,
      description = "Show the size of the outbound queue: messages and recipients waiting for remote delivery.")
  static final class Queue implements Callable<Integer> {
    @ParentCommand AdminCli root;

    @Override
    public Integer call() throws Exception {
      JsonNode size = root.client().get("/api/queue");
      root.out.println("messages=" + size.get("messages").asInt() + " recipients=" + size.get("recipients").asInt());
      return 0;
    }
  }

  @Command(name = "quota", mixinStandardHelpOptions = true, description = "Set a user's quota (0 = no limit).")
  static final class Quota implements Callable<Integer> {
    @ParentCommand AdminCli root;
    @Parameters(paramLabel = "ADDRESS") String address;
    @Option(names = "--storage", description = "Bytes, e.g. 2G.") String storage;
    @Option(names = "--messages", description = "Number of messages.") Long messages;

    @Override
    public Integer call() throws Exception {
      if (storage == null && messages == null) {
        throw new IllegalArgumentException("give --storage and/or --messages");
      }
      if (messages != null && messages < 0) {
        throw new IllegalArgumentException("--messages cannot be negative");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      if (storage != null) {
        body.put("quotaBytes", bytes(storage));
      }
      if (messages != null) {
        body.put("quotaMessages", messages);
      }
      root.client().get(AdminClient.path("users", address));
      root.done("quota of " + address + " set", root.client().put(AdminClient.path("users", address), body));
      return 0;
    }
  }

  @Command(name = "domain", mixinStandardHelpOptions = true, description = "Domains: add, list, delete.",
      subcommands = {Domains.Add.class, Domains.ListDomains.class, Domains.Delete.class})
  static final class Domains {
    @ParentCommand AdminCli root;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add (or change) a domain we accept mail for.")
    static final class Add implements Callable<Integer> {
      @ParentCommand Domains d;
      @Parameters(paramLabel = "DOMAIN") String domain;
      @Option(names = "--primary", description = "The primary domain.") boolean primary;
      @Option(names = "--catch-all", description = "Address for mail to unknown users of this domain (off by default; empty turns it off).")
      String catchAll;

      @Override
      public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("primary", primary);
        if (catchAll != null) {
          body.put("catchAll", catchAll.isEmpty() ? null : catchAll);
        }
        d.root.done("domain " + domain + " saved", d.root.client().put(AdminClient.path("domains", domain), body));
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List domains.")
    static final class ListDomains implements Callable<Integer> {
      @ParentCommand Domains d;

      @Override
      public Integer call() throws Exception {
        d.root.client().get(AdminClient.path("domains", null)).forEach(x -> d.root.out.println(x.get("name").asText()
            + (x.get("primary").asBoolean() ? " primary" : "")
            + (x.hasNonNull("catchAll") ? " catch-all=" + x.get("catchAll").asText() : "")));
        return 0;
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a domain entry (its users stay).")
    static final class Delete implements Callable<Integer> {
      @ParentCommand Domains d;
      @Parameters(paramLabel = "DOMAIN") String domain;

      @Override
      public Integer call() throws Exception {
        d.root.done("domain " + domain + " deleted", d.root.client().delete(AdminClient.path("domains", domain)));
        return 0;
      }
    }
  }

  @Command(name = "alias", mixinStandardHelpOptions = true, description = "One-to-one aliases: add, list, delete.",
      subcommands = {Aliases.Add.class, Aliases.ListAliases.class, Aliases.Delete.class})
  static final class Aliases {
    @ParentCommand AdminCli root;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Mail to ADDRESS goes to TARGET, whose user may also send as ADDRESS.")
    static final class Add implements Callable<Integer> {
      @ParentCommand Aliases a;
      @Parameters(index = "0", paramLabel = "ADDRESS") String address;
      @Parameters(index = "1", paramLabel = "TARGET") String target;

      @Override
      public Integer call() throws Exception {
        a.root.done("alias " + address + " -> " + target + " saved",
            a.root.client().put(AdminClient.path("aliases", address), Map.of("target", target)));
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List aliases.")
    static final class ListAliases implements Callable<Integer> {
      @ParentCommand Aliases a;

      @Override
      public Integer call() throws Exception {
        a.root.client().get(AdminClient.path("aliases", null)).forEach(x ->
            a.root.out.println(x.get("address").asText() + " -> " + x.get("target").asText()));
        return 0;
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an alias.")
    static final class Delete implements Callable<Integer> {
      @ParentCommand Aliases a;
      @Parameters(paramLabel = "ADDRESS") String address;

      @Override
      public Integer call() throws Exception {
        a.root.done("alias " + address + " deleted", a.root.client().delete(AdminClient.path("aliases", address)));
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Groups and lists (expanded at delivery): create, add-member, remove-member, show, all, delete.",
      subcommands = {Lists.Create.class, Lists.AddMember.class, Lists.RemoveMember.class, Lists.Show.class,
          Lists.All.class, Lists.Delete.class})
  static final class Lists {
    @ParentCommand AdminCli root;

    List<String> members(String address) throws AdminClient.AdminException {
      List<String> m = new ArrayList<>();
      root.client().get(AdminClient.path("lists", address)).get("members").forEach(x -> m.add(x.asText()));
      return m;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create (or replace) a list with these members.")
    static final class Create implements Callable<Integer> {
      @ParentCommand Lists l;
      @Parameters(index = "0", paramLabel = "ADDRESS") String address;
      @Parameters(index = "1..*", arity = "1..*", paramLabel = "MEMBER") List<String> members;

      @Override
      public Integer call() throws Exception {
        l.root.done("list " + address + " saved (" + members.size() + " members)",
            l.root.client().put(AdminClient.path("lists", address), Map.of("members", members)));
        return 0;
      }
    }

    @Command(name = "add-member", mixinStandardHelpOptions = true, description = "Add members to a list.")
    static final class AddMember implements Callable<Integer> {
      @ParentCommand Lists l;
      @Parameters(index = "0", paramLabel = "ADDRESS") String address;
      @Parameters(index = "1..*", arity = "1..*", paramLabel = "MEMBER") List<String> members;

      @Override
      public Integer call() throws Exception {
        LinkedHashSet<String> m = new LinkedHashSet<>(l.members(address));
        members.forEach(x -> m.add(x.trim().toLowerCase(Locale.ROOT)));
        l.root.done("list " + address + " now has " + m.size() + " members",
            l.root.client().put(AdminClient.path("lists", address), Map.of("members", List.copyOf(m))));
        return 0;
      }
    }

    @Command(name = "remove-member", mixinStandardHelpOptions = true, description = "Remove members from a list.")
    static final class RemoveMember implements Callable<Integer> {
      @ParentCommand Lists l;
      @Parameters(index = "0", paramLabel = "ADDRESS") String address;
      @Parameters(index = "1..*", arity = "1..*", paramLabel = "MEMBER") List<String> members;

      @Override
      public Integer call() throws Exception {
        List<String> m = l.members(address);
        List<String> gone = members.stream().map(x -> x.trim().toLowerCase(Locale.ROOT)).toList();
        if (!m.containsAll(gone)) {
          throw new IllegalArgumentException("not a member of " + address + ": "
              + gone.stream().filter(x -> !m.contains(x)).toList());
        }
        m.removeAll(gone);
        if (m.isEmpty()) {
          throw new IllegalArgumentException("a list needs at least one member; delete it with: list delete " + address);
        }
        l.root.done("list " + address + " now has " + m.size() + " members",
            l.root.client().put(AdminClient.path("lists", address), Map.of("members", m)));
        return 0;
      }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a list's members, one per line.")
    static final class Show implements Callable<Integer> {
      @ParentCommand Lists l;
      @Parameters(paramLabel = "ADDRESS") String address;

      @Override
      public Integer call() throws Exception {
        l.members(address).forEach(l.root.out::println);
        return 0;
      }
    }

    @Command(name = "all", mixinStandardHelpOptions = true, description = "List every list.")
    static final class All implements Callable<Integer> {
      @ParentCommand Lists l;

      @Override
      public Integer call() throws Exception {
        l.root.client().get(AdminClient.path("lists", null)).forEach(x ->
            l.root.out.println(x.get("address").asText() + " (" + x.get("members").size() + " members)"));
        return 0;
      }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a list.")
    static final class Delete implements Callable<Integer> {
      @ParentCommand Lists l;
      @Parameters(paramLabel = "ADDRESS") String address;

      @Override
      public Integer call() throws Exception {
        l.root.done("list " + address + " deleted", l.root.client().delete(AdminClient.path("lists", address)));
        return 0;
      }
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Bulk import: a Dovecot passwd-file, or a Postfix aliases/virtual file.",
      subcommands = {Import.Passwd.class, Import.AliasesFile.class})
  static final class Import {
    @ParentCommand AdminCli root;

    int post(String what, Path file, String defaultDomain) throws Exception {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("cannot read " + file);
      }
      String q = defaultDomain == null ? "" : "?default-domain=" + java.net.URLEncoder.encode(defaultDomain, StandardCharsets.UTF_8);
      JsonNode r = root.client().post("/api/directory/import/" + what + q, Files.readString(file, StandardCharsets.UTF_8));
      root.out.println("imported " + r.get("users").asInt() + " users, " + r.get("aliases").asInt() + " aliases, "
          + r.get("lists").asInt() + " lists, " + r.get("domains").asInt() + " domains"
          + (r.path("confirmed").asBoolean(true) ? "" : " (still reaching the other nodes)"));
      r.get("warnings").forEach(w -> root.out.println("skipped " + w.asText()));
      return 0;
    }

    @Command(name = "passwd-file", mixinStandardHelpOptions = true,
        description = "Dovecot passwd-file: user:{SCHEME}hash:uid:gid:gecos:home:shell:extra. Hashes are kept as they are.")
    static final class Passwd implements Callable<Integer> {
      @ParentCommand Import i;
      @Parameters(paramLabel = "FILE") Path file;
      @Option(names = "--default-domain", description = "Domain for user names without one.") String domain;

      @Override
      public Integer call() throws Exception {
        return i.post("passwd-file", file, domain);
      }
    }

    @Command(name = "aliases", mixinStandardHelpOptions = true,
        description = "Postfix aliases(5) or virtual(5) file: one target makes an alias, several a list.")
    static final class AliasesFile implements Callable<Integer> {
      @ParentCommand Import i;
      @Parameters(paramLabel = "FILE") Path file;
      @Option(names = "--default-domain", description = "Domain for names without one.") String domain;

      @Override
      public Integer call() throws Exception {
        return i.post("aliases", file, domain);
      }
    }
  }
}
