package io.ffmpegqueue.ffmpeg;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a filtergraph description the way libavfilter's graph parser does: chains separated by
 * {@code ;}, filters by {@code ,}, link labels in brackets, {@code name=args} with quoting by {@code '...'}
 * and escaping by {@code \}, then each filter's arguments split at {@code :} into {@code key=value} pairs or
 * positional values, unescaped a second time. Only what the policy needs: filter names and their arguments.
 */
final class FilterGraph {
  private static final String WHITESPACE = " \n\t\r";

  private FilterGraph() {}

  /** One filter of a graph. */
  record Filter(String name, List<Argument> arguments) {
    /** The filter name without an {@code @instance} suffix. */
    String baseName() {
      int at = name.indexOf('@');
      return at < 0 ? name : name.substring(0, at);
    }
  }

  /**
   * One argument of a filter.
   *
   * @param key the option name, or {@code null} for a positional value
   * @param position the index among the positional values, or -1 for a keyed one
   * @param value the value, unescaped
   */
  record Argument(String key, int position, String value) {}

  /** Thrown for a description the parser cannot read. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  static List<Filter> parse(String graph) throws SyntaxException {
    List<Filter> filters = new ArrayList<>();
    int[] pos = {0};
    int n = graph.length();
    while (true) {
      skipWhitespace(graph, pos);
      if (pos[0] >= n) {
        break;
      }
      skipLabels(graph, pos);
      String name = token(graph, pos, "=,;[");
      String args = null;
      if (pos[0] < n && graph.charAt(pos[0]) == '=') {
        pos[0]++;
        args = token(graph, pos, "[],;");
      }
      if (name.isEmpty()) {
        throw new SyntaxException("a filter has no name");
      }
      filters.add(new Filter(name, args == null ? List.of() : arguments(args)));
      skipLabels(graph, pos);
      skipWhitespace(graph, pos);
      if (pos[0] >= n) {
        break;
      }
      char c = graph.charAt(pos[0]);
      if (c == ',' || c == ';') {
        pos[0]++;
      } else {
        throw new SyntaxException("unexpected '" + c + "' at position " + pos[0]);
      }
    }
    return filters;
  }

  /** Splits a filter's argument string into keyed and positional values, as libavfilter does. */
  static List<Argument> arguments(String args) {
    List<Argument> out = new ArrayList<>();
    int[] pos = {0};
    int positional = 0;
    int n = args.length();
    while (pos[0] < n) {
      int keyEnd = pos[0];
      while (keyEnd < n && isKeyChar(args.charAt(keyEnd))) {
        keyEnd++;
      }
      if (keyEnd > pos[0] && keyEnd < n && args.charAt(keyEnd) == '=') {
        String key = args.substring(pos[0], keyEnd);
        pos[0] = keyEnd + 1;
        out.add(new Argument(key, -1, token(args, pos, ":")));
      } else {
        out.add(new Argument(null, positional++, token(args, pos, ":")));
      }
      if (pos[0] < n && args.charAt(pos[0]) == ':') {
        pos[0]++;
      }
    }
    return out;
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '/' || c == '.';
  }

  private static void skipLabels(String s, int[] pos) throws SyntaxException {
    skipWhitespace(s, pos);
    while (pos[0] < s.length() && s.charAt(pos[0]) == '[') {
      int end = s.indexOf(']', pos[0]);
      if (end < 0) {
        throw new SyntaxException("unterminated link label");
      }
      pos[0] = end + 1;
      skipWhitespace(s, pos);
    }
  }

  private static void skipWhitespace(String s, int[] pos) {
    while (pos[0] < s.length() && WHITESPACE.indexOf(s.charAt(pos[0])) >= 0) {
      pos[0]++;
    }
  }

  /** libavutil's {@code av_get_token}: up to a terminator, honouring quotes and escapes, trimmed. */
  static String token(String s, int[] pos, String terminators) {
    skipWhitespace(s, pos);
    StringBuilder out = new StringBuilder();
    int keep = 0; // characters up to here are never trimmed (escaped or quoted)
    int n = s.length();
    while (pos[0] < n && terminators.indexOf(s.charAt(pos[0])) < 0) {
      char c = s.charAt(pos[0]++);
      if (c == '\\' && pos[0] < n) {
        out.append(s.charAt(pos[0]++));
        keep = out.length();
      } else if (c == '\'') {
        while (pos[0] < n && s.charAt(pos[0]) != '\'') {
          out.append(s.charAt(pos[0]++));
        }
        if (pos[0] < n) {
          pos[0]++;
          keep = out.length();
        }
      } else {
        out.append(c);
      }
    }
    int end = out.length();
    while (end > keep && WHITESPACE.indexOf(out.charAt(end - 1)) >= 0) {
      end--;
    }
    out.setLength(end);
    return out.toString();
  }
}
