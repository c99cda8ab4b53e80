package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5256 §4: ORDEREDSUBJECT and REFERENCES on hand-built message sets, checked on the THREAD response. */
class ThreadAlgorithmsTest {

  /** Message {@code seq}, sent at {@code date}, with a Message-ID (or null) and references, oldest first. */
  private static SortableMessage msg(int seq, long date, String subject, String id, String... refs) {
    return new SortableMessage(seq, seq, 1, 100, 0, date, BaseSubject.of(subject), "", "", "", "", "", id,
        List.of(refs));
  }

  private static String references(SortableMessage... messages) {
    return ThreadNode.response(ThreadReferences.threads(List.of(messages)));
  }

  private static String orderedSubject(SortableMessage... messages) {
    return ThreadNode.response(ThreadOrderedSubject.threads(List.of(messages)));
  }

  private static ThreadNode node(int seq, ThreadNode... children) {
    ThreadNode n = new ThreadNode(seq == 0 ? null : msg(seq, seq, "", null));
    for (ThreadNode c : children) {
      n.add(c);
    }
    return n;
  }

  @Test
  void rendersTheRfcExamplesOfThreadResponses() {
    // RFC 5256 §4: "(2)(3 6 (4 23)(44 7 96))", and a dummy parent: "((3)(5))".
    assertEquals("THREAD (2)(3 6 (4 23)(44 7 96))", ThreadNode.response(List.of(node(2),
        node(3, node(6, node(4, node(23)), node(44, node(7, node(96))))))));
    assertEquals("THREAD ((3)(5))", ThreadNode.response(List.of(node(0, node(3), node(5)))));
  }

  @Test
  void orderedSubjectMakesTheEarliestTheParentOfTheRestAndOrdersThreadsByTheirFirstMessage() {
    assertEquals("THREAD (1 (4)(2)(5))(3)", orderedSubject(
        msg(1, 10, "hello", null), msg(2, 30, "Re: hello", null), msg(3, 20, "other", null),
        msg(4, 20, "re: HELLO", null), msg(5, 50, "[list] Hello", null)));
  }

  @Test
  void orderedSubjectWithOneReplyIsAFlatList() {
    assertEquals("THREAD (2 1)", orderedSubject(msg(1, 20, "Re: a", null), msg(2, 10, "a", null)));
  }

  @Test
  void orderedSubjectBreaksEqualDatesBySequenceNumber() {
    assertEquals("THREAD (1 (2)(3))", orderedSubject(msg(3, 5, "x", null), msg(1, 5, "x", null), msg(2, 5, "x", null)));
  }

  @Test
  void anEmptyResultIsABareThread() {
    assertEquals("THREAD", references());
    assertEquals("THREAD", orderedSubject());
  }

  @Test
  void referencesFollowsTheChainAndNestsSiblings() {
    assertEquals("THREAD (1 (2 3)(4))", references(
        msg(1, 1, "topic", "<a@x>"),
        msg(2, 2, "Re: topic", "<b@x>", "<a@x>"),
        msg(3, 3, "Re: topic", "<c@x>", "<a@x>", "<b@x>"),
        msg(4, 4, "Re: topic", "<d@x>", "<a@x>")));
  }

  @Test
  void aReplyArrivingBeforeItsParentStillHangsUnderIt() {
    assertEquals("THREAD (2 1)", references(msg(1, 2, "Re: t", "<b@x>", "<a@x>"), msg(2, 1, "t", "<a@x>")));
  }

  @Test
  void aMissingParentOfSeveralMessagesStaysAsADummyAtTheTop() {
    assertEquals("THREAD ((1)(2))", references(
        msg(1, 1, "one", "<b@x>", "<gone@x>"), msg(2, 2, "two", "<c@x>", "<gone@x>")));
  }

  @Test
  void aMissingParentOfOneMessageGivesWayToIt() {
    assertEquals("THREAD (1)", references(msg(1, 1, "Re: one", "<b@x>", "<gone@x>")));
  }

  @Test
  void aMissingMessageInsideAThreadGivesWayToItsChildren() {
    assertEquals("THREAD (1 (2)(3))", references(
        msg(1, 1, "t", "<a@x>"),
        msg(2, 2, "x", "<b@x>", "<a@x>", "<gone@x>"),
        msg(3, 3, "y", "<c@x>", "<a@x>", "<gone@x>")));
    assertEquals("THREAD (1 2)", references(msg(1, 1, "t", "<a@x>"), msg(2, 2, "x", "<b@x>", "<a@x>", "<gone@x>")));
  }

