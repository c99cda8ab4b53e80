package org.mailhive.mime;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link MimeNode} tree from a message that Jakarta Mail has parsed.
 *
 * <p>The message must come from a {@link jakarta.mail.util.SharedByteArrayInputStream}: then every part's raw
 * stream is a window onto the original bytes, so sizes and line counts are those of the message as received
 * (CRLF or bare LF alike), and nothing is copied or re-encoded.
 *
 * <p>Never throws. A part Jakarta Mail cannot take apart, or one nested deeper than the limit, is reported as
 * text/plain in US-ASCII holding its whole body, which is what RFC 2045 §5.2 says to assume for a part whose type
 * cannot be understood.
 */
final class MimeTreeReader {
  static {
    StreamProviderPin.ensure();
  }

  private static final String DEFAULT_ENCODING = "7bit";
  private static final ParameterizedValue PLAIN_US_ASCII =
      new ParameterizedValue("text/plain", List.of(new ParameterizedValue.Param("charset", "us-ascii")));
  private static final ParameterizedValue MESSAGE_RFC822 = new ParameterizedValue("message/rfc822", List.of());

  private final int maxNesting;

  /** @param maxNesting how many multiparts and encapsulated messages may enclose a part before it is not opened */
  MimeTreeReader(int maxNesting) {
    this.maxNesting = maxNesting;
  }

  MimeNode readMessage(MimeMessage message) {
    return read(message, false, 0);
  }

  private MimeNode read(Part part, boolean inDigest, int depth) {
    RawHeaders headers = new RawHeaders(part);
    ParameterizedValue contentType = contentType(headers.first("Content-Type"), inDigest);
    String[] typeAndSubtype = contentType.value().split("/", 2);
    String type = typeAndSubtype[0];
    String subtype = typeAndSubtype[1];
    try {
      if (depth < maxNesting && type.equalsIgnoreCase("multipart") && contentType.param("boundary") != null) {
        return multipart(part, headers, contentType, subtype, depth);
      }
      // RFC 9051 §7.5.2: message/global (RFC 6532) is reported with envelope and body, like message/rfc822.
      if (depth < maxNesting && type.equalsIgnoreCase("message")
          && (subtype.equalsIgnoreCase("rfc822") || subtype.equalsIgnoreCase("global"))) {
        return encapsulated(part, headers, contentType, depth);
      }
      // A multipart we did not split (no boundary, or too deep) has no parts to list, and RFC 3501's grammar has
      // no single-part form for it; likewise an encapsulated message we did not open.
      boolean reportable = !type.equalsIgnoreCase("multipart") && (depth < maxNesting || !isContainer(type));
      return leaf(part, headers, reportable ? contentType : PLAIN_US_ASCII);
    } catch (MessagingException | IOException | RuntimeException e) {
      return leaf(part, headers, PLAIN_US_ASCII);
    }
  }

  private MimeNode multipart(Part part, RawHeaders headers, ParameterizedValue contentType, String subtype, int depth)
      throws MessagingException {
    MimeMultipart multipart = new MimeMultipart(new RawPartSource(part, subtype, contentType.param("boundary")));
    boolean digest = subtype.equalsIgnoreCase("digest");
    List<MimeNode> children = new ArrayList<>();
    for (int i = 0; i < multipart.getCount(); i++) {
      children.add(read(multipart.getBodyPart(i), digest, depth + 1));
    }
    if (children.isEmpty()) {
      // RFC 2046 §5.1.1 requires one part at least, and RFC 3501's body-type-mpart cannot be empty.
      children.add(emptyPlainText());
    }
    return new MimeNode(typeOf(contentType), subtype, contentType.params(), null, null, null, 0, 0,
        disposition(headers), languages(headers), location(headers), List.copyOf(children), null,
        null, null);
  }

  private MimeNode encapsulated(Part part, RawHeaders headers, ParameterizedValue contentType, int depth)
      throws MessagingException, IOException {
    Counts counts = count(part);
    MimeMessage inner;
    try (InputStream raw = rawStream(part)) {
      inner = new MimeMessage((Session) null, raw);
    }
    String envelope = Envelope.render(new RawHeaders(inner));
    MimeNode body = read(inner, false, depth + 1);
    String[] typeAndSubtype = contentType.value().split("/", 2);
    return new MimeNode(typeAndSubtype[0], typeAndSubtype[1], contentType.params(), headers.first("Content-ID"),
        headers.first("Content-Description"), encoding(headers), counts.octets(), counts.lines(),
        disposition(headers), languages(headers), location(headers), List.of(), envelope, body,
        headers.first("Content-MD5"));
  }

  private MimeNode leaf(Part part, RawHeaders headers, ParameterizedValue contentType) {
    Counts counts = countQuietly(part);
    String[] typeAndSubtype = contentType.value().split("/", 2);
    List<ParameterizedValue.Param> params = contentType.params();
    // RFC 2045 §5.2: text without a charset parameter is US-ASCII; say so after the parameters that were sent,
    // as Dovecot does.
    if (typeAndSubtype[0].equalsIgnoreCase("text") && contentType.param("charset") == null) {
      List<ParameterizedValue.Param> withCharset = new ArrayList<>(params);
      withCharset.add(new ParameterizedValue.Param("charset", "us-ascii"));
      params = List.copyOf(withCharset);
    }
    return new MimeNode(typeAndSubtype[0], typeAndSubtype[1], params, headers.first("Content-ID"),
        headers.first("Content-Description"), encoding(headers), counts.octets(), counts.lines(),
        disposition(headers), languages(headers), location(headers), List.of(), null, null,
        headers.first("Content-MD5"));
  }

