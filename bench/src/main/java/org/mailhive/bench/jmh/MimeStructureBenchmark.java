package org.mailhive.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mailhive.mime.MessageSummary;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ENVELOPE, BODYSTRUCTURE and BODY computed once per message at delivery ({@link MessageSummary#of}): a plain
 * 4 KB text message, and a multipart/mixed with a text part, an HTML alternative and a 64 KB base64 attachment.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MimeStructureBenchmark {
  private byte[] plain;
  private byte[] multipart;

  @Setup
  public void messages() {
    String headers = "From: \"Alice Example\" <alice@example.org>\r\nTo: bob@example.org, carol@example.org\r\n"
        + "Subject: =?UTF-8?Q?Quarterly_r=C3=A9sum=C3=A9?=\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
        + "Message-ID: <bench-1@example.org>\r\nMIME-Version: 1.0\r\n";
    String text = "The quick brown fox jumps over the lazy dog.\r\n".repeat(90);
    plain = (headers + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text).getBytes(StandardCharsets.UTF_8);

    byte[] attachment = new byte[64 * 1024];
    new Random(42).nextBytes(attachment);
    String base64 = Base64.getMimeEncoder().encodeToString(attachment);
    multipart = (headers + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
        + "--outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
        + "--inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text
        + "--inner\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "<p>" + text + "</p>\r\n--inner--\r\n"
        + "--outer\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
        + "Content-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64 + "\r\n--outer--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public MessageSummary plainText() {
    return MessageSummary.of(plain);
  }

  @Benchmark
  public MessageSummary multipartWithAttachment() {
    return MessageSummary.of(multipart);
  }
}
