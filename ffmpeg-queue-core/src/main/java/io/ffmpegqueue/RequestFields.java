package io.ffmpegqueue;

import java.net.URI;
import java.util.Map;

/** The checks of {@link TaskRequest}'s free-form fields (metadata, webhook URL), apart from its file and graph rules. */
final class RequestFields {
  private static final int MAX_METADATA_ENTRIES = 64;
  private static final int MAX_METADATA_LENGTH = 1024;

  private RequestFields() {}

  static void checkWebhookUrl(URI url) {
    if (url == null) {
      return;
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new InvalidTaskException("webhook_url", "must be an absolute http or https URL");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new InvalidTaskException("webhook_url", "has no host");
    }
    if (url.getRawUserInfo() != null) {
      // Credentials in a URL end up in logs and task listings; receivers verify the signature instead.
      throw new InvalidTaskException("webhook_url", "must not carry user info (credentials)");
    }
    if (url.toString().length() > 2048) {
      throw new InvalidTaskException("webhook_url", "is longer than 2048 characters");
    }
  }

  static Map<String, String> copyMetadata(Map<String, String> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new InvalidTaskException("metadata", "has " + metadata.size() + " entries, more than " + MAX_METADATA_ENTRIES);
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey() == null || e.getKey().isBlank() || e.getKey().length() > 128) {
        throw new InvalidTaskException("metadata", "keys must be 1 to 128 characters");
      }
      if (e.getValue() == null || e.getValue().length() > MAX_METADATA_LENGTH) {
        throw new InvalidTaskException(
            "metadata", "'" + e.getKey() + "' must have a value of at most " + MAX_METADATA_LENGTH + " characters");
      }
    }
    return Map.copyOf(metadata);
  }

  /** {@code s} cut to 80 characters for an error message ("null" for none). */
  static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
