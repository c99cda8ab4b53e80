package org.mailhive.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.eclipse.angus.mail.util.MailStreamProvider;
import org.junit.jupiter.api.Test;

class StreamProviderPinTest {

  @Test
  void summarisingAMessagePinsJakartaMailsStreamProviderSoPartsSkipTheServiceLoaderScan() {
    MessageSummary.of("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(MailStreamProvider.class.getName(), System.getProperty("jakarta.mail.util.StreamProvider"));
  }
}
