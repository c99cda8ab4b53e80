package org.mailhive.mime;

import java.util.List;

/**
 * One part of a message's MIME tree, holding what BODY and BODYSTRUCTURE report about it (RFC 3501 §7.4.2).
 * Strings are as sent; null stands for NIL.
 *
 * @param contentType  type/subtype as sent, with parameters
 * @param octets       size of the body as stored, before any transfer decoding
 * @param lines        line count of the body (LF count), reported for text/* and message/rfc822 only
 * @param disposition  Content-Disposition (RFC 2183), or null
 * @param languages    Content-Language tags (RFC 3282), empty when absent
 * @param children     parts of a multipart, empty otherwise
 * @param envelope     ENVELOPE of an encapsulated message/rfc822, or null
 * @param message      body of an encapsulated message/rfc822, or null
 * @param md5          Content-MD5 (RFC 1864) as sent, or null; reported, not checked
 */
record MimeNode(
    String type,
    String subtype,
    List<ParameterizedValue.Param> params,
    String id,
    String description,
    String encoding,
    long octets,
    long lines,
    ParameterizedValue disposition,
    List<String> languages,
    String location,
    List<MimeNode> children,
    String envelope,
    MimeNode message,
    String md5) {

  boolean isMultipart() {
    return !children.isEmpty();
  }

  boolean isMessage() {
    return message != null;
  }

  boolean isText() {
    return type.equalsIgnoreCase("text");
  }
}
