package io.ffmpegqueue.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ContentTypesTest {
  @Test
  void media_types_come_from_the_extension_whatever_its_case_with_overrides_first() {
    ContentTypes t = new ContentTypes(Map.of("MKV", "video/matroska"));
    assertThat(t.of("out.mp4")).isEqualTo("video/mp4");
    assertThat(t.of("OUT.MP3")).isEqualTo("audio/mpeg");
    assertThat(t.of("index.m3u8")).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(t.of("a.mkv")).isEqualTo("video/matroska");
    assertThat(t.of("noext")).isEqualTo(ContentTypes.DEFAULT);
    assertThat(t.of("weird.xyz")).isEqualTo(ContentTypes.DEFAULT);
    assertThat(t.of("dot.")).isEqualTo(ContentTypes.DEFAULT);
  }
}
