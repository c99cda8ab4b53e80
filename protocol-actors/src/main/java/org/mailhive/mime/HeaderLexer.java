package org.mailhive.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a structured header value into the lexical tokens of RFC 5322 §3.2 (atoms, quoted strings, comments,
 * specials). Each caller chooses its specials: RFC 5322 ones for addresses, RFC 2045 §5.1 tspecials for MIME
 * parameters.
 *
 * <p>Never fails: an unterminated quoted string or comment simply runs to the end of the value, because mail in the
 * wild has them and a summary must still be produced.
 */
final class HeaderLexer {
  /** RFC 5322 §3.2.3 specials, less '.', which we keep inside atoms so that dot-atoms and obs-phrase stay whole. */
  static final String ADDRESS_SPECIALS = "<>[]:;@,";
  /** RFC 2045 §5.1 tspecials, less the quote and parenthesis that start quoted strings and comments. */
  static final String MIME_SPECIALS = "<>@,;:\\/[]?=";

  enum Kind { ATOM, QUOTED, COMMENT, SPECIAL }

  /** @param afterSpace whether whitespace or a comment came just before, which tells adjacent tokens apart */
  record Token(Kind kind, String text, boolean afterSpace) {
    boolean isSpecial(char c) {
      return kind == Kind.SPECIAL && text.charAt(0) == c;
    }

    boolean isWord() {
      return kind == Kind.ATOM || kind == Kind.QUOTED;
    }
  }

  private HeaderLexer() {}

  static List<Token> tokenize(String value, String specials) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = value.length();
    boolean space = false;
    while (i < n) {
      char c = value.charAt(i);
      if (isWhitespace(c)) {
        i++;
        space = true;
        continue;
      }
      boolean afterSpace = space || tokens.isEmpty();
      space = false;
      if (c == '"') {
        StringBuilder text = new StringBuilder();
        i = readQuoted(value, i + 1, text);
        tokens.add(new Token(Kind.QUOTED, text.toString(), afterSpace));
      } else if (c == '(') {
        StringBuilder text = new StringBuilder();
        i = readComment(value, i + 1, text);
        tokens.add(new Token(Kind.COMMENT, text.toString().strip(), afterSpace));
        space = true;
      } else if (specials.indexOf(c) >= 0) {
        tokens.add(new Token(Kind.SPECIAL, String.valueOf(c), afterSpace));
        i++;
      } else {
        int start = i;
        while (i < n && isAtomChar(value.charAt(i), specials)) {
          i++;
        }
        tokens.add(new Token(Kind.ATOM, value.substring(start, i), afterSpace));
      }
    }
    return tokens;
  }

  /** RFC 5322 §3.2.4: a backslash quotes the next character; the closing quote ends the string. */
  private static int readQuoted(String value, int i, StringBuilder text) {
    while (i < value.length()) {
      char c = value.charAt(i++);
      if (c == '"') {
        return i;
      }
      if (c == '\\' && i < value.length()) {
        c = value.charAt(i++);
      }
      text.append(c);
    }
    return i;
  }

  /** RFC 5322 §3.2.2: comments nest and may hold quoted-pairs. */
  private static int readComment(String value, int i, StringBuilder text) {
    int depth = 1;
    while (i < value.length()) {
      char c = value.charAt(i++);
      if (c == '\\' && i < value.length()) {
        text.append(value.charAt(i++));
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
      text.append(c);
    }
    return i;
  }

  private static boolean isAtomChar(char c, String specials) {
    return !isWhitespace(c) && c != '"' && c != '(' && specials.indexOf(c) < 0;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
