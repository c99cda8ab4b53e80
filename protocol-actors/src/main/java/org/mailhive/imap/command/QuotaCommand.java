package org.mailhive.imap.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapParseException;
import org.mailhive.imap.response.ImapResponse;
import org.mailhive.quota.Quota;
import org.mailhive.quota.Usage;

/**
 * GETQUOTAROOT, GETQUOTA and SETQUOTA (RFC 9208). Every user has one quota root, {@value #ROOT}, over all its
 * folders, with the resources STORAGE (units of 1024 octets) and MESSAGE; a resource the user has no limit on
 * is not reported, and a user without limits has no quota root. Limits are set by admins (mailhive-admin quota),
 * so SETQUOTA is parsed, then refused with [NOPERM].
 */
public final class QuotaCommand {
  private QuotaCommand() {}

  public static final String ROOT = "";
  public static final String CAPABILITIES = "QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE";
  public static final String NO_SUCH_ROOT = "[NONEXISTENT] No such quota root";
  public static final String SETQUOTA_REFUSED = "[NOPERM] Quotas are set by the administrator";

  /** GETQUOTAROOT mailbox. */
  public static String parseGetQuotaRoot(ImapArgs args) throws ImapParseException {
    args.sp();
    String mailbox = args.mailbox();
    args.end();
    return mailbox;
  }

  /** GETQUOTA quota-root. */
  public static String parseGetQuota(ImapArgs args) throws ImapParseException {
    args.sp();
    String root = args.astring();
    args.end();
    return root;
  }

  /** RFC 9208 §4.3.1: SETQUOTA quota-root (resource limit …); resource names are atoms, limits number64. */
  public static Map<String, Long> parseSetQuota(ImapArgs args) throws ImapParseException {
    args.sp();
    args.astring();
    args.sp();
    args.openParen();
    Map<String, Long> limits = new LinkedHashMap<>();
    while (!args.tryCloseParen()) {
      if (!limits.isEmpty()) {
        args.sp();
      }
      String resource = args.atom().toUpperCase(Locale.ROOT);
      args.sp();
      limits.put(resource, args.number());
    }
    args.end();
    return limits;
  }

  /** The untagged QUOTAROOT response: the mailbox and its root, or no root at all for a user without limits. */
  public static String quotaRoot(String mailbox, Quota quota) {
    return "QUOTAROOT " + ImapResponse.astring(mailbox) + (quota.limited() ? " \"\"" : "");
  }

  /** The untagged QUOTA response for the user's root: usage and limit of each limited resource. */
  public static String quota(Quota quota, Usage usage) {
    List<String> resources = new ArrayList<>();
    if (quota.maxBytes() > 0) {
      resources.add("STORAGE " + usage.storageKib() + " " + quota.storageKib());
    }
    if (quota.maxMessages() > 0) {
      resources.add("MESSAGE " + usage.messages() + " " + quota.maxMessages());
    }
    return "QUOTA \"\" (" + String.join(" ", resources) + ")";
  }
}
