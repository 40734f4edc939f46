package io.ffmpegqueue.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.TaskFailureException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputLayoutTest {
  @TempDir
  Path dir;

  private InputLayout.Verdict layout(byte[] head) throws Exception {
    Path file = Files.write(dir.resolve("in"), head);
    GrowingInput input = new GrowingInput("in");
    input.written(file, head.length);
    input.finished(head.length);
    try {
      return InputLayout.of(input);
    } finally {
      input.close();
    }
  }

  private static byte[] boxes(String... typesAndSizes) {
    ByteBuffer b = ByteBuffer.allocate(1 << 16);
    for (int i = 0; i < typesAndSizes.length; i += 2) {
      int size = Integer.parseInt(typesAndSizes[i + 1]);
      b.putInt(size).put(typesAndSizes[i].getBytes(StandardCharsets.ISO_8859_1));
      b.position(b.position() + size - 8);
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  @Test
  void an_mp4_with_its_index_before_its_media_streams_and_one_with_it_after_does_not() throws Exception {
    assertThat(layout(boxes("ftyp", "32", "moov", "4000", "mdat", "20000")))
        .isEqualTo(new InputLayout.Verdict(true, "MP4 with its index (moov) at the front"));
    assertThat(layout(boxes("ftyp", "32", "free", "8", "mdat", "20000", "moov", "4000")))
        .isEqualTo(new InputLayout.Verdict(false, "MP4 with its index (moov) after the media data"));
    assertThat(layout(boxes("ftyp", "32", "moof", "100")).streamable()).isTrue();
    assertThat(layout(boxes("ftyp", "32", "zzzz", "100")).streamable()).isFalse();
  }

  @Test
  void transport_streams_matroska_and_audio_stream_and_text_does_not() throws Exception {
    byte[] ts = new byte[188 * 3];
    ts[0] = ts[188] = ts[376] = 0x47;
    assertThat(layout(ts).what()).isEqualTo("MPEG-TS");
    assertThat(layout(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 0, 0}).what()).isEqualTo("Matroska/WebM");
    assertThat(layout("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1)).what()).isEqualTo("WAV");
    assertThat(layout("fLaC\0\0".getBytes(StandardCharsets.ISO_8859_1)).streamable()).isTrue();
    assertThat(layout("#EXTM3U\n#EXT-X-VERSION:3\n".getBytes(StandardCharsets.ISO_8859_1)).streamable())
        .as("a playlist goes through the runner's checks on a whole file").isFalse();
  }

  @Test
  void a_restart_after_the_reader_used_bytes_fails_and_before_it_does_not() throws Exception {
    Path file = Files.write(dir.resolve("in"), new byte[100]);
    GrowingInput input = new GrowingInput("in.ts");
    input.written(file, 100);
    input.restarted(); // nobody read anything yet
    input.written(file, 100);
    assertThat(input.await(0)).isEqualTo(100);
    assertThat(input.await(50)).as("a reader at 50 used the first 50 bytes").isEqualTo(100);
    assertThatThrownBy(input::restarted).isInstanceOf(TaskFailureException.class)
        .hasMessageContaining("input 'in.ts': the server sent the input again");
    input.close();
  }
}
