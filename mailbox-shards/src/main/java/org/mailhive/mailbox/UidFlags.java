package org.mailhive.mailbox;

import java.util.List;

/** The flags one message has after a change, with the modification sequence of that change. */
public record UidFlags(long uid, List<String> flags, long modSeq) {}
