package org.mailhive.mime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MIME header of the form {@code value *(";" attribute "=" value)}: Content-Type (RFC 2045 §5.1) and
 * Content-Disposition (RFC 2183 §2). The value keeps the case it was sent in; attribute names are lower-cased
 * because RFC 2045 §5.1 makes them case-insensitive and IMAP clients compare them as sent.
 *
 * <p>RFC 2231 §3 continuations ({@code name*0}, {@code name*1*}) are joined into one parameter. When any segment
 * was charset-encoded the joined name keeps its trailing {@code *} and the value stays encoded, as Dovecot reports it.
 *
 * @param value  the token before the first ';', or "" when there is none
 * @param params parameters in the order they first appear
 */
record ParameterizedValue(String value, List<Param> params) {
  record Param(String name, String value) {}

  static ParameterizedValue parse(String header) {
    List<HeaderLexer.Token> tokens = HeaderLexer.tokenize(header, HeaderLexer.MIME_SPECIALS).stream()
        .filter(t -> t.kind() != HeaderLexer.Kind.COMMENT)
        .toList();
    StringBuilder value = new StringBuilder();
    int i = 0;
    while (i < tokens.size() && !tokens.get(i).isSpecial(';') && !startsForgottenParam(tokens, i, 0 < i)) {
      value.append(tokens.get(i++).text());
    }
    List<Param> raw = new ArrayList<>();
    while (i < tokens.size()) {
      if (tokens.get(i).isSpecial(';')) {
        i++;
      }
      if (i + 1 < tokens.size() && tokens.get(i).kind() == HeaderLexer.Kind.ATOM
          && tokens.get(i + 1).isSpecial('=')) {
        String name = tokens.get(i).text().toLowerCase(Locale.ROOT);
        i += 2;
        StringBuilder paramValue = new StringBuilder();
        // A value should be one token, but unquoted values with tspecials ("boundary=----=_Part_1") are common, so
        // take tokens up to the next ';'. A separate "name=" after whitespace is a parameter whose ';' was
        // forgotten, as in RFC 2046 §5.2.3.7's own example, even after an empty quoted value (comment="").
        int valueStart = i;
        while (i < tokens.size() && !tokens.get(i).isSpecial(';')
            && !startsForgottenParam(tokens, i, valueStart < i)) {
          paramValue.append(tokens.get(i++).text());
        }
        raw.add(new Param(name, paramValue.toString()));
      } else {
        while (i < tokens.size() && !tokens.get(i).isSpecial(';')) {
          i++;
        }
      }
    }
    return new ParameterizedValue(value.toString(), joinContinuations(raw));
  }

  private static boolean startsForgottenParam(List<HeaderLexer.Token> tokens, int i, boolean valueSeen) {
    return valueSeen && tokens.get(i).afterSpace() && tokens.get(i).kind() == HeaderLexer.Kind.ATOM
        && i + 1 < tokens.size() && tokens.get(i + 1).isSpecial('=');
  }

  String param(String name) {
    for (Param p : params) {
      if (p.name().equals(name)) {
        return p.value();
      }
    }
    return null;
  }

  /** RFC 2231 §3: {@code name*N} and {@code name*N*} are pieces of one value, joined in numeric order. */
  private static List<Param> joinContinuations(List<Param> raw) {
    Map<String, TreeMap<Integer, Param>> pieces = new LinkedHashMap<>();
    Map<String, Param> plain = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    for (Param p : raw) {
      String name = p.name();
      String base = name.endsWith("*") ? name.substring(0, name.length() - 1) : name;
      int star = base.lastIndexOf('*');
      Integer index = star < 0 ? null : parseIndex(base.substring(star + 1));
      if (index == null) {
        if (!plain.containsKey(name) && !pieces.containsKey(name)) {
          plain.put(name, p);
          order.add(name);
        }
        continue;
      }
      String key = base.substring(0, star);
      if (!pieces.containsKey(key)) {
        pieces.put(key, new TreeMap<>());
        order.add(key + "\0");
      }
      pieces.get(key).putIfAbsent(index, p);
    }
    List<Param> joined = new ArrayList<>();
    for (String key : order) {
      if (!key.endsWith("\0")) {
        joined.add(plain.get(key));
        continue;
      }
      String name = key.substring(0, key.length() - 1);
      StringBuilder value = new StringBuilder();
      boolean encoded = false;
      for (Param piece : pieces.get(name).values()) {
        encoded |= piece.name().endsWith("*");
        value.append(piece.value());
      }
      joined.add(new Param(encoded ? name + "*" : name, value.toString()));
    }
    return joined;
  }

  private static Integer parseIndex(String digits) {
    // Three digits already allow 1000 pieces; more is an attack on memory, not a parameter.
    if (digits.isEmpty() || digits.length() > 3) {
      return null;
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return Integer.valueOf(digits);
  }
}
