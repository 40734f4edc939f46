package io.ffmpegqueue.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fetch order and the fall-backs that {@link HlsPlan} reads from playlists, without ffmpeg. */
class HlsPlanTest {
  private static final String MEDIA = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
      + "#EXTINF:2.0,\nseg0.ts\n#EXTINF:2.0,\nseg1.ts\n#EXTINF:1.5,\nseg2.ts\n#EXT-X-ENDLIST\n";

  private static HlsPlan plan(String entry, Map<String, String> folder) throws IOException {
    return HlsPlan.read(entry, folder.keySet(), folder::get);
  }

  @Test
  void a_media_playlist_gives_its_segments_in_order() throws IOException {
    HlsPlan plan = plan("index.m3u8", Map.of("index.m3u8", MEDIA, "seg0.ts", "", "seg1.ts", "", "seg2.ts", "",
        "other.txt", ""));

    assertThat(plan.fallback()).isNull();
    assertThat(plan.playlists()).containsExactly("index.m3u8");
    assertThat(plan.order()).extracting(HlsPlan.Segment::path).containsExactly("seg0.ts", "seg1.ts", "seg2.ts");
    assertThat(plan.order()).extracting(HlsPlan.Segment::start).containsExactly(0.0, 2.0, 4.0);
    assertThat(plan.lanes()).hasSize(1);
  }

  @Test
  void a_master_playlists_variants_arrive_side_by_side_by_time_with_their_init_sections() throws IOException {
    String master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhi/index.m3u8\n\n#EXT-X-STREAM-INF:BANDWIDTH=2\n"
        + "lo/index.m3u8\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"audio/index.m3u8\"\n";
    String lo = "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:3,\na.m4s\n#EXTINF:3,\nb.m4s\n#EXT-X-ENDLIST\n";
    String audio = "#EXTM3U\n#EXTINF:6,\n../a6.aac\n#EXT-X-ENDLIST\n";
    Map<String, String> folder = new HashMap<>(Map.of("master.m3u8", master, "hi/index.m3u8", MEDIA,
        "lo/index.m3u8", lo, "audio/index.m3u8", audio, "lo/init.mp4", "", "lo/a.m4s", "", "lo/b.m4s", "",
        "a6.aac", ""));
    folder.putAll(Map.of("hi/seg0.ts", "", "hi/seg1.ts", "", "hi/seg2.ts", ""));
    HlsPlan plan = plan("master.m3u8", folder);

    assertThat(plan.fallback()).isNull();
    assertThat(plan.playlists()).containsExactly("master.m3u8", "hi/index.m3u8", "lo/index.m3u8", "audio/index.m3u8");
    assertThat(plan.initSections()).containsExactly("lo/init.mp4");
    assertThat(plan.order()).extracting(HlsPlan.Segment::path).containsExactly("hi/seg0.ts", "lo/a.m4s", "a6.aac",
        "hi/seg1.ts", "lo/b.m4s", "hi/seg2.ts");
    assertThat(plan.lanes().get(1)).extracting(HlsPlan.Segment::index).containsExactly(1, 4);
  }

  @Test
  void what_cannot_arrive_in_turn_falls_back_to_the_whole_folder_and_says_why() throws IOException {
    Map<String, String> segs = Map.of("seg0.ts", "", "seg1.ts", "", "seg2.ts", "");
    assertThat(fallback(MEDIA.replace("#EXTINF:2.0,\nseg1.ts", "#EXTINF:2.0,\n#EXT-X-BYTERANGE:100@0\nseg1.ts"), segs))
        .contains("byte ranges");
    assertThat(fallback(MEDIA.replace("#EXT-X-PLAYLIST-TYPE:VOD\n",
        "#EXT-X-KEY:METHOD=AES-128,URI=\"k.key\"\n"), segs)).contains("encrypted");
    assertThat(fallback(MEDIA.replace("#EXT-X-ENDLIST\n", ""), segs)).contains("no #EXT-X-ENDLIST");
    assertThat(fallback(MEDIA.replace("seg2.ts", "../up.ts"), segs)).contains("not a path inside the folder");
    assertThat(fallback(MEDIA.replace("seg2.ts", "http://example.com/x.ts"), segs)).contains("not a path inside");
    assertThat(fallback(MEDIA.replace("seg2.ts", "seg0.ts"), segs)).contains("names 'seg0.ts' where another line");
    assertThat(fallback(MEDIA.replace("seg2.ts", "seg9.ts"), segs)).contains("does not hold");
    assertThat(fallback("not a playlist", segs)).contains("is not an HLS playlist");
  }

  @Test
  void uris_resolve_against_the_playlists_folder_and_never_leave_the_folder() {
    assertThat(HlsPlan.resolve("a/b/index.m3u8", "../c/s.ts")).isEqualTo("a/c/s.ts");
    assertThat(HlsPlan.resolve("a/index.m3u8", "./s.ts")).isEqualTo("a/s.ts");
    assertThat(HlsPlan.resolve("index.m3u8", "../s.ts")).isNull();
    assertThat(HlsPlan.resolve("index.m3u8", "/etc/passwd")).isNull();
    assertThat(HlsPlan.resolve("index.m3u8", "file:s.ts")).isNull();
    assertThat(HlsPlan.resolve("index.m3u8", "s.ts?x=1")).isNull();
  }

  private static String fallback(String media, Map<String, String> segments) throws IOException {
    Map<String, String> folder = new HashMap<>(segments);
    folder.put("index.m3u8", media);
    HlsPlan plan = plan("index.m3u8", folder);
    assertThat(plan.order()).isEmpty();
    return plan.fallback();
  }
}
