package io.ffmpegqueue.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.TaskFailureException;
import io.ffmpegqueue.spi.StopReason;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInputFetcherTest {
  @TempDir
  Path allowed;

  @TempDir
  Path elsewhere;

  @TempDir
  Path workspace;

  private FileInputFetcher fetcher;
  private final StoppableContext context = new StoppableContext();

  @BeforeEach
  void setUp() {
    fetcher = FileInputFetcher.allowing(allowed);
  }

  private FetchRequest request(Path source) {
    return new FetchRequest("in.mp4", source.toUri(), workspace.resolve("in.mp4"), context);
  }

  @Test
  void a_file_under_an_allowed_folder_is_copied_into_the_workspace() throws Exception {
    Path src = Files.writeString(allowed.resolve("clip.mp4"), "media");
    fetcher.validate("in.mp4", src.toUri());
    fetcher.fetch(request(src));
    assertThat(workspace.resolve("in.mp4")).hasContent("media");
    try (var files = Files.list(workspace)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void a_file_outside_the_allowed_folders_is_refused_at_submission() throws Exception {
    Path src = Files.writeString(elsewhere.resolve("secret.txt"), "x");
    InvalidTaskException e = catchThrowableOfType(InvalidTaskException.class, () -> fetcher.validate("in.mp4", src.toUri()));
    assertThat(e.field()).isEqualTo("input_files");
    assertThat(e.getMessage()).contains("'in.mp4'", "outside the allowed folders");
    assertThat(catchThrowableOfType(InvalidTaskException.class,
        () -> fetcher.validate("in.mp4", URI.create("file:" + allowed + "/../../etc/passwd")))).isNotNull();
  }

  @Test
  void a_symbolic_link_out_of_the_allowed_folders_is_refused_at_fetch() throws Exception {
    Path secret = Files.writeString(elsewhere.resolve("secret.txt"), "x");
    Path link = Files.createSymbolicLink(allowed.resolve("innocent.mp4"), secret);
    assertThatCode(() -> fetcher.validate("in.mp4", link.toUri())).doesNotThrowAnyException();
    TaskFailureException e = catchThrowableOfType(TaskFailureException.class, () -> fetcher.fetch(request(link)));
    assertThat(e.getMessage()).contains("leads outside the allowed folders");
    assertThat(e.retryable()).isFalse();
    assertThat(workspace).isEmptyDirectory();
  }

  @Test
  void a_missing_file_or_a_folder_fails_clearly_and_leaves_nothing() throws Exception {
    TaskFailureException missing = catchThrowableOfType(TaskFailureException.class,
        () -> fetcher.fetch(request(allowed.resolve("nope.mp4"))));
    assertThat(missing.getMessage()).isEqualTo("input 'in.mp4': no such file " + allowed.resolve("nope.mp4"));
    Path dir = Files.createDirectory(allowed.resolve("dir.mp4"));
    assertThat(catchThrowableOfType(TaskFailureException.class, () -> fetcher.fetch(request(dir))))
        .hasMessageContaining("is not a regular file");
    assertThat(workspace).isEmptyDirectory();
  }

  @Test
  void a_uri_with_a_host_or_query_is_refused() {
    assertThat(catchThrowableOfType(InvalidTaskException.class,
        () -> fetcher.validate("in.mp4", URI.create("file://server/share/a.mp4")))).hasMessageContaining("not a plain file URI");
    assertThat(catchThrowableOfType(InvalidTaskException.class,
        () -> fetcher.validate("in.mp4", URI.create(allowed.toUri() + "a.mp4?x=1")))).hasMessageContaining("not a plain file URI");
  }

  @Test
  void a_stopped_task_copies_nothing() throws Exception {
    Path src = Files.writeString(allowed.resolve("clip.mp4"), "media");
    context.stop(StopReason.CANCELLED);
    assertThat(catchThrowableOfType(TaskFailureException.class, () -> fetcher.fetch(request(src))))
        .hasMessage("input 'in.mp4': copy stopped");
    assertThat(workspace).isEmptyDirectory();
  }
}
