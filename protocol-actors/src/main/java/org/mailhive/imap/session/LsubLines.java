package org.mailhive.imap.session;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mailhive.account.AccountProtocol;
import org.mailhive.account.Folder;

/**
 * The answer to LSUB (RFC 3501 §6.3.9): each subscribed name that matches the pattern, with the attributes it has.
 * A subscription is kept when its mailbox goes away (the server "MUST NOT unilaterally remove" it) and is listed
 * with no attributes then, as James and RFC 3501's own example do; only a folder that exists as a mere hierarchy
 * level is \Noselect. And the special case of "%": when "foo/bar" is subscribed but "foo" is not, "%" lists "foo",
 * flagged \Noselect.
 */
final class LsubLines {
  private LsubLines() {}

  /** Mailbox name to its attribute list (without parentheses), in the order of the subscriptions. */
  static Map<String, String> of(String pattern, AccountProtocol.Folders folders, String delimiter) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : folders.subscriptions()) {
      if (ListPattern.matches(pattern, name)) {
        Folder folder = folders.folder(name);
        out.put(name, folder != null && folder.noselect() ? "\\Noselect" : "");
        continue;
      }
      for (int at = name.indexOf(delimiter); at > 0; at = name.indexOf(delimiter, at + 1)) {
        String parent = name.substring(0, at);
        if (ListPattern.matches(pattern, parent) && !folders.subscriptions().contains(parent)) {
          out.putIfAbsent(parent, "\\Noselect");
        }
      }
    }
    return out;
  }
}
