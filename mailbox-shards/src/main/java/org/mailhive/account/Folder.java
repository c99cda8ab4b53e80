package org.mailhive.account;

import org.mailhive.serialization.CborSerializable;

/**
 * One folder of an account. {@code name} is the IMAP wire name (modified UTF-7, "/" as hierarchy delimiter);
 * {@code mailboxId} names the {@code MailboxEntity} that holds its messages. The id is not the name: a folder
 * deleted and created again gets a fresh mailbox (and so a fresh UIDVALIDITY, RFC 3501 §2.3.1.1), and a rename
 * keeps its messages without copying them. {@code specialUse} is an RFC 6154 attribute or "" ; a {@code
 * noselect} folder only holds children (what DELETE leaves of a folder that has inferiors, RFC 3501 §6.3.4).
 */
public record Folder(String name, String mailboxId, String specialUse, boolean noselect) implements CborSerializable {
  public Folder renamed(String newName) {
    return new Folder(newName, mailboxId, specialUse, noselect);
  }
}
