package org.mailhive.smtp.parse;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One SMTP command line split into its verb and argument (RFC 5321 §4.1.1), plus the parsers for
 * the paths of MAIL and RCPT (RFC 5321 §4.1.2).
 *
 * <p>The verb is upper-cased because verbs are case-insensitive; the argument keeps its case,
 * since local parts may be case-sensitive (RFC 5321 §2.4).
 *
 * @param verb the command verb, upper-cased
 * @param argument everything after the verb and the spaces that follow it, possibly empty
 */
public record SmtpCommandLine(String verb, String argument) {

  private static final char SP = ' ';
  private static final String FROM = "FROM:";
  private static final String TO = "TO:";
  /** RFC 5321 §4.1.1.3: RCPT may name this mailbox without a domain. */
  private static final String POSTMASTER = "Postmaster";

  /** Splits a line into verb and argument; trailing spaces, which some clients send, are ignored. */
  public static SmtpCommandLine parse(String line) {
    String trimmed = stripTrailingSpaces(line);
    int space = trimmed.indexOf(SP);
    if (space < 0) {
      return new SmtpCommandLine(trimmed.toUpperCase(Locale.ROOT), "");
    }
    int argumentStart = space;
    while (argumentStart < trimmed.length() && trimmed.charAt(argumentStart) == SP) {
      argumentStart++;
    }
    return new SmtpCommandLine(
        trimmed.substring(0, space).toUpperCase(Locale.ROOT), trimmed.substring(argumentStart));
  }

  /** The outcome of parsing a path: a {@link MailPath} or the reason it was refused. */
  public sealed interface PathResult permits Ok, Invalid {}

  public record Ok(MailPath path) implements PathResult {}

  /** @param detail for the log only; never sent to the client verbatim. */
  public record Invalid(Reason reason, String detail) implements PathResult {}

  /** Why a path was refused; the session maps each to one reply (RFC 3463 codes suggested). */
  public enum Reason {
    /** Not {@code FROM:<...>} or {@code TO:<...>} with well-formed parameters: 501 5.5.4. */
    SYNTAX,
    /** The mailbox is malformed: 501 5.1.7 for a sender, 501 5.1.3 for a recipient. */
    BAD_ADDRESS,
    /** A source route ({@code <@a,@b:u@d>}); RFC 5321 §4.1.2 deprecates them and we refuse: 501 5.1.3. */
    SOURCE_ROUTE,
    /** Local part, domain or path over the limits of RFC 5321 §4.5.3.1: 501 5.1.3 or 5.1.7. */
    TOO_LONG
  }

  /**
   * A reverse- or forward-path with its ESMTP parameters.
   *
   * @param address the mailbox as sent, without angle brackets; empty for the null reverse-path
   * @param parameters keywords upper-cased and looked up case-insensitively (RFC 5321 §4.1.2);
   *     a keyword without "=" maps to the empty string
   */
  public record MailPath(String address, Map<String, String> parameters) {
    public MailPath {
      TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      copy.putAll(parameters);
      parameters = Collections.unmodifiableSortedMap(copy);
    }
  }

  /**
   * Octet limits for paths. RFC 5321 §4.5.3.1 sets the lengths every server must accept; a server
   * may accept more, so the limits are a value rather than buried constants.
   */
  public record PathLimits(int maxLocalPart, int maxDomain, int maxPath) {
    /** RFC 5321 §4.5.3.1.1, §4.5.3.1.2 and §4.5.3.1.3. */
    public static final PathLimits RFC_5321 = new PathLimits(64, 255, 256);
  }

  /** Parses the argument of MAIL ({@code FROM:<a@b> SIZE=1000}); {@code <>} is allowed. */
  public static PathResult parseReversePath(String argument) {
    return parseReversePath(argument, PathLimits.RFC_5321);
  }

  public static PathResult parseReversePath(String argument, PathLimits limits) {
    return new PathParser(argument, limits).parse(FROM, true);
  }

  /** Parses the argument of RCPT ({@code TO:<a@b> NOTIFY=NEVER}); {@code <Postmaster>} is allowed. */
  public static PathResult parseForwardPath(String argument) {
    return parseForwardPath(argument, PathLimits.RFC_5321);
  }

  public static PathResult parseForwardPath(String argument, PathLimits limits) {
    return new PathParser(argument, limits).parse(TO, false);
  }

