package io.ffmpegqueue.io;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.OutputName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The embedded storage: outputs under a local folder as {@code {root}/{task_id}/{name}}, where a name may
 * have folder parts ({@code hls/seg_001.ts}). Each output is
 * written to a temporary name and moved into place atomically, so a crash never leaves a half-written
 * file under the final name. The stored URI is the file's {@code file:} URI.
 */
public final class LocalStorage implements Storage {
  private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
      Map.entry("mp4", "video/mp4"), Map.entry("m4v", "video/mp4"), Map.entry("mov", "video/quicktime"),
      Map.entry("mkv", "video/x-matroska"), Map.entry("webm", "video/webm"), Map.entry("avi", "video/x-msvideo"),
      Map.entry("ts", "video/mp2t"), Map.entry("m4s", "video/iso.segment"), Map.entry("m3u8", "application/vnd.apple.mpegurl"), Map.entry("mpd", "application/dash+xml"),
      Map.entry("mp3", "audio/mpeg"), Map.entry("m4a", "audio/mp4"), Map.entry("aac", "audio/aac"), Map.entry("wav", "audio/wav"),
      Map.entry("flac", "audio/flac"), Map.entry("ogg", "audio/ogg"), Map.entry("opus", "audio/opus"),
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"), Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"), Map.entry("vtt", "text/vtt"), Map.entry("srt", "application/x-subrip"),
      Map.entry("json", "application/json"), Map.entry("txt", "text/plain"));

  private final Path root;

  private LocalStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Storage under {@code root}, created when missing. */
  public static LocalStorage at(Path root) {
    Objects.requireNonNull(root, "root");
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create the output folder " + root + ": " + e.getMessage(), e);
    }
    return new LocalStorage(root);
  }

  /** The root folder. */
  public Path root() {
    return root;
  }

  @Override
  public StoredObject store(TaskId taskId, String name, Path file) {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(file, "file");
    if (!OutputName.isRelativePath(name)) {
      throw new IllegalArgumentException("output name '" + name + "' is not a bare file name or a relative path");
    }
    Path target = root.resolve(taskId.value()).resolve(name);
    Path dir = target.getParent();
    // A hidden name that no output can have (outputs never start with '.'), unique per store: two attempts
    // of one task storing at once each write their own, and the last move wins whole.
    Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(dir);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long size = 0;
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
          FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        while (in.read(buffer) >= 0) {
          buffer.flip();
          sha.update(buffer.array(), 0, buffer.limit());
          while (buffer.hasRemaining()) {
            size += out.write(buffer);
          }
          buffer.clear();
        }
        // On disk before the rename: after a power cut the final name holds all of it or the old one.
        out.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
      return new StoredObject(target.toUri(), size, contentType(name),
          "sha256:" + HexFormat.of().formatHex(sha.digest()), null);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new TaskFailureException(ErrorKind.STORAGE,
          "output '" + name + "': cannot store in " + dir + ": " + e, true, null, e);
    } catch (NoSuchAlgorithmException e) {
      deleteQuietly(tmp);
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // not every platform can sync a directory; the rename itself is still atomic
    }
  }

  /** The media type by extension, for the common media and text outputs; else what the platform guesses. */
  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    String known = CONTENT_TYPES.get(ext);
    if (known != null) {
      return known;
    }
    try {
      return Files.probeContentType(Path.of(name));
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public InputStream open(URI uri) throws IOException {
    if (!"file".equalsIgnoreCase(uri.getScheme())) {
      throw new NoSuchFileException(uri + " is not in this storage");
    }
    Path p = Path.of(uri).toAbsolutePath().normalize();
    if (!p.startsWith(root) || p.getNameCount() < root.getNameCount() + 2
        || p.getNameCount() > root.getNameCount() + 1 + OutputName.MAX_DEPTH || isHidden(root.relativize(p))) {
      throw new NoSuchFileException(uri + " is not in this storage");
    }
    return Files.newInputStream(p);
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void delete(TaskId taskId, String name) throws IOException {
    if (!OutputName.isRelativePath(name)) {
      throw new IllegalArgumentException("output name '" + name + "' is not a bare file name or a relative path");
    }
    Files.deleteIfExists(root.resolve(taskId.value()).resolve(name));
  }

  @Override
  public List<StoredFile> list(TaskId taskId, String prefix) throws IOException {
    Path dir = root.resolve(taskId.value());
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<StoredFile> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir, OutputName.MAX_DEPTH)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        Path rel = dir.relativize(p);
        String name = rel.toString().replace('\\', '/');
        if (!isHidden(rel) && name.startsWith(prefix)) {
          files.add(new StoredFile(name, new StoredObject(p.toUri(), Files.size(p), contentType(name), null, null)));
        }
      }
    }
    files.sort(Comparator.comparing(StoredFile::name));
    return List.copyOf(files);
  }

  @Override
  public void delete(TaskId taskId) throws IOException {
    Path dir = root.resolve(taskId.value());
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: the temp name never looks like an output
    }
  }

  @Override
  public String toString() {
    return "LocalStorage[" + root + "]";
  }
}
