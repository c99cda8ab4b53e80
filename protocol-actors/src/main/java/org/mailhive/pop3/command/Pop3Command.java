package org.mailhive.pop3.command;

import java.util.Optional;
import org.mailhive.pop3.parse.Pop3CommandLine;
import org.mailhive.pop3.parse.Pop3ParseException;

/**
 * The POP3 requests (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH) and their pure parsing. Message
 * numbers are parsed here but checked against the maildrop by the session.
 */
public sealed interface Pop3Command {

  /** Which state a command is valid in (RFC 1939 §3); CAPA and QUIT are valid in both. */
  enum Phase { AUTHORIZATION, TRANSACTION, ANY }

  Phase phase();

  record User(String name) implements Pop3Command {
    public Phase phase() { return Phase.AUTHORIZATION; }
  }

  record Pass(String password) implements Pop3Command {
    public Phase phase() { return Phase.AUTHORIZATION; }
  }

  /** {@code AUTH} alone lists the mechanisms (a common extension Dovecot and Outlook use). */
  record Auth(Optional<String> mechanism, Optional<String> initialResponse) implements Pop3Command {
    public Phase phase() { return Phase.AUTHORIZATION; }
  }

  record Stls() implements Pop3Command {
    public Phase phase() { return Phase.AUTHORIZATION; }
  }

  record Capa() implements Pop3Command {
    public Phase phase() { return Phase.ANY; }
  }

  record Quit() implements Pop3Command {
    public Phase phase() { return Phase.ANY; }
  }

  record Stat() implements Pop3Command {
    public Phase phase() { return Phase.TRANSACTION; }
  }

  /** LIST and UIDL: one message when {@code msg} is present, else every message not marked deleted. */
  record Listing(boolean uidl, Optional<Integer> msg) implements Pop3Command {
    public Phase phase() { return Phase.TRANSACTION; }
  }

  /** RETR, and TOP with the number of body lines. */
  record Retrieve(int msg, Optional<Integer> topLines) implements Pop3Command {
    public Phase phase() { return Phase.TRANSACTION; }
  }

  record Dele(int msg) implements Pop3Command {
    public Phase phase() { return Phase.TRANSACTION; }
  }

  record Noop() implements Pop3Command {
    public Phase phase() { return Phase.TRANSACTION; }
  }

  record Rset() implements Pop3Command {
    public Phase phase() { return Phase.TRANSACTION; }
  }

  static Pop3Command parse(Pop3CommandLine line) throws Pop3ParseException {
    return switch (line.keyword()) {
      case "USER" -> new User(exactlyOne(line));
      // RFC 1939 §7: the password is the rest of the line, so it may contain spaces.
      case "PASS" -> {
        if (line.rest().isEmpty()) {
          throw new Pop3ParseException("PASS needs a password");
        }
        yield new Pass(line.rest());
      }
      case "AUTH" -> {
        if (line.argCount() > 2) {
          throw new Pop3ParseException("AUTH takes a mechanism and an optional initial response");
        }
        yield new Auth(line.argCount() > 0 ? Optional.of(line.arg(0)) : Optional.empty(),
            line.argCount() > 1 ? Optional.of(line.arg(1)) : Optional.empty());
      }
      case "STLS" -> none(line, new Stls());
      case "CAPA" -> none(line, new Capa());
      case "QUIT" -> none(line, new Quit());
      case "STAT" -> none(line, new Stat());
      case "NOOP" -> none(line, new Noop());
      case "RSET" -> none(line, new Rset());
      case "LIST" -> new Listing(false, optionalMsg(line));
      case "UIDL" -> new Listing(true, optionalMsg(line));
      case "RETR" -> new Retrieve(msg(exactlyOne(line)), Optional.empty());
      case "DELE" -> new Dele(msg(exactlyOne(line)));
      case "TOP" -> {
        if (line.argCount() != 2) {
          throw new Pop3ParseException("TOP needs a message number and a line count");
        }
        yield new Retrieve(msg(line.arg(0)), Optional.of(number(line.arg(1), 0, "Invalid line count")));
      }
      default -> throw new Pop3ParseException("Unknown command");
    };
  }

  private static Pop3Command none(Pop3CommandLine line, Pop3Command command) throws Pop3ParseException {
    if (line.argCount() != 0) {
      throw new Pop3ParseException(line.keyword() + " takes no arguments");
    }
    return command;
  }

  private static String exactlyOne(Pop3CommandLine line) throws Pop3ParseException {
    if (line.argCount() != 1) {
      throw new Pop3ParseException(line.keyword() + " takes one argument");
    }
    return line.arg(0);
  }

  private static Optional<Integer> optionalMsg(Pop3CommandLine line) throws Pop3ParseException {
    if (line.argCount() > 1) {
      throw new Pop3ParseException(line.keyword() + " takes at most one argument");
    }
    return line.argCount() == 0 ? Optional.empty() : Optional.of(msg(line.arg(0)));
  }

  /** RFC 1939 §3: message numbers start at 1. */
  private static int msg(String text) throws Pop3ParseException {
    return number(text, 1, "Invalid message number");
  }

  private static int number(String text, int min, String error) throws Pop3ParseException {
    if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Pop3ParseException(error);
    }
    int n = Integer.parseInt(text);
    if (n < min) {
      throw new Pop3ParseException(error);
    }
    return n;
  }
}
