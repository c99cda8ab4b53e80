package org.mailhive.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5256 §2.1: the base subject and whether a reply or forward decoration was taken off. */
class BaseSubjectTest {

  @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "hello                                 | hello          | false",
      "Re: hello                             | hello          | true",
      "RE: Re: re: hello                     | hello          | true",
      "Fwd: hello                            | hello          | true",
      "FW: hello                             | hello          | true",
      "Re [list]: hello                      | hello          | true",
      "Re: [list] hello                      | hello          | true",
      "[list] Re: hello                      | hello          | true",
      "[a][b] Re: hello                      | hello          | true",
      "[list] hello                          | hello          | false",
      "[list]                                | [list]         | false",
      "Re: [list]                            | [list]         | true",
      "hello (fwd)                           | hello          | true",
      "hello (FWD) (fwd)                     | hello          | true",
      "[fwd: hello]                          | hello          | true",
      "[Fwd: Re: hello] (fwd)                | hello          | true",
      "Re: [fwd: Re: hello]                  | hello          | true",
      "Ref: hello                            | Ref: hello     | false",
      "Reply to this                         | Reply to this  | false",
      "Re:                                   | ''             | true",
      "'  hello \t  world  '                 | hello world    | false",
      "=?UTF-8?Q?Re=3A_caf=C3=A9?=           | café           | true",
      "Re: =?ISO-8859-1?Q?caf=E9?= (fwd)     | café           | true",
      "=?x-unknown?Q?abc?=                   | =?x-unknown?Q?abc?= | false",
  })
  void extractsTheBaseSubject(String subject, String base, boolean replyOrForward) {
    BaseSubject s = BaseSubject.of(subject);
    assertEquals(base, s.text());
    assertEquals(replyOrForward, s.replyOrForward());
  }

  @Test
  void foldsTabsAndLineBreaksToOneSpace() {
    assertEquals("hello world", BaseSubject.of("hello\r\n world").text());
    assertEquals("hello", BaseSubject.of("Re:\thello").text());
    assertEquals("a b", BaseSubject.of("a \t\r\n\t b").text());
  }

  @Test
  void aMissingSubjectIsEmpty() {
    assertEquals(new BaseSubject("", false), BaseSubject.of(null));
  }
}
