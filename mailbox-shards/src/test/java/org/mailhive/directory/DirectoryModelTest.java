package org.mailhive.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.directory.DirectoryEntry.Alias;
import org.mailhive.directory.DirectoryEntry.Domain;
import org.mailhive.directory.DirectoryEntry.Kind;
import org.mailhive.directory.DirectoryEntry.MailingList;
import org.mailhive.directory.DirectoryEntry.User;
import org.mailhive.directory.DirectorySnapshot.Outcome;

class DirectoryModelTest {
  @TempDir Path dir;
  private static final String SECRET_MD5 = "$1$caea3837$gPafod/Do/8Jj5M9HehhM.";

  private UserDirectory directory() {
    UserDirectory d = UserDirectory.open(dir.resolve("users"));
    d.putDomain(new Domain("example.org", true, null));
    d.putDomain(new Domain("hosted.example", false, null));
    d.putUser(new User("alice@example.org", "Alice", SECRET_MD5, true, 0, 0, null));
    d.putUser(new User("bob@example.org", "Bob", SECRET_MD5, true, 1000, 10, null));
    d.putUser(new User("gone@example.org", "Gone", SECRET_MD5, false, 0, 0, null));
    d.putUser(new User("carol@hosted.example", "Carol", SECRET_MD5, true, 0, 0, null));
    return d;
  }

  @Test
  void anInactiveUserCannotLogInAndIsRefusedAsInactiveNotUnknown() {
    UserDirectory d = directory();
    assertEquals(Optional.of("alice@example.org"), d.authenticate("Alice@Example.org", "secret"));
    assertEquals(Optional.empty(), d.authenticate("gone@example.org", "secret"));
    assertEquals(Outcome.INACTIVE, d.resolve("gone@example.org").outcome());
    assertEquals(Outcome.UNKNOWN, d.resolve("nobody@example.org").outcome());
    assertTrue(d.isLocalDomain("x@hosted.example"));
    assertFalse(d.isLocalDomain("x@elsewhere.example"));
  }

  @Test
  void aliasesAndListsExpandToActiveMembersOnceAndLoopsEnd() {
    UserDirectory d = directory();
    d.putAlias(new Alias("pr@example.org", "alice@example.org"));
    d.putList(new MailingList("team@example.org",
        List.of("bob@example.org", "pr@example.org", "gone@example.org", "all@example.org", "far@remote.example")));
    d.putList(new MailingList("all@example.org", List.of("team@example.org", "carol@hosted.example")));
    assertEquals(List.of("alice@example.org"), d.resolve("PR@example.org").users());
    var team = d.resolve("team@example.org");
    assertEquals(Outcome.DELIVER, team.outcome());
    assertEquals(List.of("bob@example.org", "alice@example.org", "carol@hosted.example"), team.users());
    assertEquals(List.of("far@remote.example"), team.remote());
    assertTrue(d.mayUse("alice@example.org", "pr@example.org"));
    assertFalse(d.mayUse("bob@example.org", "pr@example.org"));
    assertFalse(d.mayUse("alice@example.org", "team@example.org"));
  }

  @Test
  void anAliasToAnotherDomainResolvesToThatRemoteAddressAndAnUnknownOneOfOursToNothing() {
    UserDirectory d = directory();
    d.putAlias(new Alias("away@example.org", "someone@remote.example"));
    d.putAlias(new Alias("typo@example.org", "nobody@example.org"));
    var away = d.resolve("away@example.org");
    assertEquals(Outcome.DELIVER, away.outcome());
    assertEquals(List.of(), away.users());
    assertEquals(List.of("someone@remote.example"), away.remote());
    assertEquals(Outcome.UNKNOWN, d.resolve("typo@example.org").outcome());
    assertEquals(List.of(), d.resolve("someone@remote.example").remote());
  }

  @Test
  void catchAllIsOffByDefaultAndTakesOnlyUnknownAddressesOfItsDomain() {
    UserDirectory d = directory();
    assertEquals(Outcome.UNKNOWN, d.resolve("random@example.org").outcome());
    d.putDomain(new Domain("example.org", true, "bob@example.org"));
    assertEquals(List.of("bob@example.org"), d.resolve("random@example.org").users());
    assertEquals(List.of("alice@example.org"), d.resolve("alice@example.org").users());
    assertEquals(Outcome.INACTIVE, d.resolve("gone@example.org").outcome());
    assertEquals(Outcome.UNKNOWN, d.resolve("random@hosted.example").outcome());
  }

  @Test
  void removingAnEntryForgetsItAndRemovingNothingSaysSo() throws Exception {
    UserDirectory d = directory();
    assertTrue(d.remove(Kind.USER, "alice@example.org").toCompletableFuture().get().isPresent());
    assertEquals(Outcome.UNKNOWN, d.resolve("alice@example.org").outcome());
    assertTrue(d.remove(Kind.USER, "alice@example.org").toCompletableFuture().get().isEmpty());
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    UserDirectory d = directory();
    var e = assertThrows(IllegalArgumentException.class, () -> d.putDomain(new Domain("bad domain", false, null)));
    assertTrue(e.getMessage().contains("bad domain"));
    assertThrows(IllegalArgumentException.class, () -> d.putAlias(new Alias("alice@example.org", "bob@example.org")));
    assertThrows(IllegalArgumentException.class, () -> d.putUser(new User("x@example.org", "", SECRET_MD5, true, -1, 0, null)));
    assertThrows(IllegalArgumentException.class, () -> d.putList(new MailingList("l@example.org", List.of("not-an-address"))));
  }
}
