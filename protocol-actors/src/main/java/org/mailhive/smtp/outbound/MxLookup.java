package org.mailhive.smtp.outbound;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Where mail for a domain goes (RFC 5321 §5.1): its MX hosts, lowest preference first; without MX records the
 * domain itself if it has an address record (the implicit MX); nowhere for a null MX (RFC 7505) or a domain that
 * does not exist, which are permanent; a DNS timeout is transient. Uses the JDK's own DNS provider through JNDI
 * ({@code com.sun.jndi.dns}), with the system's resolvers. Blocking: call it off the actors' threads.
 */
public final class MxLookup {
  /** Hosts to try in order; or, when {@code hosts} is empty, why there are none. */
  public record Route(List<String> hosts, RecipientResult.Kind failure, String reason) {
    static Route to(List<String> hosts) {
      return new Route(List.copyOf(hosts), null, null);
    }
  }

  private MxLookup() {}

  public static Route route(String domain) {
    // An address literal (user@[192.0.2.1], RFC 5321 §4.1.3) names the host itself.
    if (domain.startsWith("[") && domain.endsWith("]")) {
      String literal = domain.substring(1, domain.length() - 1);
      return Route.to(List.of(literal.regionMatches(true, 0, "IPv6:", 0, 5) ? literal.substring(5) : literal));
    }
    try {
      DirContext dns = dns();
      try {
        List<String> mx = values(dns.getAttributes(domain, new String[] {"MX"}).get("MX"));
        if (!mx.isEmpty()) {
          List<String> hosts = order(mx);
          if (hosts.isEmpty()) {
            return new Route(List.of(), RecipientResult.Kind.PERMANENT,
                "556 5.1.10 Domain " + domain + " does not accept mail (null MX, RFC 7505)");
          }
          return Route.to(hosts);
        }
        Attributes a = dns.getAttributes(domain, new String[] {"A", "AAAA"});
        if (a.get("A") != null || a.get("AAAA") != null) {
          return Route.to(List.of(domain));
        }
        return new Route(List.of(), RecipientResult.Kind.PERMANENT,
            "550 5.1.2 Domain " + domain + " has no MX or address record");
      } finally {
        dns.close();
      }
    } catch (NameNotFoundException e) {
      return new Route(List.of(), RecipientResult.Kind.PERMANENT, "550 5.1.2 Domain " + domain + " not found");
    } catch (NamingException e) {
      return new Route(List.of(), RecipientResult.Kind.TRANSIENT,
          "451 4.4.3 DNS lookup for " + domain + " failed: " + e.getClass().getSimpleName());
    }
  }

  /**
   * MX record values ("10 mx1.example.org.") to host names, lowest preference first (RFC 5321 §5.1: equal ones in
   * any order). A single "0 ." is a null MX (RFC 7505) and gives no host.
   */
  static List<String> order(List<String> records) {
    List<String[]> parsed = new ArrayList<>();
    for (String r : records) {
      String[] parts = r.trim().split("\\s+");
      if (parts.length == 2) {
        parsed.add(parts);
      }
    }
    parsed.sort(Comparator.comparingInt(p -> Integer.parseInt(p[0])));
    List<String> hosts = new ArrayList<>();
    for (String[] p : parsed) {
      String host = p[1].endsWith(".") ? p[1].substring(0, p[1].length() - 1) : p[1];
      if (!host.isEmpty() && !hosts.contains(host)) {
        hosts.add(host);
      }
    }
    return hosts;
  }

  private static List<String> values(Attribute attribute) throws NamingException {
    List<String> out = new ArrayList<>();
    if (attribute == null) {
      return out;
    }
    NamingEnumeration<?> all = attribute.getAll();
    while (all.hasMore()) {
      out.add(String.valueOf(all.next()));
    }
    return out;
  }

  private static DirContext dns() throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
    // Without a provider URL the JDK reads the system's resolvers (/etc/resolv.conf).
    env.put("com.sun.jndi.dns.timeout.initial", "2000");
    env.put("com.sun.jndi.dns.timeout.retries", "3");
    return new InitialDirContext(env);
  }
}
