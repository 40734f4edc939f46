package io.ffmpegqueue.postgres;

import io.ffmpegqueue.postgres.internal.Identifiers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The backend's tables, as versioned SQL migrations shipped in this jar. {@link PostgresQueueBackend}
 * applies them itself on start (under an advisory lock, so many processes may start at once); teams that
 * run migrations with their own tool take the SQL from here instead and build the backend with
 * {@link PostgresQueueBackend.Builder#migrate(boolean) migrate(false)}, which then only checks the version.
 *
 * <p>Each script records itself in {@code <prefix>schema_version}, so applying it by hand leaves the
 * database as the backend would. Print them with:
 *
 * <pre>{@code
 * java -cp ffmpeg-queue-postgres.jar:ffmpeg-queue-core.jar io.ffmpegqueue.postgres.PostgresSchema myschema ffq_
 * }</pre>
 */
public final class PostgresSchema {
  /** The schema version this library needs: the number of the last migration. */
  public static final int LATEST_VERSION = 9;

  private record Script(int version, String description, String file) {}

  private static final List<Script> SCRIPTS = List.of(
      new Script(1, "create tasks", "V1__create_tasks.sql"),
      new Script(2, "create webhooks", "V2__create_webhooks.sql"),
      new Script(3, "tenants", "V3__tenants.sql"),
      new Script(4, "fewer writes per task", "V4__fewer_writes.sql"),
      new Script(5, "task graphs", "V5__task_graphs.sql"),
      new Script(6, "task management", "V6__task_management.sql"),
      new Script(7, "fencing across retries, dashboard indexes", "V7__fencing_and_dashboard.sql"),
      new Script(8, "continuations", "V8__continuations.sql"),
      new Script(9, "messages", "V9__messages.sql"));

  private PostgresSchema() {}

  /**
   * One migration.
   *
   * @param version its number, from 1 up, in order
   * @param description what it does
   * @param sql the statements to run in one transaction, with the schema and prefix filled in, ending with
   *     the insert that records the version
   */
  public record Migration(int version, String description, String sql) {
    /** Checks the fields. */
    public Migration {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(sql, "sql");
    }
  }

  /**
   * The migrations for tables in {@code schema} named with {@code tablePrefix}, oldest first.
   *
   * @throws IllegalArgumentException when a name is not a plain lowercase identifier
   */
  public static List<Migration> migrations(String schema, String tablePrefix) {
    Identifiers.checkSchema(schema);
    Identifiers.checkPrefix(tablePrefix);
    return SCRIPTS.stream().map(s -> {
      String body = load(s.file()).replace("${schema}", schema).replace("${prefix}", tablePrefix);
      String sql = versionTable(schema, tablePrefix) + ";\n\n" + body.strip() + "\n\nINSERT INTO "
          + schema + "." + tablePrefix + "schema_version (version, description) VALUES (" + s.version() + ", '"
          + s.description() + "');\n";
      return new Migration(s.version(), s.description(), sql);
    }).toList();
  }

  /** The statement that makes the version table when it is missing. */
  static String versionTable(String schema, String tablePrefix) {
    return "CREATE TABLE IF NOT EXISTS " + schema + "." + tablePrefix + "schema_version (\n"
        + "  version      integer     PRIMARY KEY,\n"
        + "  description  text        NOT NULL,\n"
        + "  installed_at timestamptz NOT NULL DEFAULT now()\n"
        + ")";
  }

  private static String load(String name) {
    try (InputStream in = PostgresSchema.class.getResourceAsStream("migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException("migration " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read migration " + name, e);
    }
  }

  /**
   * Prints the migrations' SQL: arguments schema (default {@code public}) and table prefix (default
   * {@code ffq_}).
   */
  public static void main(String[] args) {
    String schema = args.length > 0 ? args[0] : PostgresQueueBackend.DEFAULT_SCHEMA;
    String prefix = args.length > 1 ? args[1] : PostgresQueueBackend.DEFAULT_TABLE_PREFIX;
    for (Migration m : migrations(schema, prefix)) {
      System.out.println("-- migration " + m.version() + ": " + m.description());
      System.out.println(m.sql());
    }
  }
}
