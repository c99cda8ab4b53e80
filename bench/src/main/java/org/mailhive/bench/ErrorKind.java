package org.mailhive.bench;

import java.io.EOFException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Groups client-side failures into the few kinds a report lists ("timeout", "connect refused", …). */
public final class ErrorKind {
  private ErrorKind() {}

  public static String of(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof InterruptedByTimeoutException || e instanceof TimeoutException) {
      return "timeout";
    }
    if (e instanceof ConnectException) {
      return "connect refused";
    }
    if (e instanceof EOFException || e instanceof ClosedChannelException) {
      return "closed by server";
    }
    if (e instanceof java.io.IOException) {
      return "io " + e.getClass().getSimpleName();
    }
    return "protocol " + e.getClass().getSimpleName();
  }

  public static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
