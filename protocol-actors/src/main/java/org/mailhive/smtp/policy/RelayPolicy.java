package org.mailhive.smtp.policy;

import java.net.InetAddress;
import org.mailhive.config.NetworkList;
import org.mailhive.directory.UserDirectory;

/**
 * Decides what a recipient is to this server, so that it is never an open relay. A recipient is local when its
 * domain is one of ours; then it is ours to deliver or refuse with 550 5.1.1, never to pass on. Any other
 * recipient is relaying, which only an authenticated client or one from {@code mynetworks} may do.
 *
 * <p>Routing tricks in the local part (the percent hack {@code user%remote@local}, bang paths
 * {@code remote!user@local}, a quoted {@code "user@remote"@local}) name another destination inside a local
 * address; we never route on them, and refuse them as relay attempts whatever the domain. Source routes are
 * already refused by the path parser; address literals ({@code user@[192.0.2.1]}) and trailing dots are never
 * local domains, so they are relaying like any other remote domain.
 */
public final class RelayPolicy {
  /** What a recipient is, and hence how RCPT answers (the session maps each to one reply). */
  public enum Verdict {
    /** In a local domain: deliver if the user exists (250), else 550 5.1.1. */
    LOCAL,
    /** Remote, and this client may relay. */
    RELAY_ALLOWED,
    /** Remote (or disguised as local), and this client may not relay: 554 5.7.1. */
    RELAY_DENIED
  }

  private final UserDirectory directory;
  private final NetworkList mynetworks;

  public RelayPolicy(UserDirectory directory, NetworkList mynetworks) {
    this.directory = directory;
    this.mynetworks = mynetworks;
  }

  /**
   * @param address the forward-path as parsed (local part possibly quoted)
   * @param client the client's IP address
   * @param authenticated whether the client has authenticated (submission)
   */
  public Verdict decide(String address, InetAddress client, boolean authenticated) {
    int at = address.lastIndexOf('@');
    String local = at < 0 ? address : address.substring(0, at);
    if (hasRoutingCharacters(local)) {
      return Verdict.RELAY_DENIED;
    }
    // RFC 5321 §4.1.1.3: <Postmaster> without a domain is this server's postmaster.
    if (at < 0 || directory.isLocalDomain(address)) {
      return Verdict.LOCAL;
    }
    return authenticated || mynetworks.contains(client) ? Verdict.RELAY_ALLOWED : Verdict.RELAY_DENIED;
  }

  /** RFC 5321 §3.6.1 and Postfix's allow_percent_hack/swap_bangpath: characters other MTAs route on. */
  static boolean hasRoutingCharacters(String localPart) {
    return localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0 || localPart.indexOf('@') >= 0
        || localPart.indexOf('"') >= 0;
  }
}
