package io.ffmpegqueue.examples.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One source of truth for the service's variables: {@link Variables#READ}, which {@link ServiceConfig} reads
 * through, and the three places a user reads them list the same names with the same defaults:
 * docs/configuration.md and docs/service.md here, .env.example in {@link EnvExampleTest}.
 */
class ConfigurationReferenceTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
  // A variable read by name in the service's code: env.text("PORT"), config.variable("DATABASE_URL"), ...
  private static final Pattern READ_CALL =
      Pattern.compile("\\b(?:text|integer|duration|path|paths|hosts|httpUrl|variable)\\(\"([A-Z][A-Z0-9_]*)\"");
  private static final Pattern LITERAL = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})\"");

  @Test
  void configuration_md_lists_every_variable_the_service_reads_with_its_default() throws IOException {
    Map<String, String> table = variablesTable(ROOT.resolve("docs/configuration.md"), "## The service's environment variables");
    assertThat(table.keySet()).containsExactlyInAnyOrderElementsOf(Variables.names());
    assertDefaults(table, "docs/configuration.md");
    String section = section(ROOT.resolve("docs/configuration.md"), "## The service's environment variables");
    for (String v : Variables.PROCESS_ENVIRONMENT) {
      assertThat(section).as("configuration.md names %s", v).contains("`" + v + "`");
    }
  }

  @Test
  void service_md_lists_every_variable_the_service_reads_with_its_default() throws IOException {
    Map<String, String> table = variablesTable(ROOT.resolve("docs/service.md"), "## Configuration");
    assertThat(table.keySet()).containsExactlyInAnyOrderElementsOf(Variables.names());
    assertDefaults(table, "docs/service.md");
  }

  @Test
  void the_service_reads_no_variable_outside_the_list() throws IOException {
    Set<String> readInCode = new HashSet<>();
    Set<String> literals = new HashSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String code = Files.readString(f, StandardCharsets.UTF_8);
        if (!f.getFileName().toString().equals("Variables.java")) {
          collect(LITERAL, code, literals);
        }
        collect(READ_CALL, code, readInCode);
      }
    }
    assertThat(readInCode).as("variables read by name in src/main").isNotEmpty().allMatch(Variables::isRead);
    // ...and each listed variable is used somewhere: by name in the service, or as an S3Settings or
    // AmqpSettings constant.
    literals.addAll(constantsOf(io.ffmpegqueue.s3.S3Settings.class));
    literals.addAll(constantsOf(io.ffmpegqueue.amqp.AmqpSettings.class));
    assertThat(Variables.names()).allMatch(literals::contains);
  }

  @Test
  void a_variable_outside_the_list_cannot_be_read() {
    ServiceConfig c = ServiceConfig.from(Map.of("NOT_A_SERVICE_VARIABLE", "x"));
    assertThatThrownBy(() -> c.variable("NOT_A_SERVICE_VARIABLE"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Variables.READ");
    assertThat(c.variable("DATABASE_URL")).isNull();
  }

  private static void assertDefaults(Map<String, String> table, String where) {
    for (Variable v : Variables.READ) {
      if (!v.defaultValue().isEmpty()) {
        assertThat(table.get(v.name())).as("%s: the default of %s", where, v.name()).contains("`" + v.defaultValue() + "`");
      }
    }
  }

  /** The variables of the first table after {@code heading}: each name in its first column, to its default cell. */
  static Map<String, String> variablesTable(Path markdown, String heading) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : section(markdown, heading).split("\n")) {
      if (line.startsWith("|")) {
        inTable = true;
        rows.add(line);
      } else if (inTable) {
        break;
      }
    }
    assertThat(rows).as("a table under '%s' in %s", heading, markdown).hasSizeGreaterThan(2);
    for (String row : rows.subList(2, rows.size())) {
      String[] cells = row.split("\\|");
      Matcher m = NAME.matcher(cells[1]);
      while (m.find()) {
        assertThat(out.put(m.group(1), cells[2])).as("%s listed once in %s", m.group(1), markdown).isNull();
      }
    }
    return out;
  }

  private static String section(Path markdown, String heading) throws IOException {
    String text = Files.readString(markdown, StandardCharsets.UTF_8);
    int start = text.indexOf("\n" + heading + "\n");
    assertThat(start).as("'%s' in %s", heading, markdown).isNotNegative();
    int end = text.indexOf("\n## ", start + heading.length() + 1);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  private static void collect(Pattern p, String text, Set<String> into) {
    Matcher m = p.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
  }

  private static Set<String> constantsOf(Class<?> type) {
    Set<String> out = new HashSet<>();
    for (Field f : type.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }
}
