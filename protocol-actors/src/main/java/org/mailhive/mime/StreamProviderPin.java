package org.mailhive.mime;

import org.eclipse.angus.mail.util.MailStreamProvider;

/**
 * Names Jakarta Mail's {@code StreamProvider} implementation in the system property Jakarta Mail reads first.
 *
 * <p>Jakarta Mail 2.1 looks the provider up again for every {@code BodyPart}, {@code Multipart} and many
 * {@code MimeUtility} calls; without the property each lookup is a {@code ServiceLoader} scan of the class path
 * (opening jar entries), which the JMH {@code MimeStructureBenchmark} showed to be most of the cost of summarising
 * a message: 6x slower for a multipart message (jakartaee/mail-api issues 699 and 861). With the property the
 * lookup is a reflective constructor call. An administrator's own setting of the property is left alone.
 */
public final class StreamProviderPin {
  private static final String PROPERTY = "jakarta.mail.util.StreamProvider";

  static {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, MailStreamProvider.class.getName());
    }
  }

  private StreamProviderPin() {}

  /** Loading this class sets the property; callers call this from their static initialiser. */
  public static void ensure() {
    // The static initialiser above does the work once.
  }
}
