package org.mailhive.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of networks in Postfix's {@code mynetworks} syntax: each entry is an address or an address/prefix, IPv4
 * or IPv6, and an entry that starts with {@code !} excludes. The first entry that matches an address decides; an
 * address that matches none is not in the list. So {@code ["!10.0.0.7", "10.0.0.0/8"]} holds all of 10/8 but 10.0.0.7.
 */
public final class NetworkList {
  /** One entry: the network, its prefix length, and whether a match includes or excludes. */
  public record Entry(byte[] network, int prefix, boolean include) {
    boolean matches(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int bits = address.length * 8;
      BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
          .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
      return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
    }
  }

  private final List<Entry> entries;
  private final List<String> text;

  private NetworkList(List<Entry> entries, List<String> text) {
    this.entries = entries;
    this.text = text;
  }

  public static final NetworkList EMPTY = new NetworkList(List.of(), List.of());

  /** Parses entries; throws IllegalArgumentException naming the first bad one. Host names are refused (no DNS). */
  public static NetworkList parse(List<String> raw) {
    List<Entry> entries = new ArrayList<>();
    for (String r : raw) {
      String s = r.trim();
      boolean include = true;
      if (s.startsWith("!")) {
        include = false;
        s = s.substring(1).trim();
      }
      int slash = s.indexOf('/');
      String addr = slash < 0 ? s : s.substring(0, slash);
      if (addr.startsWith("[") && addr.endsWith("]")) {
        addr = addr.substring(1, addr.length() - 1); // Postfix writes IPv6 as [::1]/128
      }
      byte[] bytes = literal(addr, r);
      int max = bytes.length * 8;
      int prefix = max;
      if (slash >= 0) {
        String p = s.substring(slash + 1);
        if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > max) {
          throw new IllegalArgumentException("bad prefix length in \"" + r + "\"");
        }
        prefix = Integer.parseInt(p);
      }
      entries.add(new Entry(bytes, prefix, include));
    }
    return new NetworkList(List.copyOf(entries), List.copyOf(raw));
  }

  private static byte[] literal(String addr, String entry) {
    // Only numeric literals: InetAddress.getByName would otherwise resolve a name through DNS.
    boolean v4 = addr.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = addr.contains(":") && addr.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException("not an IP address or CIDR block: \"" + entry + "\"");
    }
    if (v4) {
      for (String part : addr.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw new IllegalArgumentException("not an IP address or CIDR block: \"" + entry + "\"");
        }
      }
    }
    try {
      return InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address or CIDR block: \"" + entry + "\"");
    }
  }

  /** True when the first matching entry includes the address; false when it excludes or nothing matches. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    for (Entry e : entries) {
      if (e.matches(a)) {
        return e.include();
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
