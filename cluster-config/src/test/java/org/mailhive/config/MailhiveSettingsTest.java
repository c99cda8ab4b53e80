package org.mailhive.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MailhiveSettingsTest {

  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void embeddedDefaultsDescribeTheDocumentedSingleNode() {
    MailhiveSettings s = MailhiveSettings.load(ConfigFactory.defaultReference());
    assertEquals("127.0.0.1", s.node().bindAddress());
    assertEquals(Path.of("data"), s.node().dataDir());
    assertTrue(s.node().hasRole("edge") && s.node().hasRole("store"));
    assertEquals(2525, s.smtp().port());
    assertEquals(2143, s.imap().port());
    assertEquals(25520, s.cluster().port());
    assertEquals(64 * 1024, s.imap().maxLineLength());
    assertEquals(50L * 1024 * 1024, s.imap().maxLiteralSize());
    assertEquals(Duration.ofMinutes(30), s.imap().idleTimeout());
    assertEquals("demo@localhost", s.demo().address());
    assertEquals(java.util.List.of("demo@localhost"), s.demo().addresses());
    assertEquals(Path.of("data", "demo-password"), s.demo().passwordFile());
    assertEquals(100, s.node().weight());
    assertEquals(2424, s.lmtp().port());
    assertTrue(s.smtp().mynetworks().isEmpty(), "no network is trusted by default, not even loopback");
  }

  @Test
  void numberedDemoUsersShareTheDomainAndASharedPasswordFileMayLieOutsideTheDataDir() {
    MailhiveSettings s = MailhiveSettings.load(with(
        "mailhive.demo.numbered-users = 3\nmailhive.node.data-dir = data/node2\nmailhive.demo.password-file = /srv/pw"));
    assertEquals(java.util.List.of("demo@localhost", "demo1@localhost", "demo2@localhost", "demo3@localhost"),
        s.demo().addresses());
    assertEquals(Path.of("/srv/pw"), s.demo().passwordFile());
  }

  @Test
  void aNegativeWeightNamesItsKey() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.node.weight = -1")));
    assertTrue(e.getMessage().contains("mailhive.node.weight"), e.getMessage());
  }

  @Test
  void malformedMynetworksEntryNamesTheKey() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.smtp.mynetworks = [\"10.0.0.0/33\"]")));
    assertTrue(e.getMessage().startsWith("mailhive.smtp.mynetworks = [10.0.0.0/33]: bad prefix length"), e.getMessage());
  }

  @Test
  void overridesAreReadWithUnits() {
    MailhiveSettings s = MailhiveSettings.load(with("mailhive.smtp.limits.max-message-size = 10M\nmailhive.imap.port = 143"));
    assertEquals(10L * 1024 * 1024, s.smtp().maxMessageSize());
    assertEquals(143, s.imap().port());
  }

  @Test
  void lineLengthBelowTheMinimumNamesTheKey() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.imap.limits.max-line-length = 12")));
    assertEquals("mailhive.imap.limits.max-line-length = 12: must be between 1k and 16M", e.getMessage());
  }

  @Test
  void portOutOfRangeNamesTheKey() {
    SettingsException e = assertThrows(SettingsException.class, () -> MailhiveSettings.load(with("mailhive.smtp.port = 70000")));
    assertTrue(e.getMessage().startsWith("mailhive.smtp.port = 70000: must be between 0 and 65535"), e.getMessage());
  }

  @Test
  void wrongTypeNamesTheKey() {
    SettingsException e = assertThrows(SettingsException.class, () -> MailhiveSettings.load(with("mailhive.imap.port = lots")));
    assertTrue(e.getMessage().startsWith("mailhive.imap.port = \"lots\": has the wrong type"), e.getMessage());
  }

  @Test
  void unknownRoleIsRefused() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.node.roles = [edge, storage]")));
    assertTrue(e.getMessage().startsWith("mailhive.node.roles = [edge, storage]: unknown role \"storage\""), e.getMessage());
  }

  @Test
  void malformedSeedIsRefused() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.cluster.seed-nodes = [\"127.0.0.1\"]")));
    assertTrue(e.getMessage().startsWith("mailhive.cluster.seed-nodes"), e.getMessage());
  }

  @Test
  void loginThrottlingIsOnAndMasterUsersAreNoneByDefault() {
    MailhiveSettings.AuthSettings a = MailhiveSettings.load(ConfigFactory.defaultReference()).auth();
    assertTrue(a.throttle().enabled());
    assertEquals(3, a.throttle().perIp().delayAfter());
    assertEquals(10, a.throttle().perIp().blockAfter());
    assertEquals(Duration.ofMinutes(15), a.throttle().perIp().blockFor());
    assertTrue(a.master().logins().isEmpty() && a.master().networks().isEmpty());
    assertEquals("*", a.master().separator());
  }

  @Test
  void aMasterLoginThatIsNoAddressOrABadNetworkNamesItsKey() {
    SettingsException login = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.auth.master.logins = [webmail]")));
    assertTrue(login.getMessage().startsWith("mailhive.auth.master.logins"), login.getMessage());
    SettingsException net = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.auth.master.networks = [\"webmail.example.org\"]")));
    assertTrue(net.getMessage().startsWith("mailhive.auth.master.networks"), net.getMessage());
    SettingsException delay = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.auth.throttle.delay-factor = 0")));
    assertTrue(delay.getMessage().startsWith("mailhive.auth.throttle.delay-factor = 0"), delay.getMessage());
  }

  @Test
  void outboundDefaultsToMxLookupWithPostfixLikeRetriesAndNoLocalCopyOfForwardedMail() {
    MailhiveSettings.OutboundSettings o = MailhiveSettings.load(ConfigFactory.defaultReference()).smtp().outbound();
    assertEquals("", o.relayhost());
    assertEquals(Duration.ofDays(5), o.maxLifetime());
    assertEquals(Duration.ofMinutes(5), o.retryInitial());
    assertEquals(25, o.mxPort());
    assertTrue(!o.forwardKeepsCopy());
  }

  @Test
  void aRelayhostWithoutPortStopsTheNodeNamingTheKey() {
    SettingsException e = assertThrows(SettingsException.class,
        () -> MailhiveSettings.load(with("mailhive.smtp.outbound.relayhost = \"smtp.example.org\"")));
    assertTrue(e.getMessage().startsWith("mailhive.smtp.outbound.relayhost = smtp.example.org: must be host:port"),
        e.getMessage());
    assertEquals("[10.0.0.1]:25", MailhiveSettings.load(with("mailhive.smtp.outbound.relayhost = \"[10.0.0.1]:25\""))
        .smtp().outbound().relayhost());
  }
}