  private static MimeNode emptyPlainText() {
    return new MimeNode("text", "plain", PLAIN_US_ASCII.params(), null, null, DEFAULT_ENCODING, 0, 0, null,
        List.of(), null, List.of(), null, null, null);
  }

  /**
   * RFC 2045 §5.2: no Content-Type means text/plain in US-ASCII, and so does one that cannot be parsed.
   * RFC 2046 §5.1.5: inside multipart/digest the default is message/rfc822 instead.
   */
  private static ParameterizedValue contentType(String header, boolean inDigest) {
    if (header == null) {
      return inDigest ? MESSAGE_RFC822 : PLAIN_US_ASCII;
    }
    ParameterizedValue parsed = ParameterizedValue.parse(header);
    String[] typeAndSubtype = parsed.value().split("/", 2);
    boolean valid = typeAndSubtype.length == 2 && !typeAndSubtype[0].isEmpty() && !typeAndSubtype[1].isEmpty()
        && typeAndSubtype[1].indexOf('/') < 0;
    return valid ? parsed : PLAIN_US_ASCII;
  }

  private static String typeOf(ParameterizedValue contentType) {
    return contentType.value().split("/", 2)[0];
  }

  private static boolean isContainer(String type) {
    String lower = type.toLowerCase(Locale.ROOT);
    return lower.equals("multipart") || lower.equals("message");
  }

  /**
   * RFC 2045 §6.1: the mechanism is one token, 7bit when the field is absent. A value of several words ("8 bit")
   * is no mechanism at all, so it is reported as the default, as Dovecot does, rather than guessed at.
   */
  private static String encoding(RawHeaders headers) {
    String value = headers.first("Content-Transfer-Encoding");
    if (value == null) {
      return DEFAULT_ENCODING;
    }
    List<HeaderLexer.Token> words = HeaderLexer.tokenize(value, HeaderLexer.MIME_SPECIALS).stream()
        .filter(t -> t.kind() != HeaderLexer.Kind.COMMENT)
        .takeWhile(t -> !t.isSpecial(';'))
        .toList();
    boolean oneToken = words.stream().skip(1).noneMatch(HeaderLexer.Token::afterSpace);
    String token = ParameterizedValue.parse(value).value();
    return token.isEmpty() || !oneToken ? DEFAULT_ENCODING : token;
  }

  private static ParameterizedValue disposition(RawHeaders headers) {
    String value = headers.first("Content-Disposition");
    if (value == null) {
      return null;
    }
    ParameterizedValue parsed = ParameterizedValue.parse(value);
    return parsed.value().isEmpty() ? null : parsed;
  }

  /**
   * RFC 2557 §4.1: Content-Location is a URI that may be quoted, folded and commented; the whitespace that folding
   * put inside it is not part of it. Report the URI alone.
   */
  private static String location(RawHeaders headers) {
    String value = headers.first("Content-Location");
    if (value == null) {
      return null;
    }
    StringBuilder uri = new StringBuilder();
    for (HeaderLexer.Token t : HeaderLexer.tokenize(value, "")) {
      if (t.isWord()) {
        uri.append(t.text().replaceAll("[ \\t\\r\\n]+", ""));
      }
    }
    return uri.toString();
  }

  /** RFC 3282 §2: Content-Language is a comma-separated list of language tags, with comments allowed. */
  private static List<String> languages(RawHeaders headers) {
    String value = headers.first("Content-Language");
    if (value == null) {
      return List.of();
    }
    return HeaderLexer.tokenize(value, ",").stream()
        .filter(HeaderLexer.Token::isWord)
        .map(HeaderLexer.Token::text)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private record Counts(long octets, long lines) {}

  private static Counts countQuietly(Part part) {
    try {
      return count(part);
    } catch (MessagingException | IOException | RuntimeException e) {
      return new Counts(0, 0);
    }
  }

  /** Octets and LF characters in the raw body: RFC 3501 body-fld-octets and body-fld-lines of the body as stored. */
  private static Counts count(Part part) throws MessagingException, IOException {
    CountingSink sink = new CountingSink();
    try (InputStream raw = rawStream(part)) {
      raw.transferTo(sink);
    }
    return new Counts(sink.octets, sink.lines);
  }

  private static InputStream rawStream(Part part) throws MessagingException {
    if (part instanceof MimeMessage message) {
      return message.getRawInputStream();
    }
    if (part instanceof MimeBodyPart bodyPart) {
      return bodyPart.getRawInputStream();
    }
    throw new MessagingException("not a MIME part: " + part.getClass().getName());
  }

  private static final class CountingSink extends OutputStream {
    private long octets;
    private long lines;

    @Override
    public void write(int b) {
      octets++;
      if (b == '\n') {
        lines++;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      octets += len;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          lines++;
        }
      }
    }
  }

  /**
   * Hands Jakarta Mail the part's raw body (no transfer decoding, still a window onto the shared buffer) with a
   * Content-Type rebuilt from our own parse, so a header Jakarta's stricter parser rejects can still be split.
   */
  private static final class RawPartSource implements DataSource {
    private final Part part;
    private final String contentType;

    RawPartSource(Part part, String subtype, String boundary) {
      this.part = part;
      this.contentType = "multipart/" + subtype.replaceAll("[^A-Za-z0-9._+-]", "x") + "; boundary=\""
          + boundary.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public InputStream getInputStream() throws IOException {
      try {
        return rawStream(part);
      } catch (MessagingException e) {
        throw new IOException(e);
      }
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      throw new IOException("read-only");
    }

    @Override
    public String getContentType() {
      return contentType;
    }

    @Override
    public String getName() {
      return "raw part";
    }
  }
}