  @Test
  void aReplyWithTheSameSubjectBecomesAChildOfTheOriginal() {
    assertEquals("THREAD (1 2)(3)", references(
        msg(1, 1, "hello", "<a@x>"), msg(2, 2, "Re: hello", "<b@x>"), msg(3, 3, "other", "<c@x>")));
  }

  @Test
  void twoOriginalsWithTheSameSubjectGoUnderANewDummy() {
    assertEquals("THREAD ((1)(2))", references(msg(1, 1, "hello", "<a@x>"), msg(2, 2, "[list] HELLO", "<b@x>")));
  }

  @Test
  void twoRepliesWithTheSameSubjectGoUnderANewDummy() {
    assertEquals("THREAD ((1)(2))", references(msg(1, 1, "Re: hello", "<a@x>"), msg(2, 2, "Re: hello", "<b@x>")));
  }

  @Test
  void aThreadUnderADummyTakesInAMessageWithItsSubject() {
    assertEquals("THREAD ((1)(2)(3))", references(
        msg(1, 1, "Re: topic", "<a@x>", "<gone@x>"), msg(2, 2, "Re: topic", "<b@x>", "<gone@x>"),
        msg(3, 3, "topic", "<c@x>")));
  }

  @Test
  void twoDummyThreadsWithTheSameSubjectShareTheirChildren() {
    assertEquals("THREAD ((1)(3)(2)(4))", references(
        msg(1, 1, "Re: topic", "<a@x>", "<gone1@x>"), msg(2, 3, "Re: topic", "<b@x>", "<gone1@x>"),
        msg(3, 2, "Re: topic", "<c@x>", "<gone2@x>"), msg(4, 4, "Re: topic", "<d@x>", "<gone2@x>")));
  }

  @Test
  void emptySubjectsAreNeverMerged() {
    assertEquals("THREAD (1)(2)", references(msg(1, 1, "", "<a@x>"), msg(2, 2, "Re:", "<b@x>")));
  }

  @Test
  void referencesThatFormACycleAreNotLinkedAroundIt() {
    // 1 says b is its parent, 2 (which is b) says 1 is its parent: the second link would close a loop.
    assertEquals("THREAD (2 1)", references(msg(1, 1, "x", "<a@x>", "<b@x>"), msg(2, 2, "y", "<b@x>", "<a@x>")));
    assertEquals("THREAD (1)", references(msg(1, 1, "x", "<a@x>", "<a@x>")));
    assertEquals("THREAD (1)", references(msg(1, 1, "x", "<a@x>", "<c@x>", "<d@x>", "<c@x>")));
  }

  @Test
  void aDuplicateMessageIdMakesTheSecondMessageAThreadOfItsOwn() {
    assertEquals("THREAD (1 3)(2)", references(
        msg(1, 1, "x", "<a@x>"), msg(2, 2, "y", "<a@x>"), msg(3, 3, "z", "<c@x>", "<a@x>")));
  }

  @Test
  void messagesWithoutMessageIdsAreThreadsOfTheirOwn() {
    assertEquals("THREAD (2)(1)", references(msg(1, 2, "x", null), msg(2, 1, "y", null)));
  }

  @Test
  void anExistingParentIsKeptWhenALaterMessageReferencesDifferently() {
    // 2 puts b under a; 3 claims b's parent is z: RFC 5256 step 1A keeps the first link, so 3 stays in a's thread.
    assertEquals("THREAD (1 (2)(3))(4)", references(
        msg(1, 1, "t", "<a@x>"),
        msg(2, 2, "u", "<c@x>", "<a@x>", "<b@x>"),
        msg(3, 4, "v", "<d@x>", "<z@x>", "<b@x>"),
        msg(4, 3, "w", "<z@x>")));
  }

  @Test
  void siblingsGoBySentDateThenSequenceNumber() {
    assertEquals("THREAD (1 (3)(2)(4))", references(
        msg(1, 1, "t", "<a@x>"), msg(2, 5, "u", "<b@x>", "<a@x>"), msg(3, 2, "v", "<c@x>", "<a@x>"),
        msg(4, 5, "w", "<d@x>", "<a@x>")));
  }
}
