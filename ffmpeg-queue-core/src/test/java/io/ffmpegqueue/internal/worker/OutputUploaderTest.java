package io.ffmpegqueue.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.OutputLimits;
import io.ffmpegqueue.OutputNames;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.Storage;
import io.ffmpegqueue.io.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files are stored while ffmpeg writes, in what order, and what a failed attempt leaves: steps driven by the test. */
class OutputUploaderTest {
  @TempDir
  Path workspace;
  final TaskId id = TaskId.random();
  final RecordingStorage storage = new RecordingStorage();

  /** Records every store and delete, in order. */
  static final class RecordingStorage implements Storage {
    final List<String> stored = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();

    @Override
    public StoredObject store(TaskId taskId, String name, Path file) {
      stored.add(name);
      try {
        return new StoredObject(URI.create("mem://b/" + taskId.value() + "/" + name), Files.size(file), null, null, null);
      } catch (IOException e) {
        throw new TaskFailureException(ErrorKind.STORAGE, e.toString(), true);
      }
    }

    @Override
    public InputStream open(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(TaskId taskId) {
      throw new AssertionError("a failed attempt deletes only what it stored");
    }

    @Override
    public void delete(TaskId taskId, String name) {
      deleted.add(name);
    }
  }

  private OutputUploader uploader(OutputLimits limits, String... declared) throws IOException {
    OutputUploader u = new OutputUploader(storage, id, workspace, OutputNames.of(List.of(declared)), limits, 2,
        Duration.ofHours(1));
    u.prepare();
    return u;
  }

  private void write(String name, String content) throws IOException {
    Files.createDirectories(workspace.resolve(name).getParent());
    Files.writeString(workspace.resolve(name), content);
  }

  @Test
  void a_segment_is_stored_once_its_playlist_lists_it_and_the_playlist_only_after_ffmpeg_exits() throws Exception {
    OutputUploader u = uploader(OutputLimits.defaults(), "hls/");
    write("hls/seg_000.ts", "a");
    write("hls/seg_001.ts", "b-still-growing");
    write("hls/index.m3u8", "#EXTM3U\n#EXTINF:1.0,\nseg_000.ts\n");
    u.scanOnce();
    assertThat(storage.stored).isEmpty(); // seen once: not yet known to be unchanged
    u.scanOnce();
    await().untilAsserted(() -> assertThat(storage.stored).containsExactly("hls/seg_000.ts"));

    write("hls/index.m3u8", "#EXTM3U\n#EXTINF:1.0,\nseg_000.ts\n#EXTINF:1.0,\nseg_001.ts\n#EXT-X-ENDLIST\n");
    Map<String, io.ffmpegqueue.TaskOutput> outputs = u.finish();

    assertThat(storage.stored).containsExactly("hls/seg_000.ts", "hls/seg_001.ts", "hls/index.m3u8");
    assertThat(outputs).containsOnlyKeys("hls/seg_000.ts", "hls/seg_001.ts", "hls/index.m3u8");
  }

  @Test
  void an_image_is_stored_once_the_next_one_of_its_series_exists() throws Exception {
    OutputUploader u = uploader(OutputLimits.defaults(), "t_%03d.jpg");
    write("t_001.jpg", "1");
    write("t_002.jpg", "2");
    u.scanOnce();
    u.scanOnce();
    await().untilAsserted(() -> assertThat(storage.stored).containsExactly("t_001.jpg"));
    u.finish();
    assertThat(storage.stored).containsExactly("t_001.jpg", "t_002.jpg");
  }

  @Test
  void a_failed_attempt_deletes_every_file_it_stored() throws Exception {
    OutputUploader u = uploader(OutputLimits.defaults(), "dash/");
    write("dash/chunk-stream0-00001.m4s", "1");
    write("dash/chunk-stream0-00002.m4s", "2");
    u.scanOnce();
    u.scanOnce();
    await().untilAsserted(() -> assertThat(storage.stored).containsExactly("dash/chunk-stream0-00001.m4s"));
    u.discard();
    assertThat(storage.deleted).containsExactly("dash/chunk-stream0-00001.m4s");
  }

  @Test
  void more_files_than_the_limit_fail_the_attempt_naming_the_limit() throws Exception {
    OutputUploader u = uploader(new OutputLimits(2, 1L << 20), "t_%d.png");
    write("t_1.png", "1");
    write("t_2.png", "2");
    write("t_3.png", "3");
    u.scanOnce();
    assertThat(u.failure()).hasMessageContaining("more than 2 output files (MAX_OUTPUT_FILES)");
    assertThatThrownBy(u::finish).isSameAs(u.failure());
    u.discard();
  }

  @Test
  void more_bytes_than_the_limit_fail_the_attempt_naming_the_limit() throws Exception {
    OutputUploader u = uploader(new OutputLimits(100, 4), "hls/");
    write("hls/seg_0.ts", "12345");
    assertThatThrownBy(u::finish).hasMessageContaining("more than 4 bytes (MAX_OUTPUT_BYTES)");
    u.discard();
  }
}
