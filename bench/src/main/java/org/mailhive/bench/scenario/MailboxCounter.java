package org.mailhive.bench.scenario;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailhive.bench.Credentials;
import org.mailhive.bench.client.ImapClient;
import org.mailhive.bench.client.ImapResponse;

/**
 * Counts the messages in a user's INBOX over IMAP ({@code STATUS INBOX (MESSAGES)}, RFC 3501 §6.3.10): the
 * smtp scenario's evidence of delivery, independent of what the SMTP server claimed.
 */
public final class MailboxCounter {
  private static final Pattern MESSAGES = Pattern.compile("MESSAGES (\\d+)", Pattern.CASE_INSENSITIVE);

  private final IoRuntime io;
  private final InetSocketAddress imap;
  private final Duration timeout;

  public MailboxCounter(IoRuntime io, InetSocketAddress imap, Duration timeout) {
    this.io = io;
    this.imap = imap;
    this.timeout = timeout;
  }

  public long count(Credentials user) throws Exception {
    long waitMs = timeout.toMillis() * 4;
    ImapClient c = ImapClient.connect(io.group(), imap, timeout).get(waitMs, TimeUnit.MILLISECONDS);
    try {
      ImapResponse login = c.login(user.user(), user.password()).get(waitMs, TimeUnit.MILLISECONDS);
      if (!login.ok()) {
        throw new IllegalStateException("verification login as " + user + " failed: " + login.status() + " "
            + login.text());
      }
      ImapResponse status = c.command("STATUS INBOX (MESSAGES)").get(waitMs, TimeUnit.MILLISECONDS);
      if (!status.ok()) {
        throw new IllegalStateException("STATUS INBOX failed: " + status.status() + " " + status.text());
      }
      for (String line : status.untagged()) {
        Matcher m = MESSAGES.matcher(line);
        if (line.toUpperCase(Locale.ROOT).startsWith("* STATUS") && m.find()) {
          c.command("LOGOUT").get(waitMs, TimeUnit.MILLISECONDS);
          return Long.parseLong(m.group(1));
        }
      }
      throw new IllegalStateException("STATUS INBOX gave no MESSAGES count");
    } finally {
      c.close();
    }
  }
}
