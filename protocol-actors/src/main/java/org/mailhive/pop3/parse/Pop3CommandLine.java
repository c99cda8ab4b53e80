package org.mailhive.pop3.parse;

import java.util.List;
import java.util.Locale;

/**
 * One POP3 command line split into its keyword and arguments (RFC 1939 §3: a case-insensitive keyword, then
 * arguments separated by single spaces). PASS is the exception: its argument is the rest of the line, spaces
 * included, because passwords may contain spaces (RFC 1939 §7 allows servers to do so; Dovecot does).
 */
public record Pop3CommandLine(String keyword, List<String> args, String rest) {

  /** RFC 1939 §3: keywords are three or four characters; RFC 2449 keeps that for extensions. */
  private static final int MAX_KEYWORD = 4;

  public static Pop3CommandLine parse(String line) throws Pop3ParseException {
    int space = line.indexOf(' ');
    String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    if (keyword.isEmpty() || keyword.length() > MAX_KEYWORD || !keyword.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
      throw new Pop3ParseException("Unknown command");
    }
    String rest = space < 0 ? "" : line.substring(space + 1);
    List<String> args = rest.isEmpty() ? List.of() : List.of(rest.split(" ", -1));
    return new Pop3CommandLine(keyword, args, rest);
  }

  public int argCount() {
    return args.size();
  }

  public String arg(int i) {
    return args.get(i);
  }
}
