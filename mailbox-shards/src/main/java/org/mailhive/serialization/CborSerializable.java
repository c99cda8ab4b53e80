package org.mailhive.serialization;

/**
 * Marker for every message that crosses the network or enters the journal. reference.conf binds it to Pekko's
 * Jackson CBOR serializer, so a forgotten binding fails loudly instead of falling back to Java serialization.
 */
public interface CborSerializable {}
