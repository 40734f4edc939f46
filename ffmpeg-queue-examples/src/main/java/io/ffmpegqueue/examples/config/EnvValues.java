package io.ffmpegqueue.examples.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw values of the service's variables (defaults under the environment), and how one becomes a
 * number, a duration, a path or a host list; a bad value is a {@link ConfigException} naming its variable.
 * Only the variables of {@link Variables#READ} can be read.
 */
final class EnvValues {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
  private static final Pattern HOST_ENTRY = Pattern.compile("[A-Za-z0-9.:*\\[\\]/_-]+");

  private final Map<String, String> values;

  EnvValues(Map<String, String> env) {
    Map<String, String> v = new HashMap<>();
    for (Variable var : Variables.READ) {
      v.put(var.name(), var.defaultValue());
    }
    env.forEach((k, val) -> {
      if (val != null && !val.isBlank()) {
        v.put(k, val.strip());
      }
    });
    this.values = Map.copyOf(v);
  }

  String text(String name) {
    if (!Variables.isRead(name)) {
      throw new IllegalArgumentException(name + " is not in Variables.READ: add it there (and to .env.example and the docs)");
    }
    return values.getOrDefault(name, "");
  }

  int integer(String name, int min, int max) {
    String s = text(name);
    try {
      long n = Long.parseLong(s);
      if (n >= min && n <= max) {
        return (int) n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(name, "must be a whole number from " + min + " to " + max + ", got '" + s + "'");
  }

  long integer(String name, long min, long max) {
    String s = text(name);
    try {
      long n = Long.parseLong(s);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(name, "must be a whole number from " + min + " to " + max + ", got '" + s + "'");
  }

  Duration duration(String name, boolean zeroAllowed) {
    String s = text(name);
    Duration d = null;
    Matcher m = DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    } else if (s.startsWith("P") || s.startsWith("p")) {
      try {
        d = Duration.parse(s);
      } catch (DateTimeParseException e) {
        d = null;
      }
    }
    if (d == null || d.isNegative() || (d.isZero() && !zeroAllowed)) {
      throw new ConfigException(name, "must be a " + (zeroAllowed ? "" : "positive ")
          + "duration in seconds (3600) or with a unit (90s, 15m, 2h), got '" + s + "'");
    }
    return d;
  }

  Path path(String name) {
    try {
      return Path.of(text(name));
    } catch (InvalidPathException e) {
      throw new ConfigException(name, "'" + text(name) + "' is not a usable path: " + e.getReason());
    }
  }

  List<Path> paths(String name) {
    List<Path> out = new ArrayList<>();
    for (String part : text(name).split(",")) {
      if (!part.isBlank()) {
        try {
          out.add(Path.of(part.strip()));
        } catch (InvalidPathException e) {
          throw new ConfigException(name, "'" + part.strip() + "' is not a usable path: " + e.getReason());
        }
      }
    }
    return List.copyOf(out);
  }

  /** An absolute http or https URL, or {@code null} when empty. */
  URI httpUrl(String name) {
    String u = text(name);
    if (u.isEmpty()) {
      return null;
    }
    try {
      URI uri = new URI(u);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new ConfigException(name, "must be an absolute http or https URL");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(name, "is malformed at index " + e.getIndex() + ": " + e.getReason());
    }
  }

  List<String> hosts(String variable) {
    List<String> out = new ArrayList<>();
    for (String part : text(variable).split(",")) {
      String h = part.strip();
      if (h.isEmpty()) {
        continue;
      }
      if (!HOST_ENTRY.matcher(h).matches()) {
        throw new ConfigException(variable, "'" + h + "' is not a host name, address or CIDR");
      }
      out.add(h.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(out);
  }
}
