package org.mailhive.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.mailhive.smtp.parse.DataDecoder;
import org.mailhive.smtp.parse.SmtpCommandLine;
import org.mailhive.smtp.parse.SmtpLineDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SMTP input path of one transaction: the pipelined envelope (MAIL, two RCPTs, DATA) split into lines and
 * parsed, and a 4 KB message body un-dot-stuffed up to its final dot, as the bench's smtp scenario sends them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SmtpParseBenchmark {
  private static final ByteString ENVELOPE = ascii(
      "MAIL FROM:<sender@example.org> SIZE=4096 BODY=8BITMIME\r\n"
          + "RCPT TO:<demo1@localhost> NOTIFY=FAILURE ORCPT=rfc822;demo1@localhost\r\n"
          + "RCPT TO:<demo2@localhost>\r\nDATA\r\n");
  private static final ByteString BODY = ascii(message4k());

  private static ByteString ascii(String s) {
    return ByteString.fromArray(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String message4k() {
    StringBuilder b = new StringBuilder("From: sender@example.org\r\nTo: demo1@localhost\r\nSubject: bench\r\n\r\n");
    int line = 0;
    while (b.length() < 4096) {
      // Every tenth line starts with a dot, so the decoder has stuffing to remove.
      b.append(line++ % 10 == 0 ? ".." : "").append("The quick brown fox jumps over the lazy dog 0123456789.\r\n");
    }
    return b.append(".\r\n").toString();
  }

  @Benchmark
  public int envelopeLinesParsed() {
    List<SmtpLineDecoder.Event> events = new SmtpLineDecoder(1000).feed(ENVELOPE);
    int parameters = 0;
    for (SmtpLineDecoder.Event event : events) {
      SmtpCommandLine command = SmtpCommandLine.parse(((SmtpLineDecoder.Line) event).text());
      SmtpCommandLine.PathResult path = switch (command.verb()) {
        case "MAIL" -> SmtpCommandLine.parseReversePath(command.argument());
        case "RCPT" -> SmtpCommandLine.parseForwardPath(command.argument());
        default -> null;
      };
      if (path instanceof SmtpCommandLine.Ok ok) {
        parameters += ok.path().parameters().size();
      } else if (path != null) {
        throw new IllegalStateException("benchmark input refused: " + path);
      }
    }
    return parameters + events.size();
  }

  @Benchmark
  public DataDecoder.Result bodyDecoded() {
    return new DataDecoder(10L * 1024 * 1024).feed(BODY);
  }
}
