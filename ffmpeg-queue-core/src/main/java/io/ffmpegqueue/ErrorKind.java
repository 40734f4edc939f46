package io.ffmpegqueue;

import java.util.Locale;

/** What kind of failure ended a task's attempt. Retry decisions and metrics group by it. */
public enum ErrorKind {
  /** An input could not be fetched (HTTP status, refused address, too large, network). */
  INPUT,
  /** ffmpeg exited with an error on this command and its inputs. */
  FFMPEG,
  /** ffmpeg succeeded but a declared output is missing or empty. */
  MISSING_OUTPUT,
  /** The task ran past its timeout. */
  TIMEOUT,
  /** ffmpeg was killed by a signal it did not get from us. */
  KILLED,
  /** ffmpeg was killed for lack of memory (exit 137). */
  OUT_OF_MEMORY,
  /** Not enough disk space or another local resource. */
  RESOURCES,
  /** An output could not be stored. */
  STORAGE,
  /** The worker lost the task's lease (it stalled or died) and attempts were spent. */
  LEASE_EXPIRED,
  /** The task was cancelled. */
  CANCELLED,
  /**
   * A task this one waits for ({@link TaskRequest#dependsOn()}) ended FAILED or CANCELLED, so this one was
   * cancelled without running; the message names that task and its error.
   */
  DEPENDENCY,
  /** A bug or an unexpected error; the message has the detail. */
  INTERNAL;

  /** The lowercase name used on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of a wire name, case-insensitively; {@link #INTERNAL} for a name it does not know. */
  public static ErrorKind fromWireName(String name) {
    for (ErrorKind k : values()) {
      if (k.name().equalsIgnoreCase(name)) {
        return k;
      }
    }
    return INTERNAL;
  }
}
