package io.ffmpegqueue.io;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Copies {@code file:} inputs, only from folders the host allows. Off unless registered: a client must
 * never be able to name a file on the server.
 */
public final class FileInputFetcher implements InputFetcher {
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

  @Override
  public Set<String> schemes() {
    return Set.of("file");
  }

  @Override
  public void validate(String name, URI uri) {
    resolve(name, uri);
  }

  private Path resolve(String name, URI uri) {
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
    Path source = resolve(request.name(), request.source());
    try {
      // Symbolic links could lead out of the allowed folders; check the real path too.
      Path real = source.toRealPath();
      if (allowedRoots.stream().noneMatch(real::startsWith)) {
        throw new TaskFailureException(ErrorKind.INPUT,
            "input '" + request.name() + "': " + source + " leads outside the allowed folders", false);
      }
      Files.copy(real, request.target());
    } catch (NoSuchFileException e) {
      throw new TaskFailureException(ErrorKind.INPUT, "input '" + request.name() + "': no such file " + source, false);
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.INPUT,
          "input '" + request.name() + "': cannot read " + source + ": " + e.getMessage(), true, null, e);
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
