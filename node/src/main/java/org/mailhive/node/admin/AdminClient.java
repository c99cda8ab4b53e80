package org.mailhive.node.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The HTTP side of {@link AdminCli}: one request, the JSON reply, or an {@link AdminException} that says why not. */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  AdminClient(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  static final class AdminException extends Exception {
    final int exitCode;

    AdminException(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  static String path(String kind, String name) {
    return "/api/directory/" + kind + (name == null ? "" : "/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
  }

  JsonNode get(String path) throws AdminException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  JsonNode put(String path, Object body) throws AdminException {
    try {
      return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AdminException(e.getMessage(), 2);
    }
  }

  JsonNode delete(String path) throws AdminException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  JsonNode post(String path, String text) throws AdminException {
    return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(text)));
  }

  private URI uri(String path) throws AdminException {
    try {
      return URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new AdminException("not a valid --url: " + base, 2);
    }
  }

  private JsonNode send(HttpRequest.Builder request) throws AdminException {
    HttpResponse<byte[]> r;
    try {
      r = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new AdminException("cannot reach the node's admin API at " + base
          + " (is the node running? see mailhive.admin.http-port)", 3);
    } catch (IOException e) {
      throw new AdminException("admin API at " + base + " failed: " + e, 3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted", 3);
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AdminException("the node answered " + r.statusCode() + " with something that is not JSON", 3);
    }
    if (r.statusCode() != 200) {
      String msg = body != null && body.has("error") ? body.get("error").asText() : "HTTP " + r.statusCode();
      throw new AdminException(msg, r.statusCode() == 404 ? 4 : r.statusCode() >= 500 ? 3 : 2);
    }
    return body;
  }
}
