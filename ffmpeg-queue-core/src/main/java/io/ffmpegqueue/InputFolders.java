package io.ffmpegqueue;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Folder inputs: an input name ending in {@code /} ({@code "hls/"}) declares a folder, filled before ffmpeg
 * starts with every stored file of another task's folder output ({@code task://{id}/hls/}, see
 * {@link TaskOutputRef}), keeping their relative paths. The command reads a file inside it
 * ({@code -i hls/index.m3u8}), and the HLS demuxer then reads the segments beside it.
 *
 * <pre>{@code
 * TaskRequest remux = TaskRequest.builder()
 *     .command("-i hls/index.m3u8 -c copy out.mp4")
 *     .input("hls/", TaskOutputRef.of(encode.id(), "hls/").uri())
 *     .output("out.mp4")
 *     .build();
 * }</pre>
 *
 * <p>A folder name is a relative path of bare file names (as a folder output's); a folder input takes only a
 * {@code task://} folder URL, and a file input only a file URL. No declared output may lie inside a folder
 * input, hold it, or share its name.
 */
public final class InputFolders {
  private InputFolders() {}

  /** Whether {@code name} declares a folder input: a relative path of bare file names followed by {@code /}. */
  public static boolean isFolder(String name) {
    return name != null && name.length() > 1 && name.endsWith("/")
        && OutputName.isRelativePath(name.substring(0, name.length() - 1));
  }

  /**
   * The declared folder input among {@code inputs} that holds the file at relative {@code path}
   * ({@code "hls/"} for {@code "hls/720p/index.m3u8"}), or {@code null} when none does or {@code path} is not a
   * relative path of bare file names.
   */
  public static String containing(Collection<String> inputs, String path) {
    if (path == null || path.indexOf('/') < 0 || !OutputName.isRelativePath(path)) {
      return null;
    }
    for (String name : inputs) {
      if (name.endsWith("/") && path.length() > name.length() && path.startsWith(name)) {
        return name;
      }
    }
    return null;
  }

  /** Checks an input's name and, for a folder, that its URL is a {@code task://} one. */
  static void checkInput(String name, URI uri) {
    if (!name.endsWith("/")) {
      return;
    }
    if (!isFolder(name)) {
      throw new InvalidTaskException("input_files", "'" + abbreviate(name) + "' is not a folder name (parts of "
          + "letters, digits, '_', '-', '.' separated by '/', no '..', no leading '/', at most "
          + OutputName.MAX_DEPTH + " parts, ending in '/')");
    }
    if (uri != null && !TaskOutputRef.isTaskUri(uri)) {
      throw new InvalidTaskException("input_files", "'" + name + "' is a folder input, so its URL must name another "
          + "task's folder output (task://{task id}/{folder}/), not a " + uri.getScheme() + " URL");
    }
  }

  /** A {@code task://} input's name and the output it names are both folders or both files. */
  static void checkRef(String name, TaskOutputRef ref) {
    if (ref.folder() && !name.endsWith("/")) {
      throw new InvalidTaskException("input_files", "'" + name + "' is a file input, but its URL names the folder "
          + "output '" + ref.name() + "' of task " + ref.task() + "; declare it as a folder input ('"
          + ref.name() + "')");
    }
    if (!ref.folder() && name.endsWith("/")) {
      throw new InvalidTaskException("input_files", "'" + name + "' is a folder input, but its URL names the file "
          + "output '" + ref.name() + "' of task " + ref.task() + "; a folder input takes a folder URL ending in '/'");
    }
  }

  /** No two inputs and no output overlap a folder input (one inside the other, or a file named as the folder). */
  static void checkOverlaps(Map<String, URI> inputs, List<String> outputs) {
    // forEach, not keySet(): a view would be cached inside the request's map. Most requests have no folder input.
    List<String> names = new ArrayList<>(inputs.size());
    boolean[] folders = {false};
    inputs.forEach((name, uri) -> {
      names.add(name);
      folders[0] |= name.endsWith("/");
    });
    if (!folders[0]) {
      return;
    }
    for (String folder : names) {
      if (!folder.endsWith("/")) {
        continue;
      }
      String f = folder.substring(0, folder.length() - 1);
      for (String input : names) {
        if (!input.equals(folder) && overlaps(f, strip(input))) {
          throw new InvalidTaskException("input_files", "'" + input + "' overlaps the folder input '" + folder + "'");
        }
      }
      for (String output : outputs) {
        if (overlaps(f, strip(output))) {
          throw new InvalidTaskException("output_files", "'" + output + "' overlaps the folder input '" + folder
              + "'; an output must not overwrite an input");
        }
      }
    }
  }

  private static boolean overlaps(String folder, String other) {
    return other.equals(folder) || other.startsWith(folder + "/") || folder.startsWith(other + "/");
  }

  private static String strip(String name) {
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
