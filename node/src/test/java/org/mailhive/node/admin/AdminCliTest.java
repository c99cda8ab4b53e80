package org.mailhive.node.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class AdminCliTest {
  private record Run(int code, String text) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AdminCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out + err.toString());
  }

  @Test
  void anUnreachableNodeIsNamedWithItsUrlAndExitCodeThree() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run r = run("--url", "http://127.0.0.1:" + port, "user", "list");
    assertEquals(3, r.code(), r.text());
    assertTrue(r.text().contains("cannot reach the node's admin API at http://127.0.0.1:" + port), r.text());
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : new String[] {"", "user", "user add", "user set", "user passwd", "user show", "user list",
        "user delete", "quota", "domain", "domain add", "domain list", "domain delete", "alias", "alias add",
        "alias list", "alias delete", "list", "list create", "list add-member", "list remove-member", "list show",
        "list all", "list delete", "import", "import passwd-file", "import aliases"}) {
      String[] args = (cmd + " --help").trim().split(" ");
      Run r = run(args);
      assertEquals(0, r.code(), cmd);
      assertTrue(r.text().contains("Usage: mailhive-admin"), cmd + ": " + r.text());
    }
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsSent() {
    // Port 9 (discard) is never our admin API: if the CLI tried to connect, the code would be 3, not 2.
    assertEquals(2, run("--url", "http://127.0.0.1:9", "quota", "a@example.org", "--storage", "ten").code());
    assertEquals(2, run("--url", "http://127.0.0.1:9", "quota", "a@example.org").code());
    assertEquals(2, run("--url", "http://127.0.0.1:9", "user", "add", "a@example.org", "--password", "x", "--hash", "$1$x").code());
    assertEquals(2, run("user", "add").code());
    assertEquals(2, run("no-such-command").code());
    assertEquals(10L * 1024 * 1024 * 1024, AdminCli.bytes("10G"));
    assertThrows(IllegalArgumentException.class, () -> AdminCli.bytes("-1"));
  }
}
