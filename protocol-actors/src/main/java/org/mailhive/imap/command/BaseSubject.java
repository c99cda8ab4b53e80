package org.mailhive.imap.command;

import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;

/**
 * The base subject of RFC 5256 §2.1: the Subject with RFC 2047 encoded-words decoded and the reply and forward
 * decorations ("Re:", "Fwd:", "[list-tag]", "(fwd)", "[fwd: …]") taken off, so that a reply sorts and threads with
 * the message it answers. {@code replyOrForward} says whether any such decoration was removed; THREAD=REFERENCES
 * uses it when it merges threads by subject (RFC 5256 §4, step 5).
 *
 * @param text the base subject (empty for a missing subject), compared with {@link AsciiCasemap}
 */
record BaseSubject(String text, boolean replyOrForward) {

  static BaseSubject of(String subject) {
    if (subject == null) {
      return new BaseSubject("", false);
    }
    // Step 1: decode, tabs and line breaks to spaces, runs of spaces to one.
    String s = decode(subject).replaceAll("[\\t\\r\\n ]+", " ");
    boolean decorated = false;
    while (true) {
      // Step 2: trailing "(fwd)" and white space, repeatedly.
      while (true) {
        if (s.endsWith(" ")) {
          s = s.substring(0, s.length() - 1);
        } else if (endsWithIgnoreCase(s, "(fwd)")) {
          s = s.substring(0, s.length() - 5);
          decorated = true;
        } else {
          break;
        }
      }
      // Steps 3 to 5: leading subj-leader, then a subj-blob unless it is all that is left, until nothing changes.
      while (true) {
        int leader = leader(s);
        if (leader > 0) {
          decorated |= s.charAt(0) != ' ';
          s = s.substring(leader);
          continue;
        }
        int blob = blob(s, 0);
        if (blob > 0 && blob < s.length()) {
          s = s.substring(blob);
          continue;
        }
        break;
      }
      // Step 6: "[fwd: …]" wrapping the whole rest; take it off and start again from step 2.
      if (s.length() >= 6 && s.regionMatches(true, 0, "[fwd:", 0, 5) && s.endsWith("]")) {
        s = s.substring(5, s.length() - 1);
        decorated = true;
        continue;
      }
      return new BaseSubject(s, decorated);
    }
  }

  /** Length of the subj-leader at the start of {@code s}: a space, or *subj-blob subj-refwd; 0 if none. */
  private static int leader(String s) {
    if (s.startsWith(" ")) {
      return 1;
    }
    int pos = 0;
    while (true) {
      int refwd = refwd(s, pos);
      if (refwd > 0) {
        return refwd;
      }
      int blob = blob(s, pos);
      if (blob == 0) {
        return 0;
      }
      pos = blob;
    }
  }

  /** End of subj-refwd = ("re" / "fw" ["d"]) *WSP [subj-blob] ":" starting at {@code pos}; 0 if none. */
  private static int refwd(String s, int pos) {
    int p;
    if (s.regionMatches(true, pos, "re", 0, 2)) {
      p = pos + 2;
    } else if (s.regionMatches(true, pos, "fwd", 0, 3)) {
      p = pos + 3;
    } else if (s.regionMatches(true, pos, "fw", 0, 2)) {
      p = pos + 2;
    } else {
      return 0;
    }
    p = spaces(s, p);
    int blob = blob(s, p);
    if (blob > 0) {
      p = blob;
    }
    return p < s.length() && s.charAt(p) == ':' ? p + 1 : 0;
  }

  /** End of subj-blob = "[" *BLOBCHAR "]" *WSP starting at {@code pos}; 0 if none. */
  private static int blob(String s, int pos) {
    if (pos >= s.length() || s.charAt(pos) != '[') {
      return 0;
    }
    for (int p = pos + 1; p < s.length(); p++) {
      char c = s.charAt(p);
      if (c == ']') {
        return spaces(s, p + 1);
      }
      if (c == '[') {
        return 0;
      }
    }
    return 0;
  }

  private static int spaces(String s, int pos) {
    while (pos < s.length() && s.charAt(pos) == ' ') {
      pos++;
    }
    return pos;
  }

  private static boolean endsWithIgnoreCase(String s, String suffix) {
    return s.length() >= suffix.length() && s.regionMatches(true, s.length() - suffix.length(), suffix, 0,
        suffix.length());
  }

  /** RFC 5256 §2.1 step 1 via RFC 2047; an encoded-word in a charset Java lacks stays as it was sent. */
  static String decode(String text) {
    try {
      return MimeUtility.decodeText(text);
    } catch (UnsupportedEncodingException | RuntimeException e) {
      return text;
    }
  }
}
