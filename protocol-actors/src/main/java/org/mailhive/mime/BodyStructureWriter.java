package org.mailhive.mime;

import static org.mailhive.mime.ImapStrings.nstring;
import static org.mailhive.mime.ImapStrings.quoteOrLiteral;

import java.util.List;

/**
 * Writes a {@link MimeNode} tree in the {@code body} syntax of RFC 3501 §9 / RFC 9051 §9: with extension data for
 * FETCH BODYSTRUCTURE, without it for FETCH BODY.
 */
final class BodyStructureWriter {
  private final boolean extended;
  private final StringBuilder out = new StringBuilder();

  private BodyStructureWriter(boolean extended) {
    this.extended = extended;
  }

  static String bodyStructure(MimeNode root) {
    return new BodyStructureWriter(true).write(root).out.toString();
  }

  static String body(MimeNode root) {
    return new BodyStructureWriter(false).write(root).out.toString();
  }

  private BodyStructureWriter write(MimeNode node) {
    out.append('(');
    if (node.isMultipart()) {
      writeMultipart(node);
    } else {
      writeSinglePart(node);
    }
    out.append(')');
    return this;
  }

  /** body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]; the parts follow each other without a space. */
  private void writeMultipart(MimeNode node) {
    node.children().forEach(this::write);
    out.append(' ').append(quoteOrLiteral(node.subtype()));
    if (extended) {
      out.append(' ').append(params(node.params()));
      writeDispositionLanguageLocation(node);
    }
  }

  /**
   * body-type-1part: type, subtype and body-fields; then envelope, body and lines for message/rfc822, lines for
   * text/*; then body-ext-1part, whose body-fld-md5 is the Content-MD5 header as sent (RFC 1864; reported as
   * Dovecot does, not checked).
   */
  private void writeSinglePart(MimeNode node) {
    out.append(quoteOrLiteral(node.type())).append(' ').append(quoteOrLiteral(node.subtype()))
        .append(' ').append(params(node.params()))
        .append(' ').append(nstring(node.id()))
        .append(' ').append(nstring(node.description()))
        .append(' ').append(quoteOrLiteral(node.encoding()))
        .append(' ').append(node.octets());
    if (node.isMessage()) {
      out.append(' ').append(node.envelope()).append(' ');
      write(node.message());
      out.append(' ').append(node.lines());
    } else if (node.isText()) {
      out.append(' ').append(node.lines());
    }
    if (extended) {
      out.append(' ').append(nstring(node.md5()));
      writeDispositionLanguageLocation(node);
    }
  }

  private void writeDispositionLanguageLocation(MimeNode node) {
    ParameterizedValue disposition = node.disposition();
    out.append(' ').append(disposition == null ? "NIL"
        : "(" + quoteOrLiteral(disposition.value()) + " " + params(disposition.params()) + ")");
    out.append(' ').append(languages(node.languages()));
    out.append(' ').append(nstring(node.location()));
  }

  /** body-fld-param: ("name" "value" ...) or NIL when there are none. */
  private static String params(List<ParameterizedValue.Param> params) {
    if (params.isEmpty()) {
      return "NIL";
    }
    StringBuilder list = new StringBuilder("(");
    for (ParameterizedValue.Param p : params) {
      if (list.length() > 1) {
        list.append(' ');
      }
      list.append(quoteOrLiteral(p.name())).append(' ').append(quoteOrLiteral(p.value()));
    }
    return list.append(')').toString();
  }

  /** body-fld-lang: always the list form, which every client reads, even for a single tag. */
  private static String languages(List<String> tags) {
    if (tags.isEmpty()) {
      return "NIL";
    }
    StringBuilder list = new StringBuilder("(");
    for (String tag : tags) {
      if (list.length() > 1) {
        list.append(' ');
      }
      list.append(quoteOrLiteral(tag));
    }
    return list.append(')').toString();
  }
}
