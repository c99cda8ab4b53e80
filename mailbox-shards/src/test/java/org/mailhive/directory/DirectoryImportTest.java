package org.mailhive.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.directory.DirectorySnapshot.Outcome;

class DirectoryImportTest {
  @TempDir Path dir;

  private static final String PASSWD = """
      # Dovecot passwd-file
      alice@example.org:{MD5-CRYPT}$1$caea3837$gPafod/Do/8Jj5M9HehhM.:5000:5000:Alice Liddell:/var/vmail/alice::userdb_quota_rule=*:storage=1G userdb_quota_rule2=*:messages=5000
      bob:$1$caea3837$gPafod/Do/8Jj5M9HehhM.:5000:5000::/var/vmail/bob::
      carol@hosted.example:{PLAIN}secret::::::
      broken-line-without-password
      """
  ;

  @Test
  void aDovecotPasswdFileBecomesUsersWithTheirHashesNamesAndQuotas() {
    DirectoryImport.Result r = DirectoryImport.passwdFile(PASSWD, "example.org");
    assertEquals(3, r.users());
    assertEquals(1, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().get(0).startsWith("line 5:"), r.warnings().toString());
    UserDirectory d = UserDirectory.open(dir.resolve("users"));
    d.importEntries(r.entries());
    var alice = d.userEntry("alice@example.org").orElseThrow();
    assertEquals("Alice Liddell", alice.realName());
    assertEquals(1024L * 1024 * 1024, alice.quotaBytes());
    assertEquals(5000, alice.quotaMessages());
    assertEquals(Optional.of("alice@example.org"), d.authenticate("alice@example.org", "secret"));
    assertEquals(Optional.of("bob@example.org"), d.authenticate("bob@example.org", "secret"));
    assertEquals(Optional.of("carol@hosted.example"), d.authenticate("carol@hosted.example", "secret"));
    assertFalse(d.userEntry("carol@hosted.example").orElseThrow().passwordHash().contains("secret"));
    assertTrue(d.isLocalDomain("x@hosted.example"));
  }

  @Test
  void postfixAliasesAndVirtualFilesBecomeAliasesListsDomainsAndCatchAll() {
    UserDirectory d = UserDirectory.open(dir.resolve("users"));
    d.importEntries(DirectoryImport.passwdFile(PASSWD, "example.org").entries());
    DirectoryImport.Result aliases = DirectoryImport.aliasFile("""
        postmaster: alice
        team: alice, bob,
          carol@hosted.example
        backup: |/usr/bin/backup
        """, "example.org");
    assertEquals(1, aliases.aliases());
    assertEquals(1, aliases.lists());
    assertEquals(1, aliases.warnings().size(), aliases.warnings().toString());
    DirectoryImport.Result virtual = DirectoryImport.aliasFile("""
        virtual.example          anything
        info@virtual.example     alice@example.org
        @virtual.example         bob@example.org
        """, null);
    d.importEntries(aliases.entries());
    d.importEntries(virtual.entries());
    assertEquals(List.of("alice@example.org"), d.resolve("postmaster@example.org").users());
    assertEquals(List.of("alice@example.org", "bob@example.org", "carol@hosted.example"),
        d.resolve("team@example.org").users());
    assertEquals(List.of("alice@example.org"), d.resolve("info@virtual.example").users());
    assertEquals(List.of("bob@example.org"), d.resolve("whoever@virtual.example").users());
    assertEquals(Outcome.UNKNOWN, d.resolve("backup@example.org").outcome());
  }
}
