package io.ffmpegqueue.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Large test files written and hashed as streams, never held in memory. */
final class TestFiles {
  private TestFiles() {}

  /** Writes {@code size} pseudo-random bytes (from {@code seed}) to {@code file}; returns their SHA-256 hex. */
  static String write(Path file, long size, long seed) throws IOException {
    MessageDigest sha = sha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        for (int i = 0; i < block.length; i += 8) {
          long v = random.nextLong();
          for (int j = 0; j < 8; j++) {
            block[i + j] = (byte) (v >>> (8 * j));
          }
        }
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        sha.update(block, 0, n);
        left -= n;
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The SHA-256 hex of everything {@code in} gives, and closes it. */
  static String sha256(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream s = in) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = s.read(buf)) >= 0) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The SHA-256 hex of a file. */
  static String sha256(Path file) throws IOException {
    return sha256(Files.newInputStream(file));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
