package io.ffmpegqueue.io;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.TaskRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The embedded storage: outputs under a local folder as {@code {root}/{task_id}/{name}}. Each output is
 * written to a temporary name and moved into place atomically, so a crash never leaves a half-written
 * file under the final name. The stored URI is the file's {@code file:} URI.
 */
public final class LocalStorage implements Storage {
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
    if (!TaskRequest.isValidFileName(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a bare file name");
    }
    Path dir = root.resolve(taskId.value());
    Path target = dir.resolve(name);
    Path tmp = dir.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(dir);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long size;
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
        size = in.transferTo(out);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return new StoredObject(target.toUri(), size, Files.probeContentType(target),
          "sha256:" + HexFormat.of().formatHex(sha.digest()), null);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new TaskFailureException(ErrorKind.STORAGE,
          "output '" + name + "': cannot store in " + dir + ": " + e.getMessage(), true, null, e);
    } catch (NoSuchAlgorithmException e) {
      deleteQuietly(tmp);
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public InputStream open(URI uri) throws IOException {
    Path p = Path.of(uri).toAbsolutePath().normalize();
    if (!p.startsWith(root)) {
      throw new NoSuchFileException(uri + " is not in this storage");
    }
    return Files.newInputStream(p);
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
