package org.mailhive.node;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mailhive.directory.UserDirectory;

/**
 * Runs Apache James' IMAP MPT scripts (../shared/conformance/james-mpt/imap/) against an in-process node over
 * real sockets, in strict and lenient mode, and prints {@code N passed, N failed} for each.
 *
 * <p>Each script gets its own users ({@code s<N>-imapuser@localhost} for the script's {@code imapuser}, and so
 * on), so scripts start from a fresh account without restarting the node; LOGIN lines are rewritten to those
 * names (our directory has only full addresses). The runner injects the pre-amble MANIFEST-imap.tsv names (the
 * first of its alternatives), with SelectedStateSetup.test always compared leniently since it is harness, not
 * test. The skip list below gives a reason for every script not attempted.
 *
 * <p>Lenient mode is what ../shared/conformance/README.md describes (see {@link MptRunner}); on top of it the runner
 * only adapts the client side, in lenient mode and for reviewed lists of scripts: mailbox commands of scripts that
 * build hierarchies with James' "." use our "/" ({@link #DOT_HIERARCHY}), a few command lines with two spaces
 * between arguments are sent with one ({@link #SPACES_COLLAPSED}), the special-use folders every new account gets
 * are removed after LOGIN (James' accounts start with INBOX only), and mailboxes James' Java tests create are
 * created ({@link #FIXTURES}). Lenient passes are asserted as a floor and as at least 90 % of the scripts attempted
 * (issue #4, acceptance 1); raise the floor when more scripts pass.
 *
 * <p>Measured 2026-11-26: 64 passed, 3 failed of 67 attempted (95 %): ObjectId runs now that OBJECTID (RFC 8474)
 * exists, and UserFlagsSupport and ConcurrentDeleteSelected pass. Before: 60 of 65 (2026-11-25), and 34 of 96 before that round. Causes found
 * and what became of them:
 * <ul>
 *   <li>Server fixes (each with a unit test or covered by these scripts): FETCH BODY[HEADER.FIELDS (…)] echoes the
 *       field names as the client wrote them (FetchCommandTest); "* n RECENT" after an expunge that changed the
 *       count (RFC 3501 §7.3.2, MailboxViewTest); unsolicited FETCH carries the UID only after a UID command, as
 *       Dovecot does (MailboxViewTest); STORE answers FETCH for every message named, also unchanged ones (RFC 3501
 *       §6.4.6); other sessions' flag changes and new mail go out with any command's OK (RFC 3501 §7), not only
 *       with mailbox commands; no FETCH FLAGS for a message already expunged (MailboxViewTest); SEARCH BODY looks
 *       at the decoded bodies of the MIME parts (preambles included), not at part headers, and SEARCH TEXT also at
 *       decoded encoded words and bodies, as James and Dovecot do (MessageTextTest); FLAGS and PERMANENTFLAGS list
 *       the keywords in use, announced again when a new one appears (RFC 3501 §7.2.6, KeywordsTest); a session
 *       whose selected mailbox another session deletes gets BYE at its next command, as Dovecot does (RFC 2180
 *       §3.3); LSUB per RFC 3501 §6.3.9 (LsubLinesTest).</li>
 *   <li>Runner fixes: a bare "S:" is an expected empty line (the blank line inside a literal: the "extra blank line"
 *       in FetchPeek/FetchRFC822* was the runner's, not the server's); a literal line starting with "*" is not an
 *       untagged response; SUB blocks join the unordered run before the tagged line; James-only
 *       [MAILBOXID]/[HIGHESTMODSEQ] lines are dropped from SUB blocks too.</li>
 *   <li>Tolerated by lenient mode as the README allows: James' wording, order of untagged lines, the "." delimiter
 *       field in LIST/LSUB. Not James' [MAILBOXID] any more: we send it on SELECT, EXAMINE and CREATE too.</li>
 *   <li>Skipped with the reason in {@link #SKIPPED}: extensions not implemented (ACL, METADATA, QUOTA, CONDSTORE,
 *       PARTIAL, REPLACE; the ESEARCH scripts need MODSEQ), James-only items (SAVEDATE, XLIST, delegation), stale scripts, and
 *       James-specific choices that the RFC or Dovecot contradict (BYE on a bad command, NO in the wrong state,
 *       upper-cased MIME tokens, FETCH (), ID NIL, no COPYUID before MOVE's EXPUNGEs, …).</li>
 * </ul>
 *
 * <p>Still failing, all real differences left for later:
 * <ul>
 *   <li>ConcurrentExistsResponse: STATUS RECENT of a mailbox another session has selected counts messages that
 *       session already claimed (James 1, we 0): the mailbox entity hands a new message's \Recent to a selecting
 *       session when it pushes the message, James (and Dovecot) when that session next synchronises. RFC 3501
 *       §2.3.2 does not say which moment counts.</li>
 *   <li>ListSubscribed: passes up to LIST (REMOTE), which James answers with no mailboxes ("not yet supported");
 *       RFC 5258 §3.1 makes REMOTE add remote mailboxes to the local ones, and we have none, so we list the local
 *       ones. The rest of the script (\Subscribed, \NonExistent, CHILDINFO) is covered by ImapEsearchListIT.</li>
 *   <li>Subscribe: passes up to UNSUBSCRIBE of a name that is not subscribed, which James answers OK and we NO
 *       [NONEXISTENT] (RFC 3501 §6.3.7: NO, "can't unsubscribe that name"). Its LSUB parts pass since LSUB lists a
 *       subscribed name whose mailbox is gone with no attributes and "%" shows an unsubscribed parent \Noselect
 *       (RFC 3501 §6.3.9, LsubLines); its "LSUB "" "%"    " with trailing spaces is sent trimmed
 *       ({@link #SPACES_COLLAPSED}).</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JamesMptIT {
  private static final Path ROOT = Path.of("..", "..", "shared", "conformance", "james-mpt");
  private static final Pattern LOGIN = Pattern.compile("(?i)(LOGIN +)(\"?)(imapuser|boby|diana|delegate)(\"?)( )");
  private static final List<String> USERS = List.of("imapuser", "boby", "diana", "delegate");
  private static final Pattern LITERAL = Pattern.compile("~?\\{(\\d+)\\+?}$");
  private static final Pattern MAILBOX_COMMAND = Pattern.compile("(?i)^([^ ]+ (?:UID )?(?:CREATE|DELETE|RENAME|LIST|LSUB"
      + "|SUBSCRIBE|UNSUBSCRIBE|SELECT|EXAMINE|STATUS|APPEND|COPY|MOVE) )(.*)$");
  private static final List<String> SPECIAL_USE = List.of("Drafts", "Sent", "Junk", "Trash");

  /** Measured: 64 of 67 attempted pass leniently; the remaining failures are in the class Javadoc. */
  private static final int LENIENT_FLOOR = 64;
  private static final int REQUIRED_PERCENT = 90;
  private static final int STRICT_FLOOR = 0;
  private static final boolean STRICT = Boolean.getBoolean("mailhive.mpt.strict");

  /** Scripts not attempted, each with the reason. Reviewed; shrink it as features land. */
  static final Map<String, String> SKIPPED = new LinkedHashMap<>();

  /**
   * Scripts that build a mailbox hierarchy with James' delimiter "." ({@code CREATE listtest.subfolder}). A client
   * learns the delimiter from LIST and writes hierarchies with it, so lenient mode sends these scripts' mailbox
   * commands with our "/" and reads "/" in our LIST, LSUB and STATUS names as ".". RFC 3501 §5.1.1 leaves the
   * delimiter to the server; Dovecot's is "/" with most mailbox formats.
   */
  /**
   * Scripts that send two spaces between arguments in a few commands (e.g. {@code STORE 1  FLAGS}) or end a command
   * with spaces (Subscribe's {@code LSUB "" "%"    }), which RFC 3501 §9 does not allow and we answer with BAD. The
   * scripts test EXPUNGE, RENAME, SEARCH and LSUB, not the spacing, so lenient mode sends those command lines with
   * single spaces and none at the end (literal bytes are never touched).
   */
  static final Set<String> DOT_HIERARCHY = Set.of("ConcurrentRenameSelectedSub", "ListMailboxes", "ListOnly",
      "ListPercentWildcard", "ListSubscribed", "RenameInbox", "SelectEmpty", "Subscribe");

  /** Mailboxes James' Java test classes create before a script (not in MANIFEST-imap.tsv), as IMAP commands. */
  static final Map<String, List<String>> FIXTURES = Map.of("ListSpecialChar",
      List.of("CREATE \"projects &- abc\"", "CREATE \"&AOk-valuations\"", "CREATE \"mailbox #17\""));

  static final Set<String> SPACES_COLLAPSED = Set.of("ExpungeBasics", "Rename", "SearchCombinations",
      "UidSearchAtoms", "UidSearchAtomsIndexer", "UidSearchCombinations", "Subscribe");

  static {
    skip("ACL implementation (RFC 4314) not implemented", "ACLCommandsOnOtherUser", "ACLCommandsOnOwner", "Rights",
        "ListWithSharedMailbox", "RenameSharedMailbox", "SharedMailbox");
    skip("METADATA (RFC 5464) not implemented", "Metadata", "MetadataWithBinaryData", "MetadataWithLimitation");
    skip("needs James' test-fixture quota (a limit preset on imapuser) and its #private namespace; QUOTA (RFC 9208) is covered by QuotaIT", "Quota");
    skip("asserts a server without CONDSTORE (no capability, empty ENABLED); this one has it", "CondstoreDisable");
    skip("SEARCH RETURN (MIN) MODSEQ 8 expects a hit at James' mod-sequence numbering (a message at 8 or above "
        + "after its few changes); ours counts differently and RFC 7162 fixes no numbering. ESEARCH with MODSEQ is "
        + "covered by SearchReturnTest and ImapQresyncIT", "SearchOptionAggregations");
    skip("expects \"* SEARCH 1\" for SEARCH RETURN (SAVE); RFC 5182 §2.2 (and its example A282) give no ESEARCH or "
        + "SEARCH response when SAVE is the only option, as we do (ImapEsearchListIT)", "SearchOptionSave");
    skip("REPLACE (RFC 8508) not implemented", "Replace");
    skip("SAVEDATE is a James-only FETCH/SEARCH item", "FetchSaveDate", "SearchSaveDate", "FetchNILSaveDate");
    skip("asserts James' capability list (SAVEDATE) rather than any RFC behaviour", "Capability");
    skip("XLIST is a Gmail/James-only predecessor of SPECIAL-USE", "XList");
    skip("tests James' delegation (authzid impersonation) of user 'delegate'", "AuthenticatePlain");
    skip("PARTIAL (RFC 9394) not implemented yet", "FetchPartial");
    // James-specific choices that contradict the RFC or what Dovecot does (the README's "reviewed list").
    skip("James closes the connection (* BYE) on a malformed or unknown command; RFC 3501 §7.1.3 asks for BAD, and "
        + "Dovecot answers BAD and goes on (it disconnects only after many bad commands)", "BadTag", "BogusCommand",
        "IllegalTag", "JustTag", "NoCommand", "NoTag");
    skip("James disconnects after three failed LOGINs; RFC 3501 §6.2.3 asks for NO per attempt, which we send "
        + "(with [AUTHENTICATIONFAILED], RFC 5530)", "LoginThreeStrikes");
    skip("James answers NO for a command in the wrong state; Dovecot answers BAD, as we do (RFC 3501 §7.1.3: a "
        + "command the server cannot accept now is a protocol-level error)", "ValidAuthenticated",
        "ValidNonAuthenticated", "ValidSelected");
    skip("FETCH 1:* in an empty mailbox: James answers OK, Dovecot BAD (\"when there are no messages, all "
        + "messagesets are invalid\"), as we do", "FetchAllEmptyMailbox");
    skip("UID MOVE of no existing message: James answers BAD; RFC 3501 §6.4.8 says UIDs that do not exist are "
        + "ignored, and Dovecot answers OK, as we do", "MoveNoMSG");
    skip("MOVE: James sends no COPYUID before the EXPUNGEs; RFC 6851 §4.3 says it SHOULD come in an untagged OK "
        + "before them, as Dovecot and we send it", "Move");
    skip("ID: asserts James' choice of answering ID NIL; RFC 2971 §3.1 lets the server name itself, as Dovecot does",
        "Id");
    skip("James upper-cases MIME type, subtype and default encoding in BODY/BODYSTRUCTURE (\"TEXT\" \"PLAIN\" "
        + "\"7BIT\"); the values are case-insensitive (RFC 2045 §5.1, §6.1) and Dovecot, which issue #4 "
        + "acceptance 2 compares us with, keeps them as written and answers \"7bit\" for the default",
        "FetchSingleMessage", "FetchStructureEmbedded");
    skip("James creates mailbox names containing the LIST wildcards * and %; RFC 3501 §5.1 advises against them "
        + "and Dovecot refuses them, as we do", "ListWithPercentWildcardInMailboxName");
    skip("James' limit of 200 characters for a mailbox name; Dovecot allows longer names",
        "CreateErrorWithLongName");
    skip("asserts STATUS with spaces inside the item list, which RFC 3501 §9 does not allow and we reject, and "
        + "James' order of the items in the answer (RFC 3501 §7.2.4 fixes none; we keep the client's)", "Status");
    skip("NAMESPACE: asserts James' \"#user.\" other-users namespace, which belongs to shared mailboxes (ACL, not "
        + "implemented)", "Namespace");
    skip("sends FETCH 1:* () and expects \"* n FETCH ()\"; RFC 3501 §9 needs at least one FETCH item (and at least "
        + "one in the answer), and Dovecot answers BAD \"FETCH list is empty\", as we do", "FetchMultipartBodyStructure",
        "FetchSimpleBodyStructure", "FetchStructureComplex");
    skip("asserts James' order of FETCH items (UID after INTERNALDATE); RFC 3501 §7.4.2 fixes no order, and "
        + "Dovecot, like us, puts UID first", "Uid");
    skip("LIST of James' \"#private\" namespace prefix; our only namespace is the personal one with prefix \"\" "
        + "(RFC 2342), as in the Dovecot set-ups we replace", "ListNamespace");
    skip("SEARCH MODSEQ (CONDSTORE, RFC 7162) and SEARCH RETURN (PARTIAL) (RFC 9394) not implemented yet",
        "SearchAtoms");
    skip("LIST RETURN (MYRIGHTS) is ACL (RFC 4314), not implemented", "ListPlus");
    skip("James answers BAD to CREATE of an invalid name (\"..\"); Dovecot answers NO, as we do with [CANNOT] "
        + "(RFC 5530)", "Create");
    skip("asserts that \\Recent survives a failed SELECT and a re-SELECT in the same session (James keeps it); "
        + "RFC 3501 §2.3.2 does not say, and Dovecot, like us, gives a session's \\Recent up when it leaves the "
        + "mailbox", "RenameSelected");
    skip("James does not create the superior names a RENAME needs (LIST shows no \"alpha\" after RENAME one.two "
        + "alpha.beta); RFC 3501 §6.3.5 says the server SHOULD create them, and we do", "RenameHierarchy");
    skip("not run by any James test class (stale) or a pre-amble file itself", "ComplexMail", "InboxAddMessages",
        "InboxDeleteMessages", "PeekMultipartAlternative", "PeekMultipartMixed", "PeekMultipartMixedComplex",
        "SelectInbox", "SelectedStateCleanup", "SelectedStateSetup", "Welcome");
  }

  private static void skip(String reason, String... scripts) {
    for (String s : scripts) {
      SKIPPED.put(s, reason);
    }
  }

  TestNode node;
  int userCounter;
  
  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    UserDirectory directory = UserDirectory.open(dir.resolve("users")); // the file the node's directory reads
    int n = 0;
    for (int mode = 0; mode < (STRICT ? 2 : 1); mode++) {
      for (Entry e : attempted()) {
        n++;
        String text = Files.readString(ROOT.resolve("imap").resolve(e.script() + ".test"), StandardCharsets.UTF_8)
            .toLowerCase(Locale.ROOT);
        for (String u : USERS) {
          if (u.equals("imapuser") || text.contains(u)) {
            directory.setPassword(user(n, u), u.equals("delegate") ? "123456" : "password");
          }
        }
      }
    }
    node = TestNode.start(dir);
  }

  private List<Entry> attempted() throws Exception {
    List<Entry> out = new ArrayList<>();
    for (Entry e : manifest()) {
      if (!SKIPPED.containsKey(e.script()) && !e.script().startsWith("aclIntegration/")
          && !e.script().startsWith("SharingAccess")) {
        out.add(e);
      }
    }
    return out;
  }

  @AfterAll
  void stop() throws Exception {
    node.close();
  }

  record Entry(String script, List<Integer> sessions, String preamble) {}

  private List<Entry> manifest() throws Exception {
    List<Entry> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(ROOT.resolve("MANIFEST-imap.tsv"), StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      List<Integer> sessions = new ArrayList<>();
      if (f[3].equals("-")) {
        sessions.add(1);
      } else {
        for (String s : f[3].split(",")) {
          sessions.add(Integer.parseInt(s.trim()));
        }
      }
      out.add(new Entry(f[0], sessions, f[5].split(" \\| ")[0]));
    }
    return out;
  }

  @Test
  void jamesScriptsPassInLenientMode() throws Exception {
    int passed = runAll(true);
    int attempted = attempted().size();
    assertTrue(passed >= LENIENT_FLOOR, "lenient passes fell below the floor: " + passed + " < " + LENIENT_FLOOR);
    assertTrue(passed * 100 >= attempted * REQUIRED_PERCENT,
        "issue #4 asks for " + REQUIRED_PERCENT + " % of the attempted scripts: " + passed + " of " + attempted);
  }

  @Test
  void jamesScriptsPassInStrictMode() throws Exception {
    // Strict mode fails nearly every script on James' own wording; run it on demand to see how far apart we are.
    assumeTrue(STRICT, "strict mode runs with -Dmailhive.mpt.strict=true");
    int passed = runAll(false);
    assertTrue(passed >= STRICT_FLOOR, "strict passes fell below the floor: " + passed + " < " + STRICT_FLOOR);
  }

  private int runAll(boolean lenient) throws Exception {
    int passed = 0;
    int failed = 0;
    List<String> failures = new ArrayList<>();
    for (Entry e : attempted()) {
      String error = runOne(e, lenient);
      if (error == null) {
        passed++;
      } else {
        failed++;
        failures.add(e.script() + ": " + error);
      }
    }
    String mode = lenient ? "lenient" : "strict";
    SKIPPED.forEach((script, reason) -> System.out.println("mpt " + mode + " SKIP " + script + ": " + reason));
    manifest().stream().map(Entry::script).filter(n -> n.startsWith("aclIntegration/") || n.startsWith("SharingAccess"))
        .forEach(n -> System.out.println("mpt " + mode + " SKIP " + n + ": ACL (RFC 4314) not implemented"));
    failures.forEach(f -> System.out.println("mpt " + mode + " FAIL " + f));
    System.out.println("mpt " + mode + " (skipped " + (SKIPPED.size()) + " listed + aclIntegration/* and SharingAccess*"
        + " for ACL): " + passed + " passed, " + failed + " failed");
    return passed;
  }

  private String runOne(Entry e, boolean lenient) {
    int n = ++userCounter;
    MptRunner runner = new MptRunner(node.imapPort(), lenient);
    try {
      Path file = ROOT.resolve("imap").resolve(e.script() + ".test");
      MptScript script = MptScript.parse(e.script(), file, e.sessions());
      for (int s : e.sessions()) {
        preamble(runner, s, n, e.preamble(), e.script());
      }
      List<MptScript.Step> steps = new ArrayList<>();
      Map<Integer, Long> literalLeft = new HashMap<>();
      boolean collapse = lenient && SPACES_COLLAPSED.contains(e.script());
      boolean hierarchy = lenient && DOT_HIERARCHY.contains(e.script());
      runner.readDotHierarchy(hierarchy);
      for (MptScript.Step step : script.steps()) {
        if (step.kind() != MptScript.Kind.SEND) {
          steps.add(step);
          continue;
        }
        long left = literalLeft.getOrDefault(step.session(), 0L);
        String text = step.text();
        if (left > 0) {
          literalLeft.put(step.session(), left - text.getBytes(StandardCharsets.UTF_8).length - 2);
        } else {
          if (collapse) {
            text = text.replaceAll(" {2,}", " ").replace("( ", "(").replace(" )", ")").stripTrailing();
          }
          if (hierarchy) {
            text = slashHierarchy(text);
          }
          text = rewriteLogin(text, n);
          Matcher literal = LITERAL.matcher(text);
          literalLeft.put(step.session(), literal.find() ? Long.parseLong(literal.group(1)) : 0L);
        }
        steps.add(new MptScript.Step(step.session(), step.kind(), text, step.unordered()));
      }
      runner.run(steps);
      return null;
    } catch (MptRunner.Mismatch | java.io.IOException ex) {
      return ex.getMessage();
    } catch (Exception ex) {
      return ex.toString();
    } finally {
      runner.closeAll();
    }
  }

  private void preamble(MptRunner runner, int session, int n, String preamble, String script) throws Exception {
    if (preamble.startsWith("(none") || preamble.equals("-")) {
      return;
    }
    MptRunner.Conn c = runner.conn(session);
    String greeting = c.line();
    if (!greeting.startsWith("* OK")) {
      throw new MptRunner.Mismatch("greeting: " + greeting);
    }
    if (preamble.contains("LOGIN")) {
      c.send("a001 LOGIN " + user(n, "imapuser") + " password");
      String l = c.line();
      if (!l.startsWith("a001 OK")) {
        throw new MptRunner.Mismatch("pre-amble login: " + l);
      }
    }
    if (preamble.contains("LOGIN")) {
      // James' harness gives a new user only INBOX; ours also creates the special-use folders (issue #4), which
      // would show up in every LIST the scripts expect. Removing them is fixture set-up, not part of the test.
      // A second session of the same script finds them gone already, hence no check of the answers.
      for (String folder : SPECIAL_USE) {
        for (String command : List.of("UNSUBSCRIBE ", "DELETE ")) {
          c.send("a000 " + command + folder);
          String l;
          do {
            l = c.line();
          } while (!l.startsWith("a000 "));
        }
      }
    }
    for (String command : FIXTURES.getOrDefault(script, List.of())) {
      c.send("a000 " + command);
      String l;
      do {
        l = c.line();
      } while (!l.startsWith("a000 "));
      if (!l.startsWith("a000 OK")) {
        throw new MptRunner.Mismatch("fixture " + command + ": " + l);
      }
    }
    if (preamble.contains("SELECT INBOX")) {
      c.send("a002 SELECT INBOX");
      String l;
      do {
        l = c.line();
      } while (!l.startsWith("a002 "));
    }
    if (preamble.contains("SelectedStateSetup")) {
      MptScript setup = MptScript.parse("SelectedStateSetup", ROOT.resolve("imap/SelectedStateSetup.test"), List.of(session));
      new MptRunnerView(runner).runLenient(setup.steps());
    }
  }

  /** Runs the harness pre-amble leniently on the same connections, whatever mode the test itself uses. */
  private record MptRunnerView(MptRunner strictOrLenient) {
    void runLenient(List<MptScript.Step> steps) throws Exception {
      strictOrLenient.runWithMode(steps, true);
    }
  }

  private static String user(int n, String u) {
    return "s" + n + "-" + u + "@localhost";
  }

  /** In a mailbox command, writes the hierarchy with our delimiter "/" where the script uses James' ".". */
  static String slashHierarchy(String line) {
    Matcher m = MAILBOX_COMMAND.matcher(line);
    return m.matches() ? m.group(1) + m.group(2).replace('.', '/') : line;
  }

  static String rewriteLogin(String line, int n) {
    Matcher m = LOGIN.matcher(line);
    return m.find() ? m.replaceFirst("$1$2" + Matcher.quoteReplacement(user(n, m.group(3).toLowerCase(Locale.ROOT)))
        + "$4$5") : line;
  }
}
