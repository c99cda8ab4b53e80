package org.mailhive.net;

/** Creates the protocol session for a newly accepted connection. */
@FunctionalInterface
public interface SessionFactory {
  ProtocolSession create(Connection connection);
}
