package io.ffmpegqueue.internal.worker;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.spi.TaskContext;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Private per-attempt folders under one root, removed on every path out of an attempt. */
public final class Workspaces {
  private static final Logger log = LoggerFactory.getLogger(Workspaces.class);

  private final Path root;
  private final long minFreeBytes;

  /** Workspaces under {@code root}; an attempt refuses to start with less than {@code minFreeBytes} free. */
  public Workspaces(Path root, long minFreeBytes) {
    this.root = root.toAbsolutePath().normalize();
    this.minFreeBytes = minFreeBytes;
  }

  /** The root folder. */
  public Path root() {
    return root;
  }

  /** Makes a new private folder for this attempt. */
  public Path create(TaskContext context) {
    try {
      Files.createDirectories(root);
      long free = Files.getFileStore(root).getUsableSpace();
      if (free < minFreeBytes) {
        throw new TaskFailureException(ErrorKind.RESOURCES, "only " + (free >> 20) + " MiB free under " + root
            + ", less than the " + (minFreeBytes >> 20) + " MiB a task needs to start", true);
      }
      String prefix = context.task().id().value() + "-" + context.task().attempt() + "-";
      try {
        return Files.createTempDirectory(root, prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        return Files.createTempDirectory(root, prefix);
      }
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.RESOURCES,
          "cannot create a workspace under " + root + ": " + e.getMessage(), true, null, e);
    }
  }

  /** Removes {@code dir} and everything in it; logs what it cannot remove. */
  public static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (NoSuchFileException ignored) {
      // already gone
    } catch (IOException e) {
      log.warn("could not remove the workspace {}: {}", dir, e.toString());
    }
  }
}
