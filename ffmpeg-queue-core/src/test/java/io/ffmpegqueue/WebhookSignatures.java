package io.ffmpegqueue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What a webhook receiver does to check a delivery; docs/webhooks.md shows this code. */
final class WebhookSignatures {
  private WebhookSignatures() {}

  // sample:verify-webhook
  /**
   * Whether a webhook delivery is genuine: the signature matches the timestamp and body under the shared
   * secret, and the timestamp is recent (so a captured request cannot be replayed later).
   */
  static boolean verify(String secret, String timestampHeader, String signatureHeader, byte[] body, Instant now)
      throws Exception {
    if (timestampHeader == null || signatureHeader == null || !signatureHeader.startsWith("sha256=")) {
      return false;
    }
    long sent = Long.parseLong(timestampHeader);
    if (Duration.between(Instant.ofEpochSecond(sent), now).abs().compareTo(Duration.ofMinutes(5)) > 0) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestampHeader + ".").getBytes(StandardCharsets.UTF_8));
    byte[] expected = mac.doFinal(body);
    byte[] given = HexFormat.of().parseHex(signatureHeader.substring("sha256=".length()));
    return MessageDigest.isEqual(expected, given); // constant time
  }
  // end-sample
}
