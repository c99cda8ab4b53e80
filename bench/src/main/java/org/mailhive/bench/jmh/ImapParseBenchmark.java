package org.mailhive.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.mailhive.imap.command.FetchCommand;
import org.mailhive.imap.command.StoreCommand;
import org.mailhive.imap.parse.ImapArgs;
import org.mailhive.imap.parse.ImapFrameDecoder;
import org.mailhive.imap.parse.ImapLimits;
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
 * The IMAP input path of one command, as the connection actor runs it: framing bytes into a command (line and
 * literal boundaries), then parsing the tag, the command name and the arguments of the commands the imaptest mix
 * sends most (UID FETCH of headers, UID STORE of flags).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ImapParseBenchmark {
  private static final ImapLimits LIMITS = new ImapLimits(65_536, 50L * 1024 * 1024, 32);
  private static final ByteString FETCH = bytes(
      "a12 UID FETCH 1:200,305,400:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (From To Subject Date Message-ID)])\r\n");
  private static final ByteString STORE = bytes("a13 UID STORE 17:42 +FLAGS.SILENT (\\Seen \\Flagged $Label1)\r\n");
  private static final ByteString APPEND = bytes(
      "a14 APPEND Sent (\\Seen) {310+}\r\n" + "x".repeat(308) + "\r\n\r\n");

  private static ByteString bytes(String s) {
    return ByteString.fromArray(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Benchmark
  public FetchCommand frameAndParseUidFetch() throws Exception {
    ImapArgs args = new ImapArgs(oneFrame(FETCH), LIMITS);
    args.tag();
    args.sp();
    args.atom();
    args.sp();
    args.atom();
    return FetchCommand.parse(args, true);
  }

  @Benchmark
  public StoreCommand frameAndParseUidStore() throws Exception {
    ImapArgs args = new ImapArgs(oneFrame(STORE), LIMITS);
    args.tag();
    args.sp();
    args.atom();
    args.sp();
    args.atom();
    return StoreCommand.parse(args, true);
  }

  @Benchmark
  public ByteString frameAppendWithLiteralPlus() {
    return oneFrame(APPEND);
  }

  private static ByteString oneFrame(ByteString input) {
    List<ImapFrameDecoder.Event> events = new ImapFrameDecoder(LIMITS).feed(input);
    if (events.size() != 1 || !(events.get(0) instanceof ImapFrameDecoder.Frame frame)) {
      throw new IllegalStateException("expected one frame, got " + events);
    }
    return frame.raw();
  }
}
