package io.ffmpegqueue.bench.core;

import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import java.net.URI;
import java.util.Set;

/** Typical task requests, as the HTTP API would receive them, and a fetcher that lets their inputs in. */
final class Requests {
  /** A typical transcode, the kind of command the guide's examples send. */
  static final String COMMAND =
      "-i input.mp4 -vf scale=1280:-2 -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 128k "
          + "-movflags +faststart output.mp4";
  static final String SEQ = "seq";

  private Requests() {}

  /**
   * A request whose strings are its own copies (as if decoded from its own JSON body), with its own input
   * URL, so that nothing is shared between tasks but what the queue itself shares.
   */
  static TaskRequest distinct(int n) {
    return distinct(n, false);
  }

  /**
   * As {@link #distinct(int)}; with {@code ownCommand}, the command differs per {@code n} too (its scale
   * width), so that no two of 1,024 requests share a command text: the queue remembers the last 256
   * commands its policy accepted, and this measures submissions it has to parse and check.
   */
  static TaskRequest distinct(int n, boolean ownCommand) {
    String command = ownCommand ? command(n) : COMMAND;
    String url = "https://media.example.com/uploads/2025/06/" + Integer.toHexString(0x10000000 + n)
        + "/source-video.mp4";
    return TaskRequest.builder()
        .command(new String(command.toCharArray()))
        .input(new String("input.mp4".toCharArray()), URI.create(url))
        .output(new String("output.mp4".toCharArray()))
        .build();
  }

  /** The typical command with a scale width of its own for each of 1,024 values of {@code n}. */
  static String command(int n) {
    return COMMAND.replace("scale=1280:", "scale=" + (640 + 2 * (n & 1023)) + ":");
  }

  /** A request that carries its sequence number, so the no-op handler can record when it started. */
  static TaskRequest numbered(int seq, URI input, boolean ownCommand) {
    return TaskRequest.builder()
        .command(ownCommand ? command(seq) : COMMAND)
        .input("input.mp4", input)
        .output("output.mp4")
        .metadata(SEQ, Integer.toString(seq))
        .build();
  }

  /** Serves {@code https} inputs at submission (no I/O there); never asked to fetch, as handlers are no-ops. */
  static final class HttpsFetcher implements InputFetcher {
    @Override
    public Set<String> schemes() {
      return Set.of("https");
    }

    @Override
    public void validate(String name, URI uri) {
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host in " + uri);
      }
    }

    @Override
    public void fetch(FetchRequest request) {
      throw new UnsupportedOperationException("the benchmarks run no-op handlers");
    }
  }
}
