package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatibility suite every {@link Storage} passes. Extend it and return the storage under test:
 *
 * <pre>{@code
 * class MyStorageTest extends StorageContract {
 *   @Override protected Storage storage() { return new MyStorage(...); }
 * }
 * }</pre>
 */
public abstract class StorageContract {
  /** A temporary folder for the files the tests store. */
  @TempDir
  protected Path files;

  /** The storage under test; may be a new one per call or the same one. */
  protected abstract Storage storage();

  /** Writes {@code content} to a new file in {@link #files}. */
  protected Path file(String name, byte[] content) throws IOException {
    return Files.write(files.resolve(name), content);
  }

  /** Reads a stored object back through {@link Storage#open}. */
  protected byte[] read(StoredObject o) throws IOException {
    try (InputStream in = storage().open(o.uri())) {
      return in.readAllBytes();
    }
  }

  @Test
  void a_stored_output_reads_back_with_its_size() throws IOException {
    byte[] content = "hello, output".getBytes(StandardCharsets.UTF_8);
    TaskId id = TaskId.random();
    StoredObject o = storage().store(id, "output.mp4", file("a", content));
    assertEquals(content.length, o.size());
    assertTrue(o.uri().toString().contains(id.value()), "the URI names the task: " + o.uri());
    assertTrue(o.uri().toString().endsWith("output.mp4"), "the URI ends with the output name: " + o.uri());
    assertArrayEquals(content, read(o));
  }

  @Test
  void storing_the_same_output_again_replaces_it() throws IOException {
    TaskId id = TaskId.random();
    storage().store(id, "output.mp4", file("a", "first attempt".getBytes(StandardCharsets.UTF_8)));
    StoredObject o = storage().store(id, "output.mp4", file("b", "second".getBytes(StandardCharsets.UTF_8)));
    assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), read(o));
    assertEquals(6, o.size());
  }

  @Test
  void a_name_with_a_path_is_refused() throws IOException {
    Path f = file("a", new byte[] {1});
    for (String bad : new String[] {"../escape.mp4", "a/b.mp4", "/abs.mp4", ".."}) {
      assertThrows(RuntimeException.class, () -> storage().store(TaskId.random(), bad, f), bad);
    }
  }

  @Test
  void deleting_a_tasks_outputs_removes_them_and_is_idempotent() throws IOException {
    TaskId id = TaskId.random();
    StoredObject o = storage().store(id, "output.mp4", file("a", new byte[] {1, 2, 3}));
    storage().delete(id);
    assertThrows(IOException.class, () -> read(o));
    storage().delete(id);
  }
}
