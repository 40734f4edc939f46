package io.ffmpegqueue.ffmpeg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folders an executable's shared libraries are loaded from, or reached through, that a sandbox must
 * show besides the ones it always shows: Debian's {@code /usr/lib/x86_64-linux-gnu/libblas.so.3} is a link
 * to {@code /etc/alternatives/libblas.so.3-x86_64-linux-gnu}, which links back into {@code /usr}; an
 * ffmpeg in {@code /opt} or under Homebrew loads its libraries from beside it.
 *
 * <p>The dependencies are the dynamic loader's own answer (glibc's {@code LD_TRACE_LOADED_OBJECTS}, what
 * {@code ldd} uses), so they follow the executable's {@code RUNPATH} and {@code /etc/ld.so.cache}. A static
 * build, or a loader that does not trace (musl), yields no folders.
 */
final class LibraryFolders {
  private static final Duration TRACE_TIMEOUT = Duration.ofSeconds(30);
  /** {@code libx.so.1 => /path/libx.so.1 (0x...)} or, for the loader itself, {@code /path/ld.so (0x...)}. */
  private static final Pattern LINE = Pattern.compile("^\\s*(?:\\S+\\s+=>\\s+)?(/\\S+)\\s+\\(0x[0-9a-fA-F]+\\)\\s*$");
  private static final int MAX_LINKS = 40;

  private LibraryFolders() {}

  /**
   * The folders, outside {@code shown}, that hold a shared library of one of {@code executables} or a
   * link on the way to one, in the order found.
   *
   * @param environment the environment the executables run with (an {@code LD_LIBRARY_PATH} counts)
   */
  static List<Path> outside(List<Path> executables, List<Path> shown, Map<String, String> environment) {
    List<Path> libraries = new ArrayList<>();
    for (Path exe : executables) {
      libraries.addAll(libraries(exe, environment));
    }
    return foldersOf(libraries, shown);
  }

  /** The folders, outside {@code shown}, of {@code libraries} and of each link on the way to them. */
  static List<Path> foldersOf(List<Path> libraries, List<Path> shown) {
    Set<Path> folders = new LinkedHashSet<>();
    for (Path library : libraries) {
      for (Path p : linkChain(library)) {
        Path folder = p.getParent();
        if (folder != null && folder.getNameCount() > 0 && !under(p, shown) && !under(folder, List.copyOf(folders))) {
          folders.add(folder);
        }
      }
    }
    return List.copyOf(folders);
  }

  /** The libraries the dynamic loader resolves for {@code executable}, as it names them. */
  static List<Path> libraries(Path executable, Map<String, String> environment) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put("LD_TRACE_LOADED_OBJECTS", "1");
    CapturedRun r;
    try {
      // Where the loader does not trace, this is a plain "-version": harmless, and it matches no line.
      r = CapturedRun.run(List.of(executable.toString(), "-hide_banner", "-version"), null, env, TRACE_TIMEOUT);
    } catch (UncheckedIOException e) {
      return List.of();
    }
    return parse(r.stdout());
  }

  /** The library paths in the loader's trace {@code output}. */
  static List<Path> parse(String output) {
    List<Path> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        out.add(Path.of(m.group(1)));
      }
    }
    return out;
  }

  /** {@code path}, then each link it leads through, to the file at the end. */
  static List<Path> linkChain(Path path) {
    List<Path> chain = new ArrayList<>();
    Path p = path.normalize();
    for (int i = 0; i < MAX_LINKS && p != null; i++) {
      chain.add(p);
      if (!Files.isSymbolicLink(p)) {
        break;
      }
      try {
        Path target = Files.readSymbolicLink(p);
        p = p.getParent() == null ? null : p.getParent().resolve(target).normalize();
      } catch (IOException e) {
        break;
      }
    }
    return chain;
  }

  private static boolean under(Path p, List<Path> roots) {
    for (Path root : roots) {
      if (p.startsWith(root)) {
        return true;
      }
    }
    return false;
  }
}
