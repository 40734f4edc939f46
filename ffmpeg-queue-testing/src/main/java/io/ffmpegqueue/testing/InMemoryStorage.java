package io.ffmpegqueue.testing;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.OutputName;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredFile;
import io.ffmpegqueue.io.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Storage} that keeps outputs in memory, as {@code mem://outputs/{task_id}/{name}}, so tests can
 * read back what a task stored without a disk or a bucket. Thread-safe; passes {@code StorageContract}.
 *
 * <pre>{@code
 * InMemoryStorage storage = new InMemoryStorage();
 * ... run a task ...
 * byte[] thumbnail = storage.bytes(taskId, "thumb.jpg");
 * }</pre>
 */
public final class InMemoryStorage implements Storage {
  /** The URI scheme of stored objects. */
  public static final String SCHEME = "mem";

  private final String bucket;
  private final Map<URI, Stored> objects = new ConcurrentHashMap<>();
  private final Deque<String> failures = new ArrayDeque<>(); // guarded by itself

  private record Stored(byte[] bytes, String contentType) {}

  /** An empty storage whose URIs are {@code mem://outputs/...}. */
  public InMemoryStorage() {
    this("outputs");
  }

  /** An empty storage whose URIs are {@code mem://{bucket}/...}; tell two storages apart by bucket. */
  public InMemoryStorage(String bucket) {
    Objects.requireNonNull(bucket, "bucket");
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
      throw new IllegalArgumentException("bucket must be lowercase letters, digits, '.' and '-', got '" + bucket + "'");
    }
    this.bucket = bucket;
  }

  /**
   * Makes the next {@link #store} fail with a retryable {@link ErrorKind#STORAGE} failure carrying
   * {@code message}, as an upload that broke off would. Call again to fail more stores.
   */
  public InMemoryStorage failNextStore(String message) {
    synchronized (failures) {
      failures.add(Objects.requireNonNull(message, "message"));
    }
    return this;
  }

  /** The URI that output {@code name} of task {@code id} is stored under. */
  public URI uri(TaskId id, String name) {
    return URI.create(SCHEME + "://" + bucket + "/" + id.value() + "/" + name);
  }

  @Override
  public StoredObject store(TaskId taskId, String name, Path file) {
    Objects.requireNonNull(taskId, "taskId");
    if (!OutputName.isRelativePath(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a bare file name or a relative path");
    }
    String failure;
    synchronized (failures) {
      failure = failures.poll();
    }
    if (failure != null) {
      throw new TaskFailureException(ErrorKind.STORAGE, "output '" + name + "': " + failure, true);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TaskFailureException(ErrorKind.STORAGE, "output '" + name + "': cannot read " + file + ": " + e.getMessage(),
          true, null, e);
    }
    String contentType = java.net.URLConnection.guessContentTypeFromName(name);
    URI uri = uri(taskId, name);
    objects.put(uri, new Stored(bytes, contentType));
    return new StoredObject(uri, bytes.length, contentType, "sha256:" + sha256(bytes), null);
  }

  @Override
  public InputStream open(URI uri) throws IOException {
    Stored s = objects.get(uri);
    if (s == null) {
      throw new NoSuchFileException(uri + " is not in this storage");
    }
    return new ByteArrayInputStream(s.bytes);
  }

  @Override
  public void delete(TaskId taskId) {
    String prefix = SCHEME + "://" + bucket + "/" + taskId.value() + "/";
    objects.keySet().removeIf(u -> u.toString().startsWith(prefix));
  }

  @Override
  public void delete(TaskId taskId, String name) {
    objects.remove(uri(taskId, name));
  }

  @Override
  public List<StoredFile> list(TaskId taskId, String prefix) {
    String base = SCHEME + "://" + bucket + "/" + taskId.value() + "/";
    List<StoredFile> files = new ArrayList<>();
    objects.forEach((uri, stored) -> {
      String u = uri.toString();
      if (u.startsWith(base + prefix)) {
        files.add(new StoredFile(u.substring(base.length()),
            new StoredObject(uri, stored.bytes.length, stored.contentType, null, null)));
      }
    });
    files.sort(java.util.Comparator.comparing(StoredFile::name));
    return List.copyOf(files);
  }

  /** Whether output {@code name} of task {@code id} is stored. */
  public boolean contains(TaskId id, String name) {
    return objects.containsKey(uri(id, name));
  }

  /**
   * The content of output {@code name} of task {@code id}.
   *
   * @throws AssertionError when there is none, naming what is stored
   */
  public byte[] bytes(TaskId id, String name) {
    return bytes(uri(id, name));
  }

  /**
   * The content stored under {@code uri} (a task output's {@code uri()}).
   *
   * @throws AssertionError when there is none, naming what is stored
   */
  public byte[] bytes(URI uri) {
    Stored s = objects.get(uri);
    if (s == null) {
      throw new AssertionError("nothing is stored under " + uri + "; stored: " + uris());
    }
    return s.bytes.clone();
  }

  /** The URIs of every stored object, sorted. */
  public Set<URI> uris() {
    return new TreeSet<>(objects.keySet());
  }

  /** How many objects are stored. */
  public int size() {
    return objects.size();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "InMemoryStorage[" + SCHEME + "://" + bucket + ", " + objects.size() + " objects]";
  }
}
