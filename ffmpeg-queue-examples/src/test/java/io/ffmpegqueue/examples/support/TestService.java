package io.ffmpegqueue.examples.support;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.examples.config.ServiceConfig;
import io.ffmpegqueue.examples.server.FfmpegService;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Starts the real service on a random loopback port with a test's variables. */
public final class TestService {
  /** What {@link #startWithFakeFfmpeg} writes as the input of {@link #taskJson}: not a video: the fake ffmpeg at most copies it. */
  public static final byte[] PLACEHOLDER_INPUT = "a placeholder for input.mp4".getBytes(StandardCharsets.UTF_8);

  private TestService() {}

  /** The folder {@code file:} inputs may come from: {@code dir/media}, made when missing. */
  public static Path media(Path dir) {
    try {
      return Files.createDirectories(dir.resolve("media"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A registration body that every command policy accepts: {@code -i input.mp4 <output>} with the input a
   * {@code file:} URL in the media folder (validated at submission; {@link #startWithFakeFfmpeg} puts a
   * placeholder there for the pipeline to fetch).
   */
  public static String taskJson(Path dir, String output) {
    return "{\"command\": \"-i input.mp4 " + output + "\", \"input_files\": {\"input.mp4\": \""
        + media(dir).resolve("input.mp4").toUri() + "\"}, \"output_filename\": \"" + output + "\"}";
  }

  /**
   * Starts the service as {@link #start} does, with the testing kit's fake ffmpeg behind the real pipeline:
   * inputs are fetched and outputs stored (under {@code dir/outputs}) as in production, only ffmpeg is
   * scripted. Writes {@link #PLACEHOLDER_INPUT} to {@code dir/media/input.mp4}, the input of {@link #taskJson}.
   */
  public static FfmpegService startWithFakeFfmpeg(Path dir, Map<String, String> vars, FakeFfmpegRunner ffmpeg) {
    try {
      Files.write(media(dir).resolve("input.mp4"), PLACEHOLDER_INPUT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return start(dir, vars, b -> b.runner(ffmpeg));
  }

  /**
   * Starts the service with {@code vars} over test defaults (loopback, port 0, outputs and workspaces in
   * {@code dir}, {@code file:} inputs from {@code dir/media}), and {@code customizer} on the queue's builder.
   */
  public static FfmpegService start(Path dir, Map<String, String> vars, Consumer<FfmpegQueue.Builder> customizer) {
    Map<String, String> env = new HashMap<>();
    env.put("HOST", "127.0.0.1");
    env.put("PORT", "0");
    env.put("OUTPUT_DIR", dir.resolve("outputs").toString());
    env.put("WORK_DIR", dir.resolve("work").toString());
    env.put("DRAIN_TIMEOUT", "5");
    env.put("INPUT_ALLOWED_DIRS", media(dir).toString());
    env.putAll(vars);
    return FfmpegService.start(ServiceConfig.from(env), b -> {
      // Tests must not wait 5 s for a claim to notice a shutdown or new work.
      b.pollWait(java.time.Duration.ofMillis(200)).minFreeSpace(0);
      customizer.accept(b);
    });
  }
}
