package io.ffmpegqueue.ffmpeg;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks {@code -hls_key_info_file} before ffmpeg starts, once the inputs are fetched. The option names a key
 * info file that the HLS muxer reads: line 1, the key URI written into the playlist (ffmpeg does not open it);
 * line 2, the key file ffmpeg opens and reads 16 bytes from; an optional line 3, the IV in hex. The policy
 * accepts the option only with a declared input as its value; here the key file must be a declared input too,
 * a bare name in the workspace of exactly 16 bytes, and the IV 32 hex digits. Lines end as ffmpeg ends them
 * ({@code \n}, {@code \r} or {@code \r\n}; trailing white space dropped).
 */
final class KeyInfoCheck {
  /** The option's name. */
  static final String OPTION = "hls_key_info_file";

  private static final int MAX_SIZE = 16 * 1024;
  private static final int KEY_SIZE = 16;

  private KeyInfoCheck() {}

  /**
   * Checks every {@code -hls_key_info_file} of {@code command}.
   *
   * @throws TaskFailureException of kind {@link ErrorKind#INPUT} naming the option and what is wrong
   */
  static void check(FfmpegCommand command, Path workspace, List<String> inputs) {
    for (FfmpegCommand.Output out : command.outputs()) {
      for (FfmpegCommand.Option o : out.options()) {
        if (o.baseName().equals(OPTION) && o.value() != null) {
          checkFile(o.value(), workspace, inputs);
        }
      }
    }
  }

  private static void checkFile(String info, Path workspace, List<String> inputs) {
    String where = "'-" + OPTION + " " + info + "'";
    if (!isDeclaredFile(info, inputs)) {
      throw refused(where + ": '" + info + "' is not a declared input");
    }
    String text;
    try (InputStream in = Files.newInputStream(workspace.resolve(info))) {
      byte[] bytes = in.readNBytes(MAX_SIZE + 1);
      if (bytes.length > MAX_SIZE) {
        throw refused(where + ": the key info file is larger than " + MAX_SIZE + " bytes");
      }
      text = new String(bytes, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw refused(where + ": cannot read the key info file: " + e.getMessage());
    }
    if (text.indexOf('\0') >= 0) {
      throw refused(where + ": the key info file holds a NUL byte");
    }
    String[] lines = text.split("\r\n|\r|\n", -1);
    String uri = line(lines, 0);
    String key = line(lines, 1);
    String iv = line(lines, 2);
    if (uri.isEmpty()) {
      throw refused(where + ": line 1 (the key URI written into the playlist) is empty");
    }
    if (uri.indexOf('"') >= 0) {
      throw refused(where + ": line 1 (the key URI) must not hold '\"'");
    }
    if (key.isEmpty()) {
      throw refused(where + ": line 2 (the key file) is empty");
    }
    if (!isDeclaredFile(key, inputs) || key.equals(info)) {
      throw refused(where + ": line 2 names the key file '" + abbreviate(key) + "', which "
          + (key.equals(info) ? "is the key info file itself" : whyNot(key))
          + "; it must be a declared input, by its bare name");
    }
    Path keyFile = workspace.resolve(key);
    try {
      if (!Files.isRegularFile(keyFile) || Files.size(keyFile) != KEY_SIZE) {
        throw refused(where + ": the key file '" + key + "' must hold exactly " + KEY_SIZE + " bytes (an AES-128 key)"
            + (Files.isRegularFile(keyFile) ? ", it holds " + Files.size(keyFile) : ", it was not fetched"));
      }
    } catch (IOException e) {
      throw refused(where + ": cannot read the key file '" + key + "': " + e.getMessage());
    }
    if (!iv.isEmpty() && !iv.matches("[0-9A-Fa-f]{32}")) {
      throw refused(where + ": line 3 (the IV) must be 32 hex digits, or absent");
    }
  }

  private static boolean isDeclaredFile(String name, List<String> inputs) {
    return TaskRequest.isValidFileName(name) && inputs.contains(name);
  }

  private static String whyNot(String name) {
    if (name.startsWith("/")) {
      return "is an absolute path";
    }
    if (name.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return "is a URL";
    }
    if (name.contains("..") || name.contains("/")) {
      return "is a path";
    }
    return "is not a declared input";
  }

  private static String line(String[] lines, int i) {
    return i < lines.length ? lines[i].stripTrailing() : "";
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static TaskFailureException refused(String message) {
    return new TaskFailureException(ErrorKind.INPUT, message, false);
  }
}
