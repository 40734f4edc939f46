package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.ErrorKind;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.io.StoredObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryStorageTest {
  @TempDir
  Path dir;

  private final InMemoryStorage storage = new InMemoryStorage();

  @Test
  void an_output_is_kept_under_a_mem_uri_with_its_checksum_and_media_type() throws Exception {
    TaskId id = TaskId.of("task-1");
    StoredObject o = storage.store(id, "thumb.png", Files.write(dir.resolve("f"), new byte[] {1, 2, 3}));
    assertThat(o.uri()).isEqualTo(URI.create("mem://outputs/task-1/thumb.png"));
    assertThat(o.size()).isEqualTo(3);
    assertThat(o.contentType()).isEqualTo("image/png");
    assertThat(o.checksum()).isEqualTo("sha256:039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
    assertThat(storage.bytes(id, "thumb.png")).containsExactly(1, 2, 3);
    assertThat(storage.bytes(o.uri())).containsExactly(1, 2, 3);
    assertThat(storage.contains(id, "thumb.png")).isTrue();
    assertThat(storage.uris()).containsExactly(o.uri());
    assertThat(storage.size()).isEqualTo(1);
  }

  @Test
  void the_stored_copy_does_not_change_with_the_file_or_the_returned_array() throws Exception {
    TaskId id = TaskId.random();
    Path f = Files.write(dir.resolve("f"), new byte[] {7});
    storage.store(id, "a.mp4", f);
    Files.write(f, new byte[] {8});
    storage.bytes(id, "a.mp4")[0] = 9;
    assertThat(storage.bytes(id, "a.mp4")).containsExactly(7);
  }

  @Test
  void asking_for_an_output_that_is_not_there_fails_naming_what_is() throws Exception {
    TaskId id = TaskId.of("t");
    storage.store(id, "a.mp4", Files.write(dir.resolve("f"), new byte[] {1}));
    assertThatThrownBy(() -> storage.bytes(id, "b.mp4"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("mem://outputs/t/b.mp4").hasMessageContaining("mem://outputs/t/a.mp4");
  }

  @Test
  void a_planned_store_failure_is_a_retryable_storage_error_and_stores_nothing() throws Exception {
    TaskId id = TaskId.random();
    Path f = Files.write(dir.resolve("f"), new byte[] {1});
    storage.failNextStore("connection reset");
    assertThatThrownBy(() -> storage.store(id, "a.mp4", f))
        .isInstanceOfSatisfying(TaskFailureException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.STORAGE);
          assertThat(e.retryable()).isTrue();
        })
        .hasMessage("output 'a.mp4': connection reset");
    assertThat(storage.contains(id, "a.mp4")).isFalse();
    storage.store(id, "a.mp4", f);
    assertThat(storage.contains(id, "a.mp4")).isTrue();
  }

  @Test
  void deleting_a_task_leaves_the_other_tasks_outputs() throws Exception {
    Path f = Files.write(dir.resolve("f"), new byte[] {1});
    TaskId a = TaskId.of("a");
    TaskId ab = TaskId.of("ab");
    storage.store(a, "x.mp4", f);
    storage.store(ab, "x.mp4", f);
    storage.delete(a);
    assertThat(storage.uris()).containsExactly(URI.create("mem://outputs/ab/x.mp4"));
  }

  @Test
  void a_bucket_name_tells_storages_apart_and_a_bad_one_is_refused() {
    assertThat(new InMemoryStorage("thumbs").uri(TaskId.of("t"), "a.jpg")).isEqualTo(URI.create("mem://thumbs/t/a.jpg"));
    assertThatThrownBy(() -> new InMemoryStorage("Bad/Name")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket");
  }
}
