package org.mailhive.lmtp;

import java.util.List;
import org.mailhive.config.MailhiveSettings.SmtpSettings;
import org.mailhive.delivery.Delivery;
import org.mailhive.directory.UserDirectory;
import org.mailhive.net.Connection;
import org.mailhive.queue.OutboundQueue;
import org.mailhive.smtp.policy.RelayPolicy;
import org.mailhive.smtp.reply.SmtpReply;
import org.mailhive.smtp.session.MailTransactionSession;

/**
 * One LMTP session (RFC 2033) for an MTA in front of us or another tier: the SMTP mail transaction, greeted with
 * LHLO instead of HELO/EHLO, and with one reply per accepted recipient after the end of data (DATA or BDAT LAST),
 * in RCPT order, each saying whether that recipient's copy is durable. So one full mailbox never makes the MTA
 * retry (and duplicate) the copies that were stored.
 */
public final class LmtpSession extends MailTransactionSession {
  public LmtpSession(Connection conn, SmtpSettings settings, String hostname, UserDirectory directory,
                     Delivery delivery, RelayPolicy relay, OutboundQueue outbound) {
    super(conn, settings, hostname, directory, delivery, relay, outbound);
    command("LHLO", arg -> hello(arg, true));
    // RFC 2033 §4.1: an LMTP server must not answer HELO or EHLO as if it were SMTP.
    command("HELO", arg -> error(SmtpReply.LHLO_REQUIRED));
    command("EHLO", arg -> error(SmtpReply.LHLO_REQUIRED));
    command("HELP", arg -> reply(SmtpReply.LMTP_HELP));
  }

  @Override
  public void onStart() {
    reply("220 " + hostname + " LMTP Mailhive");
  }

  @Override
  protected String protocol() {
    return "lmtp";
  }

  @Override
  protected String receivedWith() {
    return "LMTP";
  }

  @Override
  protected void answerDelivery(List<Delivery.Outcome> outcomes) {
    List<Recipient> rcpts = recipients();
    for (int i = 0; i < rcpts.size(); i++) {
      Delivery.Outcome o = outcomes.get(i);
      reply(o.durable() ? SmtpReply.with(SmtpReply.STORED_FOR, "<" + rcpts.get(i).address() + ">") : failureReply(o));
    }
  }
}
