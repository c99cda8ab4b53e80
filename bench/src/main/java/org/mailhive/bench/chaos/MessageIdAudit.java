package org.mailhive.bench.chaos;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailhive.bench.Credentials;
import org.mailhive.bench.client.ImapClient;
import org.mailhive.bench.client.ImapResponse;
import org.mailhive.bench.scenario.IoRuntime;

/**
 * After a chaos run: reads the Message-ID of every message in each user's INBOX over IMAP (EXAMINE, so nothing
 * changes; {@code FETCH n:m (ENVELOPE)} in small ranges) and compares the run's messages found with the ones the
 * server acknowledged. An acknowledged message found 0 times is lost, found more than once duplicated; a message
 * that got no 250 (the connection broke) may or may not be there, and is only counted.
 */
public final class MessageIdAudit {
  /** Messages per FETCH, so every ENVELOPE line is kept by the client (it keeps 64 untagged lines). */
  private static final int CHUNK = 50;
  private static final long RETRY_MS = 500;

  public record Result(long acknowledged, long found, long lost, long duplicated, long unacknowledgedStored,
                       List<String> lostExamples) {}

  private final IoRuntime io;
  private final InetSocketAddress imap;
  private final Duration timeout;

  public MessageIdAudit(IoRuntime io, InetSocketAddress imap, Duration timeout) {
    this.io = io;
    this.imap = imap;
    this.timeout = timeout;
  }

  /**
   * {@code acknowledged.get(u)} holds the message numbers user u was sent and acknowledged in run {@code runId}.
   * Each user's mailbox is read within {@code deadline} (nodes may still be coming back: logins are retried).
   */
  public Result audit(String runId, List<Credentials> users, List<Set<Long>> acknowledged, Duration deadline)
      throws Exception {
    Pattern own = Pattern.compile("<" + Pattern.quote(runId) + "\\.(\\d+)@bench\\.mailhive>");
    long end = System.nanoTime() + deadline.toNanos();
    long acked = 0, found = 0, lost = 0, duplicated = 0, unacked = 0;
    List<String> examples = new java.util.ArrayList<>();
    for (int u = 0; u < users.size(); u++) {
      Map<Long, Integer> seen = read(users.get(u), own, end);
      Set<Long> expected = acknowledged.get(u);
      acked += expected.size();
      for (Map.Entry<Long, Integer> e : seen.entrySet()) {
        found += e.getValue();
        if (!expected.contains(e.getKey())) {
          unacked++;
        } else if (e.getValue() > 1) {
          duplicated += e.getValue() - 1;
        }
      }
      for (long index : expected) {
        if (!seen.containsKey(index)) {
          lost++;
          if (examples.size() < 10) {
            examples.add("<" + runId + "." + index + "@bench.mailhive> for " + users.get(u).user());
          }
        }
      }
    }
    return new Result(acked, found, lost, duplicated, unacked, List.copyOf(examples));
  }

  private Map<Long, Integer> read(Credentials user, Pattern own, long endNanos) throws Exception {
    Exception last = null;
    while (System.nanoTime() < endNanos) {
      try {
        return readOnce(user, own);
      } catch (Exception e) {
        last = e;
        Thread.sleep(RETRY_MS); // the cluster may still be recovering; there is nothing to wait on but time
      }
    }
    throw new IllegalStateException("could not read the INBOX of " + user.user() + " before the audit deadline",
        last);
  }

  private Map<Long, Integer> readOnce(Credentials user, Pattern own) throws Exception {
    long waitMs = timeout.toMillis() * 4;
    ImapClient c = ImapClient.connect(io.group(), imap, timeout).get(waitMs, TimeUnit.MILLISECONDS);
    try {
      check(c.login(user.user(), user.password()).get(waitMs, TimeUnit.MILLISECONDS), "LOGIN");
      check(c.command("EXAMINE INBOX").get(waitMs, TimeUnit.MILLISECONDS), "EXAMINE");
      int exists = c.exists();
      Map<Long, Integer> seen = new HashMap<>();
      for (int from = 1; from <= exists; from += CHUNK) {
        int to = Math.min(exists, from + CHUNK - 1);
        ImapResponse r = c.command("FETCH " + from + ":" + to + " (ENVELOPE)").get(waitMs, TimeUnit.MILLISECONDS);
        check(r, "FETCH");
        for (String line : r.untagged()) {
          Matcher m = own.matcher(line);
          if (m.find()) {
            seen.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
          }
        }
      }
      c.command("LOGOUT").get(waitMs, TimeUnit.MILLISECONDS);
      return seen;
    } finally {
      c.close();
    }
  }

  private static void check(ImapResponse r, String what) {
    if (!r.ok()) {
      throw new IllegalStateException(what + " failed: " + r.status() + " " + r.text());
    }
  }
}
