package io.ffmpegqueue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A request's declared outputs, read: which are plain files, folders and numbered sequences, and which
 * declaration a written file belongs to.
 *
 * <pre>{@code
 * OutputNames names = OutputNames.of(List.of("hls/index.m3u8", "hls/", "thumb_%03d.jpg"));
 * names.covering("hls/seg_3.ts");   // the folder "hls/"
 * names.hasMedia();                 // true: a folder or a sequence is declared
 * }</pre>
 *
 * @param all every declaration, in request order
 */
public record OutputNames(List<OutputName> all) {
  /** Copies the list. */
  public OutputNames {
    all = List.copyOf(all);
  }

  /** Reads declared names (already checked by {@link TaskRequest}). */
  public static OutputNames of(Collection<String> names) {
    List<OutputName> list = new ArrayList<>(names.size());
    for (String n : names) {
      list.add(OutputName.parse(n));
    }
    return new OutputNames(list);
  }

  /** Whether any declaration is a folder or a sequence, or a file inside a folder. */
  public boolean hasMedia() {
    for (OutputName n : all) {
      if (!n.isBareFile()) {
        return true;
      }
    }
    return false;
  }

  /** The folder or sequence declaration a file at {@code path} belongs to, or else the file's own; {@code null} if none. */
  public OutputName covering(String path) {
    OutputName file = null;
    for (OutputName n : all) {
      if (n.covers(path)) {
        if (n.kind() != OutputName.Kind.FILE) {
          return n;
        }
        file = n;
      }
    }
    return file;
  }

  /** The declarations that are folders or sequences. */
  public List<OutputName> collections() {
    List<OutputName> list = new ArrayList<>();
    for (OutputName n : all) {
      if (n.kind() != OutputName.Kind.FILE) {
        list.add(n);
      }
    }
    return list;
  }

  /** Checks a request's outputs that are not bare file names: nothing declared twice over, no input covered. */
  static void check(List<String> outputs, Set<String> inputs) {
    OutputNames names = of(outputs);
    for (OutputName n : names.all) {
      for (OutputName other : names.all) {
        if (other == n || other.kind() != OutputName.Kind.FOLDER) {
          continue;
        }
        if (n.name().startsWith(other.name()) && n.kind() != OutputName.Kind.FILE) {
          throw new InvalidTaskException("output_files", "'" + n.name() + "' is inside the declared folder '"
              + other.name() + "', which already holds every file under it");
        }
      }
      if (n.kind() == OutputName.Kind.FILE && !n.isBareFile() && !insideFolder(names, n.name())) {
        throw new InvalidTaskException("output_files", "'" + n.name() + "' has a folder part, so it must lie inside a "
            + "declared folder (declare '" + n.folder() + "' too)");
      }
      for (String input : inputs) {
        if (n.covers(input)) {
          throw new InvalidTaskException("output_files", "'" + n.name() + "' covers the input '" + input
              + "'; an output must not overwrite an input");
        }
      }
    }
  }

  private static boolean insideFolder(OutputNames names, String path) {
    for (OutputName n : names.all) {
      if (n.kind() == OutputName.Kind.FOLDER && n.covers(path)) {
        return true;
      }
    }
    return false;
  }
}
