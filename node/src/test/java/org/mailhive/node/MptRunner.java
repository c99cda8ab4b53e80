package org.mailhive.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one {@link MptScript} against an IMAP port over real sockets, one connection per session.
 *
 * <p>Strict mode matches every response line against the script's regex in order (SUB blocks in any order).
 * Lenient mode (as ../shared/conformance/README.md describes) compares status lines only up to and including
 * the response code, treats each run of untagged lines before a tagged line as unordered, ignores James'
 * always-on {@code [HIGHESTMODSEQ]} code (we send it only once CONDSTORE is enabled, RFC 7162 §3.1), and accepts our
 * hierarchy delimiter "/" where James shows "." in LIST and LSUB lines (the README names all of these as James'
 * own wording). Lines of a literal are always compared in order.
 */
final class MptRunner {
  private static final int READ_TIMEOUT_MS = 2_000;
  private static final Pattern STATUS = Pattern.compile("^(\\*|[^ ]+) (OK|NO|BAD|BYE|PREAUTH)(?: \\[([A-Za-z0-9.-]+))?.*$");
  /**
   * The hierarchy delimiter field of our LIST and LSUB lines. James uses "." and we "/"; RFC 3501 §5.1.1 leaves the
   * choice to the server, so lenient mode reads our "/" in that field (and only there) as James' ".".
   */
  private static final Pattern OUR_DELIMITER = Pattern.compile("^(\\* (?:LIST|LSUB) \\([^)]*\\) )\"/\"( .*)$");
  /** A LIST, LSUB or STATUS line: the part before the mailbox name, the name, the rest. */
  private static final Pattern NAMED = Pattern.compile(
      "^(\\* (?:(?:LIST|LSUB) \\([^)]*\\) \"/\" |STATUS ))(\"[^\"]*\"|[^ ]+)(.*)$");
  private static final Set<String> JAMES_ONLY_CODES = Set.of("HIGHESTMODSEQ");

  private final int port;
  private boolean lenient;
  private boolean dotHierarchy;
  private final Map<Integer, Conn> conns = new HashMap<>();

  MptRunner(int port, boolean lenient) {
    this.port = port;
    this.lenient = lenient;
  }

  /** Lenient mode for a script that writes hierarchies with "."; see JamesMptIT.DOT_HIERARCHY. */
  void readDotHierarchy(boolean on) {
    dotHierarchy = on;
  }

  /** Thrown when the server's answer does not match the script. */
  static final class Mismatch extends Exception {
    Mismatch(String message) {
      super(message);
    }
  }

  Conn conn(int session) throws IOException {
    Conn c = conns.get(session);
    if (c == null) {
      c = new Conn(port);
      conns.put(session, c);
    }
    return c;
  }

  void reconnect(int session) throws IOException {
    Conn old = conns.remove(session);
    if (old != null) {
      old.socket.close();
    }
  }

  void closeAll() {
    for (Conn c : conns.values()) {
      try {
        c.socket.close();
      } catch (IOException ignored) {
        // closing after a run; nothing to report
      }
    }
    conns.clear();
  }

  /** Runs steps in the given mode, then returns to this runner's own mode (for the harness pre-amble). */
  void runWithMode(List<MptScript.Step> steps, boolean lenientMode) throws IOException, Mismatch {
    boolean own = lenient;
    lenient = lenientMode;
    try {
      run(steps);
    } finally {
      lenient = own;
    }
  }

