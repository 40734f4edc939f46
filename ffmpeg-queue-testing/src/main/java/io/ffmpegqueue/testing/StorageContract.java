package io.ffmpegqueue.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredFile;
import io.ffmpegqueue.io.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>It checks: outputs read back whole with their size and checksum; storing the same output of the same
 * task again (a retry) replaces it; a large file; many tasks storing at once; two attempts storing one output
 * at once; names with a path refused; a failed store leaving the previous output whole; delete.
 */
public abstract class StorageContract {
  /** A temporary folder for the files the tests store. */
  @TempDir
  protected Path files;

  /** The storage under test; may be a new one per call or the same one. */
  protected abstract Storage storage();

  /** The size of the large-file test: 24 MiB and a bit by default, past the part size of multipart uploads. */
  protected long largeFileSize() {
    return (24L << 20) + 13;
  }

  /** How many tasks store at once in the concurrency test. Default 8. */
  protected int concurrentTasks() {
    return 8;
  }

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

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void a_stored_output_reads_back_with_its_size() throws IOException {
    byte[] content = bytes("hello, output");
    TaskId id = TaskId.random();
    StoredObject o = storage().store(id, "output.mp4", file("a", content));
    assertEquals(content.length, o.size());
    assertTrue(o.uri().toString().contains(id.value()), "the URI names the task: " + o.uri());
    assertTrue(o.uri().toString().endsWith("output.mp4"), "the URI ends with the output name: " + o.uri());
    assertArrayEquals(content, read(o));
  }

  @Test
  void a_checksum_when_given_has_the_form_algorithm_colon_hex_and_a_sha256_matches_the_content() throws IOException {
    byte[] content = random(70_000, 1);
    StoredObject o = storage().store(TaskId.random(), "output.mp4", file("a", content));
    if (o.checksum() == null) {
      return;
    }
    assertTrue(o.checksum().matches("[a-z0-9-]+:[0-9a-f]+"), "checksum " + o.checksum());
    if (o.checksum().startsWith("sha256:")) {
      assertEquals("sha256:" + HexFormat.of().formatHex(sha256().digest(content)), o.checksum());
    }
    if (o.contentType() != null) {
      assertTrue(o.contentType().matches("[a-z]+/[a-z0-9.+-]+.*"), "content type " + o.contentType());
    }
  }

  @Test
  void an_empty_output_is_stored_as_empty() throws IOException {
    StoredObject o = storage().store(TaskId.random(), "empty.txt", file("a", new byte[0]));
    assertEquals(0, o.size());
    assertArrayEquals(new byte[0], read(o));
  }

  @Test
  void storing_the_same_output_again_replaces_it() throws IOException {
    TaskId id = TaskId.random();
    storage().store(id, "output.mp4", file("a", bytes("first attempt")));
    StoredObject o = storage().store(id, "output.mp4", file("b", bytes("second")));
    assertArrayEquals(bytes("second"), read(o));
    assertEquals(6, o.size());
  }

