package org.mailhive.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mailhive.mailbox.MailboxProtocol;
import org.mailhive.smtp.parse.DataDecoder;

/**
 * Each benchmark body run once outside JMH: a benchmark whose input the code refuses would measure the error
 * path, so the inputs are checked to take the path the benchmark's name promises.
 */
class BenchmarkInputsTest {

  @Test
  void imapBenchmarksParseTheWholeCommand() throws Exception {
    ImapParseBenchmark imap = new ImapParseBenchmark();
    assertEquals(4, imap.frameAndParseUidFetch().items().size());
    assertEquals(3, imap.frameAndParseUidStore().flags().size());
    assertTrue(imap.frameAppendWithLiteralPlus().size() > 310);
  }

  @Test
  void smtpBenchmarksParseTheEnvelopeAndReachTheFinalDot() {
    SmtpParseBenchmark smtp = new SmtpParseBenchmark();
    // Four lines; MAIL has two parameters (SIZE, BODY), the first RCPT two (NOTIFY, ORCPT).
    assertEquals(8, smtp.envelopeLinesParsed());
    assertInstanceOf(DataDecoder.Complete.class, smtp.bodyDecoded());
  }

  @Test
  void mimeBenchmarkSeesTheNestedStructure() {
    MimeStructureBenchmark mime = new MimeStructureBenchmark();
    mime.messages();
    String structure = mime.multipartWithAttachment().bodyStructure();
    assertTrue(structure.contains("\"alternative\"") && structure.contains("\"mixed\""), structure);
    assertTrue(mime.plainText().bodyStructure().startsWith("(\"text\" \"plain\""), mime.plainText().bodyStructure());
  }

  @Test
  void journalBenchmarkWritesNumberedBatches() throws Exception {
    JournalWriteBenchmark journal = new JournalWriteBenchmark();
    journal.batch = 10;
    journal.open();
    try {
      journal.syncedWrite();
      assertEquals(20, journal.syncedWrite());
    } finally {
      journal.close();
    }
  }

  @Test
  void mailboxBenchmarkAppendsAndSnapshotsItsMessages() throws Exception {
    MailboxEntityBenchmark mailbox = new MailboxEntityBenchmark();
    mailbox.start();
    try {
      MailboxProtocol.Appended first = assertInstanceOf(MailboxProtocol.Appended.class, mailbox.appendOne());
      MailboxProtocol.Appended second = assertInstanceOf(MailboxProtocol.Appended.class, mailbox.appendOne());
      assertEquals(first.uid() + 1, second.uid());
      assertEquals(5_000, mailbox.openSnapshotOf5000());
    } finally {
      mailbox.stop();
    }
  }
}
