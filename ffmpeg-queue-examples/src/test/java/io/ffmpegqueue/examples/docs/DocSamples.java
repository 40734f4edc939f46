package io.ffmpegqueue.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks the code samples of Markdown files against the compiled sources they are copied from.
 *
 * <p>A sample is a fenced block right after a marker line {@code <!-- sample: PATH#NAME -->}, where PATH is
 * relative to the repository root and names a source file holding a region
 * {@code // sample:NAME} ... {@code // end-sample}. The block must equal that region's lines with their
 * common indentation removed. A marker whose file or region is missing, or that is not followed by a
 * fenced block, is a problem too.
 */
final class DocSamples {
  private static final Pattern MARKER = Pattern.compile("^<!--\\s*sample:\\s*(\\S+?)#(\\S+)\\s*-->\\s*$");

  /** A sample as a Markdown file shows it. */
  record Sample(Path markdown, int line, String source, String name, List<String> shown) {
    String where(Path root) {
      return root.relativize(markdown) + ":" + line + " (" + source + "#" + name + ")";
    }
  }

  private final Path root;

  DocSamples(Path root) {
    this.root = root;
  }

  /** The Markdown files of the repository: every {@code *.md} outside build output and hidden folders. */
  List<Path> markdownFiles() {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".md"))
          .filter(p -> noSkippedPart(root.relativize(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean noSkippedPart(Path relative) {
    for (Path part : relative) {
      String s = part.toString();
      if (s.equals("target") || s.equals("node_modules") || s.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /** Every sample of {@code markdown}, and a problem for each marker not followed by a fenced block. */
  List<Sample> samplesOf(Path markdown, List<String> problems) {
    List<String> lines = read(markdown);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = MARKER.matcher(lines.get(i).trim());
      if (!m.matches()) {
        continue;
      }
      String where = root.relativize(markdown) + ":" + (i + 1);
      if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
        problems.add(where + ": the sample marker is not followed by a fenced code block");
        continue;
      }
      int end = i + 2;
      while (end < lines.size() && !lines.get(end).startsWith("```")) {
        end++;
      }
      if (end >= lines.size()) {
        problems.add(where + ": the sample's code block is never closed");
        continue;
      }
      samples.add(new Sample(markdown, i + 1, m.group(1), m.group(2),
          lines.subList(i + 2, end).stream().map(String::stripTrailing).toList()));
      i = end;
    }
    return samples;
  }

  /** The region {@code name} of {@code source}, without its common indentation; a problem when missing. */
  List<String> region(String source, String name, String where, List<String> problems) {
    Path file = root.resolve(source).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      problems.add(where + ": the source file does not exist");
      return null;
    }
    List<String> lines = read(file);
    int begin = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals("// sample:" + name)) {
        if (begin >= 0) {
          problems.add(where + ": the region '" + name + "' appears twice in the source file");
          return null;
        }
        begin = i;
      }
    }
    if (begin < 0) {
      problems.add(where + ": the source file has no region '// sample:" + name + "'");
      return null;
    }
    int end = begin + 1;
    while (end < lines.size() && !lines.get(end).trim().equals("// end-sample")) {
      end++;
    }
    if (end >= lines.size()) {
      problems.add(where + ": the region '" + name + "' has no '// end-sample'");
      return null;
    }
    return dedent(lines.subList(begin + 1, end));
  }

  /** Every problem of every sample in the repository's Markdown files; empty when all match. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (Path md : markdownFiles()) {
      for (Sample s : samplesOf(md, problems)) {
        String where = s.where(root);
        List<String> expected = region(s.source(), s.name(), where, problems);
        if (expected != null && !expected.equals(s.shown())) {
          problems.add(where + ": the sample differs from its source; copy it again. Expected:\n"
              + String.join("\n", expected) + "\nbut the Markdown shows:\n" + String.join("\n", s.shown()));
        }
      }
    }
    return problems;
  }

  static List<String> dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    int cut = indent == Integer.MAX_VALUE ? 0 : indent;
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(cut).stripTrailing()).toList();
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
