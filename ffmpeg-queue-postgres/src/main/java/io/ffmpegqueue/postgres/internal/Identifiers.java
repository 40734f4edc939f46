package io.ffmpegqueue.postgres.internal;

import java.util.regex.Pattern;

/**
 * Checks the schema and table prefix, which go into SQL text (identifiers cannot be bound as parameters):
 * plain lowercase identifiers only, short enough that every name made from them fits PostgreSQL's 63 bytes.
 */
public final class Identifiers {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,29}");
  private static final Pattern PREFIX = Pattern.compile("([a-z_][a-z0-9_]{0,23})?");

  private Identifiers() {}

  /** Checks a schema name. */
  public static String checkSchema(String schema) {
    if (schema == null || !SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException("schema must be a lowercase identifier of 1 to 30 characters"
          + " (letters, digits, '_', not starting with a digit), got '" + schema + "'");
    }
    return schema;
  }

  /** Checks a table prefix (it may be empty). */
  public static String checkPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("tablePrefix must be empty or a lowercase identifier of up to 24"
          + " characters (letters, digits, '_', not starting with a digit), got '" + prefix + "'");
    }
    return prefix;
  }
}
