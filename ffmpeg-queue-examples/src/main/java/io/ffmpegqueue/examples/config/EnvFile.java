package io.ffmpegqueue.examples.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: {@code KEY=value} lines, {@code #} comments, an optional {@code export} in
 * front, values bare (an inline comment after a space is dropped), in single quotes (taken as they are)
 * or in double quotes (with {@code \n}, {@code \"} and {@code \\} escapes). What docker compose reads,
 * minus variable expansion, which a service's own file should not need.
 */
public final class EnvFile {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private EnvFile() {}

  /**
   * The variables in {@code file}, or none when it does not exist.
   *
   * @throws ConfigException naming the file and line of a line that is not {@code KEY=value}
   */
  public static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage());
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      String where = file.getFileName() + " line " + (i + 1);
      if (eq <= 0) {
        throw new ConfigException(where, "expected KEY=value");
      }
      String key = line.substring(0, eq).strip();
      if (!KEY.matcher(key).matches()) {
        throw new ConfigException(where, "'" + key + "' is not a variable name");
      }
      vars.put(key, value(line.substring(eq + 1).strip(), where));
    }
    return vars;
  }

  private static String value(String raw, String where) {
    if (raw.startsWith("'")) {
      int end = raw.indexOf('\'', 1);
      if (end < 0) {
        throw new ConfigException(where, "unterminated single quote");
      }
      return raw.substring(1, end);
    }
    if (raw.startsWith("\"")) {
      StringBuilder out = new StringBuilder();
      for (int i = 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\' && i + 1 < raw.length()) {
          char n = raw.charAt(++i);
          out.append(n == 'n' ? '\n' : n);
        } else {
          out.append(c);
        }
      }
      throw new ConfigException(where, "unterminated double quote");
    }
    int comment = raw.indexOf(" #");
    return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
  }
}