  @Test
  void a_large_output_is_stored_intact() throws IOException {
    long size = largeFileSize();
    MessageDigest written = sha256();
    Path big = files.resolve("big.mp4");
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(big), written)) {
      byte[] chunk = random(1 << 20, 7);
      for (long left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
        chunk[0]++; // no two chunks alike, so a part stored twice or out of order shows
      }
    }
    StoredObject o = storage().store(TaskId.random(), "big.mp4", big);
    assertEquals(size, o.size());
    MessageDigest read = sha256();
    long count;
    try (InputStream in = new DigestInputStream(storage().open(o.uri()), read)) {
      count = in.transferTo(OutputStream.nullOutputStream());
    }
    assertEquals(size, count);
    assertArrayEquals(written.digest(), read.digest(), "the stored bytes are the bytes given");
  }

  @Test
  void outputs_of_tasks_stored_at_once_are_kept_apart() throws Exception {
    int tasks = concurrentTasks();
    List<TaskId> ids = new ArrayList<>();
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      ids.add(TaskId.random());
      sources.add(file("src" + i, random(100_000 + i, i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(tasks, 8));
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<StoredObject[]>> stored = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        int n = i;
        Callable<StoredObject[]> store = () -> {
          go.await();
          return new StoredObject[] {
              storage().store(ids.get(n), "output.mp4", sources.get(n)),
              storage().store(ids.get(n), "thumb.jpg", sources.get((n + 1) % tasks))};
        };
        stored.add(pool.submit(store));
      }
      go.countDown();
      for (int i = 0; i < tasks; i++) {
        StoredObject[] o = stored.get(i).get(60, TimeUnit.SECONDS);
        assertArrayEquals(Files.readAllBytes(sources.get(i)), read(o[0]), "task " + i + " output.mp4");
        assertArrayEquals(Files.readAllBytes(sources.get((i + 1) % tasks)), read(o[1]), "task " + i + " thumb.jpg");
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "the store threads end");
    }
  }

  @Test
  void two_attempts_storing_one_output_at_once_leave_one_of_them_whole() throws Exception {
    TaskId id = TaskId.random();
    byte[] first = random(2 << 20, 11);
    byte[] second = random(2 << 20, 12);
    Path a = file("a", first);
    Path b = file("b", second);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<StoredObject> fa = pool.submit(() -> {
        go.await();
        return storage().store(id, "output.mp4", a);
      });
      Future<StoredObject> fb = pool.submit(() -> {
        go.await();
        return storage().store(id, "output.mp4", b);
      });
      go.countDown();
      StoredObject o = fa.get(60, TimeUnit.SECONDS);
      fb.get(60, TimeUnit.SECONDS);
      byte[] now = read(o);
      assertTrue(Arrays.equals(first, now) || Arrays.equals(second, now), "the output is one attempt's, whole");
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "the store threads end");
    }
  }

  @Test
  void a_name_with_a_path_or_an_unsafe_form_is_refused() throws IOException {
    Path f = file("a", new byte[] {1});
    for (String bad : new String[] {"../escape.mp4", "a/../../b.mp4", "a//b.mp4", "a/", "/abs.mp4", "..", ".", "",
        "a\\b.mp4", "-option.mp4", "hls/-x.ts", "new\nline.mp4", "nul\0.mp4", "1/2/3/4/5/6/7/8/9.ts"}) {
      assertThrows(RuntimeException.class, () -> storage().store(TaskId.random(), bad, f), "name '" + bad + "'");
    }
  }

  @Test
  void an_output_inside_a_folder_keeps_its_path_and_is_listed_and_deleted_by_name() throws IOException {
    TaskId id = TaskId.random();
    StoredObject seg = storage().store(id, "hls/low/seg_000.ts", file("a", bytes("segment")));
    storage().store(id, "hls/index.m3u8", file("b", bytes("#EXTM3U")));
    storage().store(id, "out.mp4", file("c", bytes("mp4")));
    assertArrayEquals(bytes("segment"), read(seg));
    assertTrue(seg.uri().toString().endsWith("/" + id.value() + "/hls/low/seg_000.ts"), "the path is kept: " + seg.uri());

    List<StoredFile> listed = storage().list(id, "hls/");
    assertEquals(List.of("hls/index.m3u8", "hls/low/seg_000.ts"), listed.stream().map(StoredFile::name).toList());
    assertEquals(seg.uri(), listed.get(1).object().uri());
    assertEquals(3, storage().list(id, "").size());

    storage().delete(id, "hls/low/seg_000.ts");
    assertThrows(IOException.class, () -> read(seg));
    assertEquals(List.of("hls/index.m3u8"), storage().list(id, "hls/").stream().map(StoredFile::name).toList());
    storage().delete(id, "hls/low/seg_000.ts");
    assertEquals(List.of(), storage().list(TaskId.random(), ""));
  }

  @Test
  void storing_a_missing_file_fails_as_a_storage_error() {
    TaskFailureException e = assertThrows(TaskFailureException.class,
        () -> storage().store(TaskId.random(), "output.mp4", files.resolve("never-written.mp4")));
    assertEquals(ErrorKind.STORAGE, e.kind());
    assertTrue(e.getMessage().contains("output.mp4"), "the message names the output: " + e.getMessage());
  }

  @Test
  void a_failed_store_leaves_the_previous_output_whole() throws IOException {
    TaskId id = TaskId.random();
    StoredObject o = storage().store(id, "output.mp4", file("a", bytes("attempt one")));
    assertThrows(TaskFailureException.class, () -> storage().store(id, "output.mp4", files.resolve("missing")));
    assertArrayEquals(bytes("attempt one"), read(o));
  }

  @Test
  void deleting_a_tasks_outputs_removes_them_and_is_idempotent() throws IOException {
    TaskId id = TaskId.random();
    StoredObject o = storage().store(id, "output.mp4", file("a", new byte[] {1, 2, 3}));
    StoredObject thumb = storage().store(id, "thumb.jpg", file("b", new byte[] {4}));
    storage().delete(id);
    assertThrows(IOException.class, () -> read(o));
    assertThrows(IOException.class, () -> read(thumb));
    storage().delete(id);
  }

  @Test
  void deleting_one_task_leaves_the_outputs_of_others() throws IOException {
    TaskId gone = TaskId.random();
    TaskId kept = TaskId.random();
    storage().store(gone, "output.mp4", file("a", bytes("gone")));
    StoredObject o = storage().store(kept, "output.mp4", file("b", bytes("kept")));
    storage().delete(gone);
    assertArrayEquals(bytes("kept"), read(o));
  }

  @Test
  void deleting_a_task_that_stored_nothing_is_not_an_error() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> storage().delete(TaskId.random()));
  }

  @Test
  void a_stored_object_has_a_uri() throws IOException {
    StoredObject o = storage().store(TaskId.random(), "output.mp4", file("a", bytes("x")));
    assertNotNull(o.uri().getScheme(), "the URI has a scheme: " + o.uri());
  }
}
