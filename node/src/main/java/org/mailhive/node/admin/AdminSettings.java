package org.mailhive.node.admin;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code mailhive.admin.*}: where the admin HTTP API listens. It has no authentication, so it binds to loopback
 * unless told otherwise: the node's own bind address when that is a loopback one (so that 127.0.0.1, 127.0.0.2 …
 * can each run a node on one host), else 127.0.0.1.
 */
public record AdminSettings(String bindAddress, int httpPort) {
  public static AdminSettings load(Config config, String nodeBindAddress) {
    String key = "mailhive.admin.http-port";
    int port = config.getInt(key);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + " = " + port + ": must be a port number 0-65535");
    }
    String bind = config.getString("mailhive.admin.bind-address");
    if (bind.isEmpty()) {
      bind = isLoopback(nodeBindAddress) ? nodeBindAddress : "127.0.0.1";
    }
    return new AdminSettings(bind, port);
  }

  private static boolean isLoopback(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
