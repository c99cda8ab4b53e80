package org.mailhive.smtp.outbound;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.pekko.util.ByteString;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.mailhive.config.MailhiveSettings.OutboundSettings;

/**
 * One delivery attempt of one queued message, with Jakarta Mail's {@link SMTPTransport} as the SMTP client: to the
 * relayhost if one is configured, else to each recipient domain's MX hosts in order ({@link MxLookup}), the next
 * host only when one cannot be reached. The envelope is explicit ({@code mail.smtp.from}, the recipient list), the
 * message goes out byte for byte as queued (dot-stuffing aside), and STARTTLS is used when offered, without
 * certificate checks: opportunistic TLS as in Postfix's {@code smtp_tls_security_level = may} (RFC 7435), since
 * refusing an unverifiable certificate would only make the mail go in plaintext or not at all; after a failed
 * handshake the same host is tried once more without STARTTLS.
 * Blocking: it runs on the outbound dispatcher.
 */
public final class SmtpRelay {
  private final OutboundSettings settings;
  private final String hostname;

  public SmtpRelay(OutboundSettings settings, String hostname) {
    this.settings = settings;
    this.hostname = hostname;
  }

  /** A host that could not be reached or would not talk: the next MX host may. */
  private static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message);
    }
  }

  /** One result per recipient, in the order given. {@code sender} is empty for the null reverse-path. */
  public Map<String, RecipientResult> attempt(String sender, List<String> recipients, ByteString message) {
    Map<String, RecipientResult> results = new LinkedHashMap<>();
    if (settings.hasRelayhost()) {
      int colon = settings.relayhost().lastIndexOf(':');
      String host = settings.relayhost().substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(settings.relayhost().substring(colon + 1));
      results.putAll(deliver(List.of(host), port, sender, recipients, message));
      return results;
    }
    Map<String, List<String>> byDomain = new LinkedHashMap<>();
    for (String r : recipients) {
      byDomain.computeIfAbsent(r.substring(r.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT), d -> new ArrayList<>())
          .add(r);
    }
    byDomain.forEach((domain, rcpts) -> {
      MxLookup.Route route = MxLookup.route(domain);
      if (route.hosts().isEmpty()) {
        rcpts.forEach(r -> results.put(r, new RecipientResult(route.failure(), route.reason(), null)));
      } else {
        results.putAll(deliver(route.hosts(), settings.mxPort(), sender, rcpts, message));
      }
    });
    return results;
  }

  private Map<String, RecipientResult> deliver(List<String> hosts, int port, String sender, List<String> rcpts,
                                               ByteString message) {
    String lastProblem = "no host";
    for (String host : hosts) {
      try {
        return sendVia(host, port, sender, rcpts, message);
      } catch (Unreachable e) {
        lastProblem = e.getMessage();
      }
    }
    Map<String, RecipientResult> out = new LinkedHashMap<>();
    for (String r : rcpts) {
      out.put(r, new RecipientResult(RecipientResult.Kind.TRANSIENT, "451 4.4.1 " + lastProblem, null));
    }
    return out;
  }

  private Map<String, RecipientResult> sendVia(String host, int port, String sender, List<String> rcpts,
                                               ByteString message) throws Unreachable {
    Session session = Session.getInstance(properties(host, port, sender, true));
    SMTPTransport transport;
    try {
      transport = connect(session);
    } catch (MessagingException e) {
      if (!tlsFailure(e)) {
        throw new Unreachable("cannot talk to " + host + ":" + port + ": " + reason(e));
      }
      // Opportunistic TLS (RFC 7435 §3): a failed handshake is not a reason to keep the mail; go on in plaintext,
      // as Postfix does at smtp_tls_security_level = may.
      session = Session.getInstance(properties(host, port, sender, false));
      try {
        transport = connect(session);
      } catch (MessagingException again) {
        throw new Unreachable("cannot talk to " + host + ":" + port + ": " + reason(again));
      }
    }
    Map<String, RecipientResult> out = new LinkedHashMap<>();
    try {
      RawMessage m = new RawMessage(session, message);
      // RFC 6152: 8-bit content is declared when the server takes it; otherwise it goes as it is (we never
      // convert to quoted-printable, so the bytes stay what the sender sent).
      if (has8bit(message) && transport.supportsExtension("8BITMIME")) {
        m.setMailExtension("BODY=8BITMIME");
      }
      Address[] to = new Address[rcpts.size()];
      for (int i = 0; i < rcpts.size(); i++) {
        InternetAddress a = new InternetAddress();
        a.setAddress(rcpts.get(i));
        to[i] = a;
      }
      transport.sendMessage(m, to);
      String reply = clean(transport.getLastServerResponse());
      rcpts.forEach(r -> out.put(r, new RecipientResult(RecipientResult.Kind.DELIVERED, reply, host)));
    } catch (SendFailedException e) {
      classify(e, transport, host, rcpts, out);
    } catch (MessagingException e) {
      // The connection broke or timed out mid-transaction: nothing is known to be delivered.
      String reply = "451 4.4.2 Lost connection with " + host + ": " + reason(e);
      rcpts.forEach(r -> out.put(r, new RecipientResult(RecipientResult.Kind.TRANSIENT, reply, null)));
    } finally {
      try {
        transport.close();
      } catch (MessagingException ignored) {
        // QUIT failed: the attempt's outcome is already decided
      }
    }
    return out;
  }

  private static SMTPTransport connect(Session session) throws MessagingException {
    SMTPTransport transport = (SMTPTransport) session.getTransport("smtp");
    transport.connect();
    return transport;
  }

  private static boolean tlsFailure(MessagingException e) {
    for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
        : t instanceof MessagingException me ? me.getNextException() : null) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    return false;
  }

  /** Per recipient: sent, refused at RCPT (its own reply), or refused with the whole message (MAIL or DATA). */
  private static void classify(SendFailedException e, SMTPTransport transport, String host, List<String> rcpts,
                               Map<String, RecipientResult> out) {
    Set<String> sent = new HashSet<>();
    if (e.getValidSentAddresses() != null) {
      for (Address a : e.getValidSentAddresses()) {
        sent.add(((InternetAddress) a).getAddress());
      }
    }
    Map<String, SMTPAddressFailedException> refused = new HashMap<>();
    Exception next = e;
    while (next instanceof MessagingException me) {
      if (me instanceof SMTPAddressFailedException af) {
        refused.put(af.getAddress().getAddress(), af);
      }
      next = me.getNextException();
    }
    int code = e instanceof SMTPSendFailedException sf ? sf.getReturnCode() : transport.getLastReturnCode();
    String whole = clean(e instanceof SMTPSendFailedException ? e.getMessage() : transport.getLastServerResponse());
    for (String r : rcpts) {
      SMTPAddressFailedException af = refused.get(r);
      if (sent.contains(r)) {
        out.put(r, new RecipientResult(RecipientResult.Kind.DELIVERED, clean(transport.getLastServerResponse()), host));
      } else if (af != null) {
        out.put(r, new RecipientResult(kindOf(af.getReturnCode()), clean(af.getMessage()), host));
      } else {
        out.put(r, new RecipientResult(kindOf(code), whole, host));
      }
    }
  }

  private static RecipientResult.Kind kindOf(int code) {
    return code >= 500 && code < 600 ? RecipientResult.Kind.PERMANENT : RecipientResult.Kind.TRANSIENT;
  }

  private Properties properties(String host, int port, String sender, boolean starttls) {
    Properties p = new Properties();
    p.put("mail.smtp.host", host);
    p.put("mail.smtp.port", String.valueOf(port));
    // RFC 5321 §4.5.5: "<>" for a bounce; Jakarta Mail sends the value as it is when it is already bracketed.
    p.put("mail.smtp.from", sender.isEmpty() ? "<>" : sender);
    p.put("mail.smtp.localhost", hostname);
    p.put("mail.smtp.starttls.enable", String.valueOf(starttls));
    p.put("mail.smtp.ssl.trust", "*");
    p.put("mail.smtp.ssl.checkserveridentity", "false");
    // Deliver to the recipients the server takes even if it refuses some; each refusal is judged on its own.
    p.put("mail.smtp.sendpartial", "true");
    p.put("mail.smtp.connectiontimeout", String.valueOf(millis(settings.connectTimeout())));
    p.put("mail.smtp.timeout", String.valueOf(millis(settings.commandTimeout())));
    p.put("mail.mime.allowutf8", "true");
    return p;
  }

  private static long millis(Duration d) {
    return d.toMillis();
  }

  private static boolean has8bit(ByteString message) {
    for (int i = 0; i < message.size(); i++) {
      if (message.apply(i) < 0) {
        return true;
      }
    }
    return false;
  }

  private static String reason(MessagingException e) {
    Throwable t = e.getCause() != null ? e.getCause() : e;
    return clean(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage()));
  }

  private static String clean(String s) {
    return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").trim();
  }

  /** The queued bytes as they are: Jakarta Mail neither re-encodes nor reorders nor drops (Bcc) any header. */
  private static final class RawMessage extends SMTPMessage {
    private final ByteString bytes;

    RawMessage(Session session, ByteString bytes) {
      super(session);
      this.bytes = bytes;
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
      os.write(bytes.toArrayUnsafe());
    }

    @Override
    public void writeTo(OutputStream os) throws IOException {
      os.write(bytes.toArrayUnsafe());
    }
  }
}
