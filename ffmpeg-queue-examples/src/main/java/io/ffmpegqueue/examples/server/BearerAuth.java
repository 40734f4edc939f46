package io.ffmpegqueue.examples.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured tokens in constant time: all are
 * hashed first, so neither the content nor the length of a token leaks through timing, and every token is
 * compared, so neither does which one matched. A token may stand for a tenant ({@code API_TOKENS}).
 */
final class BearerAuth {
  /** What {@link #check} answers for a token that is accepted without a tenant. */
  static final String NO_TENANT = "";

  private final byte[] expectedHash;
  private final List<Map.Entry<byte[], String>> tenantHashes = new ArrayList<>();

  BearerAuth(String token) {
    this(token, Map.of());
  }

  /** The plain {@code token} (may be {@code null}) and tenant-bound tokens (token to tenant). */
  BearerAuth(String token, Map<String, String> tenantTokens) {
    this.expectedHash = token == null ? null : sha256(token);
    tenantTokens.forEach((t, tenant) -> tenantHashes.add(Map.entry(sha256(t), tenant)));
  }

  /** Whether the {@code Authorization} header value carries a token. */
  boolean accepts(String authorization) {
    return check(authorization) != null;
  }

  /**
   * The tenant of the token in the {@code Authorization} header value: {@link #NO_TENANT} for the plain
   * token, {@code null} when no token matches.
   */
  String check(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] given = sha256(authorization.substring(7).strip());
    String found = null;
    if (expectedHash != null && MessageDigest.isEqual(expectedHash, given)) {
      found = NO_TENANT;
    }
    for (Map.Entry<byte[], String> e : tenantHashes) {
      if (MessageDigest.isEqual(e.getKey(), given)) {
        found = e.getValue();
      }
    }
    return found;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
