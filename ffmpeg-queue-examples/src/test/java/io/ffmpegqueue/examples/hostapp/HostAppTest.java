package io.ffmpegqueue.examples.hostapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.TaskId;
import io.ffmpegqueue.testing.FakeFfmpegRunner;
import io.ffmpegqueue.testing.FakeOutcome;
import io.ffmpegqueue.testing.FfmpegQueueHarness;
import io.ffmpegqueue.testing.FfmpegQueueTest;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** How a host app tests its own code around the queue: no ffmpeg, no network, no waiting. */
// sample:host-app
@FfmpegQueueTest
class HostAppTest {
  static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0};

  @Test
  void a_thumbnail_is_made_at_the_asked_second_and_remembered(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg) {
    ThumbnailService service = new ThumbnailService(queue);
    ffmpeg.enqueue(FakeOutcome.succeed().withOutput("thumb.jpg", JPEG));

    TaskId id = service.requestThumbnail("https://cdn.example.com/videos/42.mp4", 3);
    queue.runUntilIdle(); // runs the task here, on the test's thread; listeners have seen its events after

    assertThat(ffmpeg.takeCommand().arguments()).containsExactly("-ss", "3", "-i", "video.mp4", "-frames:v", "1", "thumb.jpg");
    assertThat(service.thumbnailOf(id)).contains(URI.create("mem://outputs/" + id + "/thumb.jpg"));
    assertThat(queue.storage().bytes(id, "thumb.jpg")).isEqualTo(JPEG);
  }

  @Test
  void a_broken_video_is_remembered_with_ffmpegs_reason(FfmpegQueueHarness queue, FakeFfmpegRunner ffmpeg) {
    ThumbnailService service = new ThumbnailService(queue);
    ffmpeg.enqueue(FakeOutcome.fail(1, "[mov,mp4] moov atom not found\nvideo.mp4: Invalid data found"));

    TaskId id = service.requestThumbnail("https://cdn.example.com/videos/broken.mp4", 0);
    queue.runUntilIdle();

    assertThat(service.thumbnailOf(id)).isEmpty();
    assertThat(service.problemOf(id)).contains("ffmpeg exited with code 1: video.mp4: Invalid data found");
  }
}
// end-sample
