package io.ffmpegqueue.io;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Copies {@code file:} inputs, only from folders the host allows. Off unless registered: a client must
 * never be able to name a file on the server.
 *
 * <pre>{@code
 * FfmpegQueue.builder().fetcher(FileInputFetcher.allowing(Path.of("/srv/media")))
 * }</pre>
 *
 * <p>A path is checked at submission as written and, when fetched, again after symbolic links are
 * followed. The copy goes to a temporary name and is moved into place when complete, so a failed or stopped
 * copy leaves nothing; a stop ends it within one chunk.
 */
public final class FileInputFetcher implements InputFetcher {
  // Copied in chunks so that a stop is noticed between them.
  private static final long CHUNK = 64L << 20;

  private final List<Path> allowedRoots;

  private FileInputFetcher(List<Path> roots) {
    this.allowedRoots = roots.stream().map(FileInputFetcher::real).toList();
  }

  /** A fetcher that reads files under the given folders only. */
  public static FileInputFetcher allowing(Path... roots) {
    if (roots.length == 0) {
      throw new IllegalArgumentException("at least one allowed folder is required");
    }
    return new FileInputFetcher(List.of(roots));
  }

  /** The allowed folders, as real paths. */
  public List<Path> allowedRoots() {
    return allowedRoots;
  }

  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  @Override
  public void validate(String name, URI uri) {
    resolve(name, uri);
  }

  private Path resolve(String name, URI uri) {
    if (uri.getRawAuthority() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new InvalidTaskException("input_files", "'" + name + "': " + uri
          + " is not a plain file URI (no host, query or fragment; write file:/path)");
    }
    Path p;
    try {
      p = Path.of(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) {
      throw new InvalidTaskException("input_files", "'" + name + "': " + uri + " is not a usable file URI");
    }
    for (Path root : allowedRoots) {
      if (p.startsWith(root)) {
        return p;
      }
    }
    throw new InvalidTaskException("input_files", "'" + name + "': " + p + " is outside the allowed folders");
  }

  @Override
  public void fetch(FetchRequest request) {
    String name = request.name();
    Path source;
    try {
      source = resolve(name, request.source());
    } catch (InvalidTaskException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input " + e.getMessage().substring("input_files: ".length()), false);
    }
    Path target = request.target();
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      // Symbolic links could lead out of the allowed folders; check the real path too.
      Path real = source.toRealPath();
      if (allowedRoots.stream().noneMatch(real::startsWith)) {
        throw new TaskFailureException(ErrorKind.INPUT,
            "input '" + name + "': " + source + " leads outside the allowed folders", false);
      }
      if (!Files.isRegularFile(real)) {
        throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': " + source + " is not a regular file", false);
      }
      copy(request, real, tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + name + "': no such file " + source, false);
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INPUT,
          "input '" + name + "': cannot copy " + source + ": " + e.getMessage(), true, null, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the workspace is removed with the attempt anyway
      }
    }
  }

  private static void copy(FetchRequest request, Path from, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = in.size();
      long pos = 0;
      while (pos < size) {
        if (request.context().isStopped()) {
          throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': copy stopped", true);
        }
        long n = in.transferTo(pos, Math.min(CHUNK, size - pos), out);
        if (n <= 0) {
          break; // the file shrank while we copied
        }
        pos += n;
      }
    }
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}