  private static String stripTrailingSpaces(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == SP) {
      end--;
    }
    return s.substring(0, end);
  }

  /** A cursor over one argument; one instance per call. */
  private static final class PathParser {
    private static final int MAX_OCTET = 255;
    private static final int IPV4_PARTS = 4;
    private static final int IPV6_GROUPS = 8;
    private static final int IPV6_GROUP_DIGITS = 4;
    /** RFC 1035 §2.3.4: a label is at most 63 octets. */
    private static final int MAX_LABEL = 63;
    private static final String IPV6_TAG = "IPv6:";
    private static final String IPV4_AS_GROUPS = "0:0";
    /** Snum = 1*3DIGIT (RFC 5321 §4.1.3). */
    private static final int MAX_SNUM_DIGITS = 3;

    private final String text;
    private final PathLimits limits;
    private int pos;

    PathParser(String text, PathLimits limits) {
      this.text = text;
      this.limits = limits;
    }

    PathResult parse(String keyword, boolean nullPathAllowed) {
      if (!text.regionMatches(true, 0, keyword, 0, keyword.length())) {
        return syntax("expected " + keyword);
      }
      pos = keyword.length();
      // RFC 5321 §4.1.2 has no space here, but many clients send one; accept exactly one.
      if (pos < text.length() && text.charAt(pos) == SP) {
        pos++;
      }
      int pathStart = pos;
      if (!consume('<')) {
        return syntax("path must start with <");
      }
      String address;
      if (consume('>')) {
        if (!nullPathAllowed) {
          return new Invalid(Reason.BAD_ADDRESS, "null path not allowed here");
        }
        address = "";
      } else if (peek() == '@') {
        return new Invalid(Reason.SOURCE_ROUTE, "source routes are refused");
      } else if (!nullPathAllowed && text.regionMatches(true, pos, POSTMASTER + ">", 0,
          POSTMASTER.length() + 1)) {
        address = text.substring(pos, pos + POSTMASTER.length());
        pos += POSTMASTER.length() + 1;
      } else {
        PathResult problem = mailbox();
        if (problem != null) {
          return problem;
        }
        address = text.substring(pathStart + 1, pos);
        if (!consume('>')) {
          return syntax("path must end with >");
        }
      }
      if (octets(text.substring(pathStart, pos)) > limits.maxPath()) {
        return new Invalid(Reason.TOO_LONG, "path too long");
      }
      Map<String, String> parameters = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      PathResult problem = parameters(parameters);
      if (problem != null) {
        return problem;
      }
      return new Ok(new MailPath(address, parameters));
    }

    /** Mailbox = Local-part "@" ( Domain / address-literal ); returns null when well formed. */
    private PathResult mailbox() {
      int start = pos;
      boolean localOk = peek() == '"' ? quotedString() : dotString();
      if (!localOk) {
        return badAddress("malformed local part");
      }
      if (octets(text.substring(start, pos)) > limits.maxLocalPart()) {
        return new Invalid(Reason.TOO_LONG, "local part too long");
      }
      if (!consume('@')) {
        return badAddress("missing @domain");
      }
      int domainStart = pos;
      boolean domainOk = peek() == '[' ? addressLiteral() : domain();
      if (!domainOk) {
        return badAddress("malformed domain");
      }
      if (octets(text.substring(domainStart, pos)) > limits.maxDomain()) {
        return new Invalid(Reason.TOO_LONG, "domain too long");
      }
      return null;
    }

    /** Dot-string = Atom *("." Atom). */
    private boolean dotString() {
      do {
        int atomStart = pos;
        while (pos < text.length() && isAtext(text.charAt(pos))) {
          pos++;
        }
        if (pos == atomStart) {
          return false;
        }
      } while (consume('.'));
      return true;
    }

    /** Quoted-string = DQUOTE *QcontentSMTP DQUOTE (RFC 5321 §4.1.2). */
    private boolean quotedString() {
      pos++;
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return true;
        }
        if (c == '\\') {
          // quoted-pairSMTP = %d92 %d32-126
          if (pos >= text.length() || text.charAt(pos) < ' ' || text.charAt(pos) > '~') {
            return false;
          }
          pos++;
        } else if (!isQtext(c)) {
          return false;
        }
      }
      return false;
    }

    /** Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]. */
    private boolean domain() {
      do {
        int labelStart = pos;
        while (pos < text.length() && isLdh(text.charAt(pos))) {
          pos++;
        }
        int labelLength = pos - labelStart;
        if (labelLength == 0 || labelLength > MAX_LABEL
            || text.charAt(labelStart) == '-' || text.charAt(pos - 1) == '-') {
          return false;
        }
      } while (consume('.'));
      return true;
    }

    /** address-literal = "[" ( IPv4 / IPv6 / General-address-literal ) "]" (RFC 5321 §4.1.3). */
    private boolean addressLiteral() {
      int close = text.indexOf(']', pos);
      if (close < 0) {
        return false;
      }
      String literal = text.substring(pos + 1, close);
      pos = close + 1;
      if (literal.regionMatches(true, 0, IPV6_TAG, 0, IPV6_TAG.length())) {
        return isIpv6(literal.substring(IPV6_TAG.length()));
      }
      int colon = literal.indexOf(':');
      if (colon < 0) {
        return isIpv4(literal);
      }
      return isGeneralLiteral(literal.substring(0, colon), literal.substring(colon + 1));
    }

    /** General-address-literal = Standardized-tag ":" 1*dcontent. */
    private static boolean isGeneralLiteral(String tag, String content) {
      if (tag.isEmpty() || content.isEmpty() || !tag.chars().allMatch(c -> isLdh((char) c))) {
        return false;
      }
      // dcontent = %d33-90 / %d94-126
      return content.chars().allMatch(c -> c >= '!' && c <= '~' && c != '[' && c != '\\'
          && c != ']');
    }

    private static boolean isIpv4(String s) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != IPV4_PARTS) {
        return false;
      }
      for (String part : parts) {
        if (part.isEmpty() || part.length() > MAX_SNUM_DIGITS
            || !part.chars().allMatch(c -> c >= '0' && c <= '9')
            || Integer.parseInt(part) > MAX_OCTET) {
          return false;
        }
      }
      return true;
    }

    /** RFC 5321 §4.1.3 IPv6-addr: full, compressed with "::", either optionally ending in IPv4. */
    private static boolean isIpv6(String s) {
      String hex = s;
      int lastColon = s.lastIndexOf(':');
      if (lastColon >= 0 && s.indexOf('.', lastColon) > 0) {
        if (!isIpv4(s.substring(lastColon + 1))) {
          return false;
        }
        // The IPv4 tail fills the last two groups; count it as two hex groups.
        hex = s.substring(0, lastColon + 1) + IPV4_AS_GROUPS;
      }
      int compression = hex.indexOf("::");
      if (compression != hex.lastIndexOf("::")) {
        return false;
      }
      if (compression < 0) {
        return hexGroups(hex) == IPV6_GROUPS;
      }
      String head = hex.substring(0, compression);
      String tail = hex.substring(compression + 2);
      int headCount = head.isEmpty() ? 0 : hexGroups(head);
      int tailCount = tail.isEmpty() ? 0 : hexGroups(tail);
      // RFC 5321 §4.1.3: "::" stands for at least one group, so at most 7 are written.
      return headCount >= 0 && tailCount >= 0 && headCount + tailCount < IPV6_GROUPS;
    }

    /** Counts colon-separated groups of 1-4 hex digits, or returns -1. */
    private static int hexGroups(String s) {
      String[] parts = s.split(":", -1);
      for (String part : parts) {
        if (part.isEmpty() || part.length() > IPV6_GROUP_DIGITS
            || !part.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
          return -1;
        }
      }
      return parts.length;
    }

    /** Mail-parameters = esmtp-param *(SP esmtp-param) (RFC 5321 §4.1.2). */
    private PathResult parameters(Map<String, String> into) {
      while (pos < text.length()) {
        if (!consume(SP)) {
          return syntax("expected a space before parameters");
        }
        while (consume(SP)) {
          // Tolerate runs of spaces between parameters; nothing is ambiguous about them.
        }
        if (pos == text.length()) {
          break;
        }
        int end = text.indexOf(SP, pos);
        String param = text.substring(pos, end < 0 ? text.length() : end);
        pos += param.length();
        int equals = param.indexOf('=');
        String keyword = equals < 0 ? param : param.substring(0, equals);
        String value = equals < 0 ? "" : param.substring(equals + 1);
        if (!isEsmtpKeyword(keyword)) {
          return syntax("bad parameter keyword");
        }
        if (equals >= 0 && (value.isEmpty() || !value.chars().allMatch(PathParser::isEsmtpValue))) {
          return syntax("bad parameter value");
        }
        if (into.putIfAbsent(keyword.toUpperCase(Locale.ROOT), value) != null) {
          return syntax("duplicate parameter");
        }
      }
      return null;
    }

    /** esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"). */
    private static boolean isEsmtpKeyword(String keyword) {
      return !keyword.isEmpty() && keyword.charAt(0) != '-'
          && keyword.chars().allMatch(c -> isAsciiLetterOrDigit(c) || c == '-');
    }

    /** esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 per RFC 6531 §3.3. */
    private static boolean isEsmtpValue(int c) {
      return (c >= '!' && c <= '~' && c != '=') || c >= 0x80;
    }

    /** atext (RFC 5322 §3.2.3), plus non-ASCII for SMTPUTF8 (RFC 6531 §3.3). */
    private static boolean isAtext(char c) {
      return isAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c >= 0x80;
    }

    /** qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus non-ASCII (RFC 6531 §3.3). */
    private static boolean isQtext(char c) {
      return (c >= ' ' && c <= '~' && c != '"' && c != '\\') || c >= 0x80;
    }

    /** Letters, digits and hyphen; non-ASCII allowed for U-labels (RFC 6531 §3.3). */
    private static boolean isLdh(char c) {
      return isAsciiLetterOrDigit(c) || c == '-' || c >= 0x80;
    }

    private static boolean isAsciiLetterOrDigit(int c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static int octets(String s) {
      return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private boolean consume(char c) {
      if (pos < text.length() && text.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : 0;
    }

    private static Invalid syntax(String detail) {
      return new Invalid(Reason.SYNTAX, detail);
    }

    private static Invalid badAddress(String detail) {
      return new Invalid(Reason.BAD_ADDRESS, detail);
    }
  }
}