  void run(List<MptScript.Step> steps) throws IOException, Mismatch {
    for (int i = 0; i < steps.size(); i++) {
      MptScript.Step step = steps.get(i);
      Conn c = conn(step.session());
      switch (step.kind()) {
        case SEND -> c.send(step.text());
        case REINIT -> reconnect(step.session());
        case EXPECT_CONTINUATION -> {
          String l = c.line();
          if (!l.startsWith("+")) {
            throw new Mismatch("expected a continuation, got: " + l);
          }
        }
        case EXPECT_UNORDERED, EXPECT -> {
          if (!lenient && step.kind() == MptScript.Kind.EXPECT_UNORDERED) {
            unordered(c, new ArrayList<>(step.unordered()), null);
          } else if (!lenient) {
            String l = c.line();
            if (!Pattern.matches(step.text(), l)) {
              throw new Mismatch("expected /" + step.text() + "/, got: " + l);
            }
          } else {
            // gather the run of untagged lines (SUB blocks included) and the tagged line that ends it
            List<String> run = new ArrayList<>();
            String terminator = null;
            int j = i;
            while (j < steps.size() && steps.get(j).session() == step.session()
                && (steps.get(j).kind() == MptScript.Kind.EXPECT
                || steps.get(j).kind() == MptScript.Kind.EXPECT_UNORDERED)) {
              MptScript.Step s = steps.get(j);
              j++;
              if (s.kind() == MptScript.Kind.EXPECT_UNORDERED) {
                s.unordered().stream().filter(t -> !jamesOnly(t)).forEach(run::add);
              } else if (isUntagged(s.text())) {
                if (!jamesOnly(s.text())) {
                  run.add(s.text());
                }
              } else {
                terminator = s.text();
                break;
              }
            }
            i = j - 1;
            unordered(c, run, terminator);
          }
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  /** "\\* FETCH …" is untagged; "\\*Ah yes!\\*" is a line of a literal that happens to start with a star. */
  private static boolean isUntagged(String regex) {
    return regex.startsWith("\\* ") || regex.startsWith("[*] ");
  }

  private static boolean jamesOnly(String regex) {
    Matcher m = STATUS.matcher(regex.replace("\\", ""));
    return m.matches() && m.group(3) != null && JAMES_ONLY_CODES.contains(m.group(3));
  }

  /** Reads lines until {@code expected} are all matched (any order) and, if given, the terminator matched. */
  private void unordered(Conn c, List<String> expected, String terminator) throws IOException, Mismatch {
    List<String> got = new ArrayList<>();
    int budget = expected.size();
    while (budget-- > 0 || terminator != null) {
      String l = c.line();
      if (terminator != null && !l.startsWith("* ") && !l.startsWith("+")) {
        if (!matches(terminator, l)) {
          throw new Mismatch("expected /" + terminator + "/, got: " + l + " (after " + got + ")");
        }
        break;
      }
      boolean found = false;
      for (int k = 0; k < expected.size(); k++) {
        if (matches(expected.get(k), l)) {
          expected.remove(k);
          found = true;
          break;
        }
      }
      if (!found) {
        throw new Mismatch("unexpected line: " + l + " (still expected " + expected + ")");
      }
      got.add(l);
      if (terminator == null && expected.isEmpty()) {
        break;
      }
    }
    if (!expected.isEmpty()) {
      throw new Mismatch("missing lines " + expected);
    }
  }

  private boolean matches(String regex, String line) {
    if (Pattern.matches(regex, line)) {
      return true;
    }
    if (!lenient) {
      return false;
    }
    if (dotHierarchy) {
      Matcher named = NAMED.matcher(line);
      if (named.matches()) {
        line = named.group(1) + named.group(2).replace('/', '.') + named.group(3);
        if (Pattern.matches(regex, line)) {
          return true;
        }
      }
    }
    Matcher list = OUR_DELIMITER.matcher(line);
    if (list.matches() && Pattern.matches(regex, list.group(1) + "\".\"" + list.group(2))) {
      return true;
    }
    Matcher e = STATUS.matcher(regex.replace("\\", ""));
    Matcher a = STATUS.matcher(line);
    if (!e.matches() || !a.matches()) {
      return false;
    }
    boolean sameTag = e.group(1).equals(a.group(1));
    boolean sameStatus = e.group(2).equalsIgnoreCase(a.group(2));
    String code = e.group(3);
    boolean codeOk = code == null || JAMES_ONLY_CODES.contains(code) || code.equalsIgnoreCase(a.group(3));
    return sameTag && sameStatus && codeOk;
  }

  static final class Conn {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Conn(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    void send(String text) throws IOException {
      out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.UTF_8);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      throw new IOException("connection closed");
    }
  }
}
