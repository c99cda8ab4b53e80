package org.mailhive.imap.parse;

/**
 * The bounds the IMAP parser enforces on what a client sends. Values come from {@code mailhive.imap.limits} in
 * {@code reference.conf}; this record only checks that they make sense.
 *
 * @param maxLineLength   longest command line in bytes, CRLF and literal bytes excluded
 * @param maxLiteralSize  largest single literal in bytes, so also the largest APPEND (RFC 7889 APPENDLIMIT)
 * @param maxNestingDepth deepest parenthesised list the argument parser accepts
 */
public record ImapLimits(int maxLineLength, long maxLiteralSize, int maxNestingDepth) {

  public ImapLimits {
    if (maxLineLength < 1) {
      throw new IllegalArgumentException("maxLineLength must be positive: " + maxLineLength);
    }
    if (maxLiteralSize < 0) {
      throw new IllegalArgumentException("maxLiteralSize must not be negative: " + maxLiteralSize);
    }
    if (maxNestingDepth < 1) {
      throw new IllegalArgumentException("maxNestingDepth must be positive: " + maxNestingDepth);
    }
  }
}
