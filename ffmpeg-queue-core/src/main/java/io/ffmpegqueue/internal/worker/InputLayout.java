package io.ffmpegqueue.internal.worker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Whether ffmpeg can read an input front to back as it arrives, told from its first bytes: MPEG-TS,
 * Matroska/WebM, MP4 whose index ({@code moov}) comes before its media data, fragmented MP4, FLAC, Ogg, WAV,
 * MP3 and ADTS AAC can; an MP4 whose index is at its end cannot (ffmpeg needs the index before the first
 * frame), and neither can anything not recognised here. Text formats (playlists among them) are never
 * streamed, so they still pass the runner's checks on a whole file.
 */
final class InputLayout {
  /** How much of the head the check reads, at most, before it decides. */
  static final int HEAD_BYTES = 64 * 1024;
  // An MP4 whose first boxes before moov or mdat are bigger than this is not worth waiting for.
  private static final long MAX_BOX_WALK = 64L << 20;
  private static final Set<String> MP4_LEADING_BOXES = Set.of("ftyp", "styp", "free", "skip", "wide", "pdin", "uuid",
      "sidx", "prft", "junk");

  /** What the check found: whether to stream, and what the input is, for the log. */
  record Verdict(boolean streamable, String what) {}

  private InputLayout() {}

  /** Reads the head of {@code input} (waiting for it) and decides. */
  static Verdict of(GrowingInput input) throws InterruptedException {
    long have = input.awaitAtLeast(HEAD_BYTES);
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(have, HEAD_BYTES));
    read(input, head, 0);
    byte[] b = head.array();
    int n = head.limit();
    if (n >= 4 && u8(b, 0) == 0x1A && u8(b, 1) == 0x45 && u8(b, 2) == 0xDF && u8(b, 3) == 0xA3) {
      return new Verdict(true, "Matroska/WebM");
    }
    if (n >= 377 && b[0] == 0x47 && b[188] == 0x47 && b[376] == 0x47) {
      return new Verdict(true, "MPEG-TS");
    }
    String magic = n >= 4 ? new String(b, 0, 4, StandardCharsets.ISO_8859_1) : "";
    if (magic.equals("fLaC") || magic.equals("OggS") || magic.startsWith("ID3")) {
      return new Verdict(true, magic.startsWith("ID3") ? "MP3" : magic.equals("fLaC") ? "FLAC" : "Ogg");
    }
    if (n >= 12 && magic.equals("RIFF") && new String(b, 8, 4, StandardCharsets.ISO_8859_1).equals("WAVE")) {
      return new Verdict(true, "WAV");
    }
    if (n >= 2 && u8(b, 0) == 0xFF && (u8(b, 1) & 0xE0) == 0xE0) {
      return new Verdict(true, "MPEG audio (MP3 or ADTS AAC)");
    }
    if (n >= 8 && isMp4Box(new String(b, 4, 4, StandardCharsets.ISO_8859_1))) {
      return mp4(input);
    }
    return new Verdict(false, "a container not known to read front to back");
  }

  private static boolean isMp4Box(String type) {
    return MP4_LEADING_BOXES.contains(type) || type.equals("moov") || type.equals("mdat") || type.equals("moof");
  }

  /** Walks the top-level boxes until the index ({@code moov}) or the media data ({@code mdat}) comes. */
  private static Verdict mp4(GrowingInput input) throws InterruptedException {
    long pos = 0;
    while (pos < MAX_BOX_WALK) {
      long have = input.awaitAtLeast(pos + 16);
      if (have < pos + 8) {
        return new Verdict(false, "an MP4 that ends before its index");
      }
      ByteBuffer h = ByteBuffer.allocate((int) Math.min(16, have - pos));
      read(input, h, pos);
      long size = h.getInt(0) & 0xFFFFFFFFL;
      String type = new String(h.array(), 4, 4, StandardCharsets.ISO_8859_1);
      if (size == 1 && h.limit() >= 16) {
        size = h.getLong(8);
      }
      switch (type) {
        case "moov" -> {
          return new Verdict(true, "MP4 with its index (moov) at the front");
        }
        case "moof" -> {
          return new Verdict(true, "fragmented MP4");
        }
        case "mdat" -> {
          return new Verdict(false, "MP4 with its index (moov) after the media data");
        }
        default -> {
          if (!MP4_LEADING_BOXES.contains(type) || size < 8) {
            return new Verdict(false, "an MP4 with a box '" + printable(type) + "' before its index");
          }
          pos += size;
        }
      }
    }
    return new Verdict(false, "an MP4 with no index in its first " + (MAX_BOX_WALK >> 20) + " MiB");
  }

  private static void read(GrowingInput input, ByteBuffer dst, long position) {
    while (dst.hasRemaining()) {
      int n = input.read(dst, position + dst.position());
      if (n < 0) {
        break;
      }
    }
    dst.flip();
  }

  private static int u8(byte[] b, int i) {
    return b[i] & 0xFF;
  }

  private static String printable(String type) {
    return type.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? type : "?";
  }
}
