package io.ffmpegqueue.ffmpeg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Describes a media file of a task's workspace with ffprobe, started like ffmpeg (same sandbox, same
 * protocol and format whitelists): an output is made from untrusted input and could be a crafted playlist.
 */
final class MediaProbe {
  private static final Logger log = LoggerFactory.getLogger(MediaProbe.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path ffprobe;
  private final ProcessSandbox sandbox;
  private final String formatWhitelist;
  private final Duration timeout;

  /** A probe that runs {@code ffprobe} in {@code sandbox}, reading only the {@code formats} demuxers. */
  public MediaProbe(Path ffprobe, ProcessSandbox sandbox, Set<String> formats, Duration timeout) {
    this.ffprobe = ffprobe;
    this.sandbox = sandbox;
    this.formatWhitelist = String.join(",", new java.util.TreeSet<>(formats));
    this.timeout = timeout;
  }

  /** What ffprobe says of {@code name} in {@code workspace}, or {@code null} when it cannot tell. */
  public MediaInfo probe(Path workspace, String name) {
    List<String> cmd = List.of(ffprobe.toString(), "-v", "error", "-hide_banner", "-protocol_whitelist", "file",
        "-format_whitelist", formatWhitelist, "-print_format", "json", "-show_format", "-show_streams", name);
    CapturedRun r;
    try {
      r = CapturedRun.run(sandbox.wrap(cmd, workspace), workspace, sandbox.environment(workspace), timeout);
    } catch (UncheckedIOException e) {
      log.warn("ffprobe cannot be started: {}", e.getMessage());
      return null;
    }
    if (!r.succeeded()) {
      log.debug("ffprobe could not read {} (exit status {}): {}", name, r.exitCode(), r.stderr().strip());
      return null;
    }
    try {
      return parse(JSON.readTree(r.stdout()));
    } catch (IOException e) {
      log.debug("ffprobe printed no JSON for {}: {}", name, e.toString());
      return null;
    }
  }

  /** Reads ffprobe's {@code -show_format -show_streams} JSON. */
  public static MediaInfo parse(JsonNode root) {
    JsonNode format = root.path("format");
    String formatName = format.hasNonNull("format_name") ? format.get("format_name").asText() : null;
    Double duration = number(format.get("duration"));
    List<MediaInfo.StreamInfo> streams = new ArrayList<>();
    for (JsonNode s : root.path("streams")) {
      streams.add(new MediaInfo.StreamInfo(s.path("index").asInt(), text(s, "codec_type"), text(s, "codec_name"),
          s.hasNonNull("width") ? s.get("width").asInt() : null, s.hasNonNull("height") ? s.get("height").asInt() : null));
    }
    return new MediaInfo(formatName, duration, streams);
  }

  /** The duration in seconds of {@code name}, or a negative number when unknown. */
  public double durationSeconds(Path workspace, String name) {
    MediaInfo m = probe(workspace, name);
    return m != null && m.durationSeconds() != null ? m.durationSeconds() : -1;
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  private static Double number(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      double d = Double.parseDouble(n.asText());
      return Double.isFinite(d) && d >= 0 ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
