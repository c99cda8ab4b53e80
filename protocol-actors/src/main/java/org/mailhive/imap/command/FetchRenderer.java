package org.mailhive.imap.command;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.mailhive.imap.response.ImapResponse;
import org.mailhive.mailbox.MessageMeta;

/** Turns one message's metadata (and body, when a section was asked for) into a FETCH response line. */
public final class FetchRenderer {
  private FetchRenderer() {}

  // RFC 3501 §9 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" with a space-padded day.
  private static final DateTimeFormatter INTERNALDATE =
      DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

  public static String internalDate(long epochMillis) {
    String s = INTERNALDATE.format(ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()));
    return "\"" + (s.charAt(0) == '0' ? " " + s.substring(1) : s) + "\"";
  }

  /** RFC 3501 §2.3.2: \Recent is not stored with the message; the session says whether it is recent in it. */
  public static String flags(MessageMeta m, boolean recent) {
    if (!recent) {
      return "(" + String.join(" ", m.flags()) + ")";
    }
    // Stored flags are kept in case-insensitive order; \Recent takes its place among them.
    TreeSet<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    all.addAll(m.flags());
    all.add("\\Recent");
    return "(" + String.join(" ", all) + ")";
  }

  /** The whole "* seq FETCH (…)" response including CRLF. {@code body} may be null if no section is asked. */
  public static ByteString render(int seq, MessageMeta m, boolean recent, FetchCommand cmd, ByteString body,
                                  boolean includeFlags) {
    ByteStringBuilder out = new ByteStringBuilder();
    StringBuilder text = new StringBuilder("* ").append(seq).append(" FETCH (");
    boolean first = true;
    boolean flagsDone = cmd.items().stream().anyMatch(
        i -> i instanceof FetchCommand.Simple s && s.attribute() == FetchCommand.Attribute.FLAGS);
    // RFC 3501 §6.4.5: a fetch that set \Seen reports the new FLAGS; order is free; James puts them first.
    if (includeFlags && !flagsDone) {
      text.append("FLAGS ").append(flags(m, recent));
      first = false;
    }
    for (FetchCommand.Item item : cmd.items()) {
      if (!first) {
        text.append(' ');
      }
      first = false;
      if (item instanceof FetchCommand.Simple s && s.attribute() == FetchCommand.Attribute.THREADID) {
        text.append(ObjectIds.threadIdItem(m, body));
      } else if (item instanceof FetchCommand.Simple s) {
        text.append(simple(s.attribute(), m, recent));
      } else if (item instanceof FetchCommand.Section sec) {
        ByteString data = BodySections.extract(body, sec);
        long origin = 0;
        if (sec.partial()) {
          origin = sec.partialStart();
          int from = (int) Math.min(sec.partialStart(), data.size());
          int to = (int) Math.min((long) from + sec.partialLength(), data.size());
          data = data.slice(from, to);
        }
        text.append(sec.responseName());
        if (sec.partial()) {
          text.append('<').append(origin).append('>');
        }
        text.append(' ');
        out.append(ByteString.fromString(text.toString(), StandardCharsets.UTF_8));
        text.setLength(0);
        ImapResponse.literal(out, data);
      }
    }
    text.append(")\r\n");
    out.append(ByteString.fromString(text.toString(), StandardCharsets.UTF_8));
    return out.result();
  }

  private static String simple(FetchCommand.Attribute a, MessageMeta m, boolean recent) {
    return switch (a) {
      case FLAGS -> "FLAGS " + flags(m, recent);
      case UID -> "UID " + m.uid();
      case RFC822_SIZE -> "RFC822.SIZE " + m.size();
      case INTERNALDATE -> "INTERNALDATE " + internalDate(m.internalDate());
      case ENVELOPE -> "ENVELOPE " + m.envelope();
      case BODYSTRUCTURE -> "BODYSTRUCTURE " + m.bodyStructure();
      case BODY -> "BODY " + m.body();
      case MODSEQ -> CondStore.fetchItem(m.modSeq());
      case EMAILID -> ObjectIds.emailIdItem(m);
      case THREADID -> ObjectIds.threadIdItem(m, null);
    };
  }
}
