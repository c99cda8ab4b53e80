package org.mailhive.node;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An IMAP response value read into a tree (RFC 3501 §4, RFC 9051 §4): atoms (NIL, numbers, item names), strings and
 * parenthesized lists. A string is its octets, whether it came as a quoted string or as a literal: the two are
 * only two spellings of the same value (RFC 3501 §4.3), so comparing trees ignores which one a server chose.
 */
sealed interface ImapValue {
  /** An atom, NIL or a number, as sent. */
  record Atom(String text) implements ImapValue {
    @Override
    public String toString() {
      return text;
    }
  }

  /** A string's octets, one char per octet (ISO-8859-1), so that equality is octet equality. */
  record Str(String octets) implements ImapValue {
    @Override
    public String toString() {
      StringBuilder out = new StringBuilder("\"");
      for (char c : octets.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20 || c > 0x7e) {
          out.append(String.format("\\x%02x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append('"').toString();
    }
  }

  record ListValue(List<ImapValue> items) implements ImapValue {
    @Override
    public String toString() {
      StringBuilder out = new StringBuilder("(");
      for (ImapValue v : items) {
        if (out.length() > 1) {
          out.append(' ');
        }
        out.append(v);
      }
      return out.append(')').toString();
    }

    /** In a FETCH attribute list {@code (NAME value NAME value ...)}: the value after the atom {@code name}. */
    ImapValue item(String name) {
      for (int i = 0; i + 1 < items.size(); i++) {
        if (items.get(i) instanceof Atom a && a.text().equalsIgnoreCase(name)) {
          return items.get(i + 1);
        }
      }
      throw new AssertionError("no " + name + " in " + this);
    }
  }

  /** Parses one value that fills {@code octets} entirely (surrounding spaces allowed). */
  static ImapValue parse(byte[] octets) {
    Parser p = new Parser(octets);
    ImapValue v = p.value();
    p.skipSpaces();
    if (p.pos != octets.length) {
      throw new IllegalArgumentException("text after the value at octet " + p.pos + ": "
          + new String(octets, StandardCharsets.ISO_8859_1));
    }
    return v;
  }

  /** Parses the values of a response line such as {@code * 3 FETCH (...)}, literals included. */
  static List<ImapValue> parseLine(byte[] octets) {
    Parser p = new Parser(octets);
    List<ImapValue> values = new ArrayList<>();
    p.skipSpaces();
    while (p.pos < octets.length && octets[p.pos] != '\r') {
      values.add(p.value());
      p.skipSpaces();
    }
    return values;
  }

  final class Parser {
    private final byte[] b;
    private int pos;

    private Parser(byte[] b) {
      this.b = b;
    }

    private void skipSpaces() {
      while (pos < b.length && b[pos] == ' ') {
        pos++;
      }
    }

    private ImapValue value() {
      skipSpaces();
      byte c = b[pos];
      if (c == '(') {
        pos++;
        List<ImapValue> items = new ArrayList<>();
        skipSpaces();
        while (b[pos] != ')') {
          items.add(value());
          skipSpaces();
        }
        pos++;
        return new ListValue(items);
      }
      if (c == '"') {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        pos++;
        while (b[pos] != '"') {
          if (b[pos] == '\\') {
            pos++;
          }
          s.write(b[pos++]);
        }
        pos++;
        return new Str(s.toString(StandardCharsets.ISO_8859_1));
      }
      if (c == '{' || (c == '~' && b[pos + 1] == '{')) {
        int open = c == '~' ? pos + 1 : pos;
        int close = open;
        while (b[close] != '}') {
          close++;
        }
        String digits = new String(b, open + 1, close - open - 1, StandardCharsets.US_ASCII).replace("+", "");
        int length = Integer.parseInt(digits);
        int start = close + 3; // "}\r\n"
        pos = start + length;
        return new Str(new String(b, start, length, StandardCharsets.ISO_8859_1));
      }
      int start = pos;
      // An atom, or a FETCH item name such as BODY[HEADER.FIELDS (A B)] whose brackets may hold spaces.
      int depth = 0;
      while (pos < b.length) {
        byte d = b[pos];
        if (d == '[') {
          depth++;
        } else if (d == ']') {
          depth--;
        } else if (depth == 0 && (d == ' ' || d == '(' || d == ')' || d == '\r')) {
          break;
        }
        pos++;
      }
      return new Atom(new String(b, start, pos - start, StandardCharsets.ISO_8859_1));
    }
  }
}
