package org.mailhive.mime;

import static org.mailhive.mime.ImapStrings.nstring;
import static org.mailhive.mime.ImapStrings.quoteOrLiteral;

import java.util.ArrayList;
import java.util.List;
import org.mailhive.mime.HeaderLexer.Token;

/**
 * An RFC 5322 §3.4 address-list header rendered as the IMAP envelope address list of RFC 3501 §7.4.2:
 * {@code (("name" "adl" "mailbox" "host")...)}, or NIL when the header holds no address.
 *
 * <p>Names stay as sent (still RFC 2047-encoded), as Dovecot reports them. Groups become a start marker
 * {@code (NIL NIL "group" NIL)}, their members, and an end marker {@code (NIL NIL NIL NIL)}; an unterminated group
 * is closed at the end of the header. A mailbox without local part or domain gets {@code MISSING_MAILBOX} or
 * {@code MISSING_DOMAIN} instead, because a NIL host would make the client read a group marker.
 */
final class AddressList {
  static final String MISSING_MAILBOX = "MISSING_MAILBOX";
  static final String MISSING_DOMAIN = "MISSING_DOMAIN";

  sealed interface Entry {
    String toImap();
  }

  record Mailbox(String name, String route, String mailbox, String host) implements Entry {
    @Override
    public String toImap() {
      return "(" + nstring(name) + " " + nstring(route) + " " + quoteOrLiteral(mailbox) + " "
          + quoteOrLiteral(host) + ")";
    }
  }

  record GroupStart(String name) implements Entry {
    @Override
    public String toImap() {
      return "(NIL NIL " + quoteOrLiteral(name) + " NIL)";
    }
  }

  record GroupEnd() implements Entry {
    @Override
    public String toImap() {
      return "(NIL NIL NIL NIL)";
    }
  }

  private final List<Token> tokens;
  private final List<Entry> entries = new ArrayList<>();
  private int pos;
  private boolean inGroup;

  private AddressList(String header) {
    this.tokens = HeaderLexer.tokenize(header, HeaderLexer.ADDRESS_SPECIALS);
  }

  /** Parses a header value; null or blank gives an empty list. */
  static List<Entry> parse(String headerOrNull) {
    if (headerOrNull == null) {
      return List.of();
    }
    AddressList list = new AddressList(headerOrNull);
    list.parseAll();
    return List.copyOf(list.entries);
  }

  static String toImap(List<Entry> entries) {
    if (entries.isEmpty()) {
      return "NIL";
    }
    StringBuilder out = new StringBuilder("(");
    entries.forEach(e -> out.append(e.toImap()));
    return out.append(')').toString();
  }

  private void parseAll() {
    while (pos < tokens.size()) {
      Token t = tokens.get(pos);
      if (t.isSpecial(',')) {
        pos++;
      } else if (t.isSpecial(';')) {
        pos++;
        closeGroup();
      } else {
        parseAddress();
      }
    }
    closeGroup();
  }

  private void closeGroup() {
    if (inGroup) {
      entries.add(new GroupEnd());
      inGroup = false;
    }
  }

  /** One mailbox or a group's start. Always consumes at least one token, so the loop above ends. */
  private void parseAddress() {
    List<String> words = new ArrayList<>();
    String comment = null;
    while (pos < tokens.size() && !(tokens.get(pos).kind() == HeaderLexer.Kind.SPECIAL)) {
      Token t = tokens.get(pos++);
      if (t.isWord()) {
        words.add(t.text());
      } else if (comment == null && !t.text().isEmpty()) {
        comment = t.text();
      }
    }
    Token next = pos < tokens.size() ? tokens.get(pos) : null;
    if (next != null && next.isSpecial(':') && !inGroup) {
      pos++;
      entries.add(new GroupStart(String.join(" ", words)));
      inGroup = true;
    } else if (next != null && next.isSpecial('<')) {
      pos++;
      parseAngleAddress(words.isEmpty() ? null : String.join(" ", words));
    } else if (next != null && next.isSpecial('@')) {
      pos++;
      StringBuilder host = new StringBuilder();
      comment = readDomain(host, comment, false);
      // RFC 822 style "user@host (Real Name)": the comment is the only name there is.
      entries.add(mailbox(comment, null, String.join("", words), host.toString()));
    } else {
      if (words.size() == 1) {
        entries.add(mailbox(null, null, words.get(0), ""));
      } else if (!words.isEmpty()) {
        // RFC 5322 §3.4.1: a local-part is one dot-atom or quoted-string, so several words are a display-name
        // whose address is missing ("From: Someone Else"), as Dovecot reads them.
        entries.add(mailbox(String.join(" ", words), null, "", ""));
      }
      if (next != null && !next.isSpecial(',') && !next.isSpecial(';')) {
        pos++; // a stray special such as '>' or a second ':' inside a group; skip it
      }
    }
  }

  /** RFC 5322 §3.4 angle-addr, with the obsolete route of §4.4 ({@code <@a,@b:user@host>}). */
  private void parseAngleAddress(String name) {
    StringBuilder route = new StringBuilder();
    StringBuilder local = new StringBuilder();
    StringBuilder host = new StringBuilder();
    if (pos < tokens.size() && tokens.get(pos).isSpecial('@')) {
      while (pos < tokens.size() && !tokens.get(pos).isSpecial(':') && !tokens.get(pos).isSpecial('>')) {
        Token t = tokens.get(pos++);
        if (t.kind() != HeaderLexer.Kind.COMMENT) {
          route.append(t.text());
        }
      }
      if (pos < tokens.size() && tokens.get(pos).isSpecial(':')) {
        pos++;
      }
    }
    while (pos < tokens.size() && !tokens.get(pos).isSpecial('@') && !tokens.get(pos).isSpecial('>')) {
      Token t = tokens.get(pos++);
      if (t.isWord()) {
        local.append(t.text());
      }
    }
    if (pos < tokens.size() && tokens.get(pos).isSpecial('@')) {
      pos++;
      readDomain(host, null, true);
    }
    if (pos < tokens.size() && tokens.get(pos).isSpecial('>')) {
      pos++;
    }
    // Anything after '>' up to the next ',' is junk or a comment; a ';' may close a group.
    while (pos < tokens.size() && !tokens.get(pos).isSpecial(',') && !tokens.get(pos).isSpecial(';')) {
      pos++;
    }
    entries.add(mailbox(name, route.length() == 0 ? null : route.toString(), local.toString(), host.toString()));
  }

  /** Reads a domain (dot-atom or domain-literal) and returns the first comment seen, if there was none yet. */
  private String readDomain(StringBuilder host, String comment, boolean inAngle) {
    while (pos < tokens.size()) {
      Token t = tokens.get(pos);
      if (t.isSpecial(',') || t.isSpecial(';') || (inAngle && t.isSpecial('>')) || t.isSpecial('<')) {
        break;
      }
      pos++;
      if (t.kind() == HeaderLexer.Kind.COMMENT) {
        if (comment == null && !t.text().isEmpty()) {
          comment = t.text();
        }
      } else {
        host.append(t.text());
      }
    }
    return comment;
  }

  private static Mailbox mailbox(String name, String route, String local, String host) {
    return new Mailbox(name, route, local.isEmpty() ? MISSING_MAILBOX : local, host.isEmpty() ? MISSING_DOMAIN : host);
  }
}
