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
 *
 * <p>A Java sample shows its imports first, so a reader can copy it into a file of their own: the
 * imports of its source file that the region uses, and an import for each type of the source's own
 * package (from {@code src/main}) that the region names, then a blank line. A marker that ends in
 * {@code without-imports} ({@code <!-- sample: PATH#NAME without-imports -->}) shows the region alone,
 * for the README's short example.
 */
final class DocSamples {
  private static final Pattern MARKER =
      Pattern.compile("^<!--\\s*sample:\\s*(\\S+?)#(\\S+?)(\\s+without-imports)?\\s*-->\\s*$");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+?)(\\.\\*)?;\\s*$");
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);\\s*$");
  private static final Pattern TYPE_NAME = Pattern.compile("\\b[A-Z]\\w*\\b");

  /** A sample as a Markdown file shows it. */
  record Sample(Path markdown, int line, String source, String name, boolean withImports, List<String> shown) {
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
      samples.add(new Sample(markdown, i + 1, m.group(1), m.group(2), m.group(3) == null,
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

  /**
   * {@code region} as a Java sample shows it: the imports it needs, a blank line, then the region; the
   * region alone when it needs none or the source is not Java.
   */
  List<String> withImports(String source, List<String> region) {
    Path file = root.resolve(source).normalize();
    if (!source.endsWith(".java")) {
      return region;
    }
    // Types named only in a trailing comment ("  // served by the FakeInputFetcher") need no import.
    String text = String.join("\n", region.stream().map(l -> l.replaceAll("(^|\\s)//\\s.*$", "")).toList());
    java.util.Set<String> used = new java.util.HashSet<>();
    Matcher names = TYPE_NAME.matcher(text);
    while (names.find()) {
      used.add(names.group());
    }
    java.util.TreeSet<String> statics = new java.util.TreeSet<>();
    java.util.TreeSet<String> plain = new java.util.TreeSet<>();
    String pkg = null;
    for (String line : read(file)) {
      Matcher p = PACKAGE.matcher(line.trim());
      if (p.matches()) {
        pkg = p.group(1);
      }
      Matcher m = IMPORT.matcher(line.trim());
      if (!m.matches()) {
        continue;
      }
      String imported = m.group(2);
      String simple = imported.substring(imported.lastIndexOf('.') + 1);
      boolean needed = m.group(3) != null || (m.group(1) != null
          ? Pattern.compile("\\b" + Pattern.quote(simple) + "\\b").matcher(text).find()
          : used.contains(simple));
      if (needed) {
        (m.group(1) != null ? statics : plain).add(line.trim());
      }
    }
    if (pkg != null) {
      Path main = mainSourcesOf(file, pkg);
      for (String name : used) {
        if (main != null && Files.isRegularFile(main.resolve(name + ".java"))) {
          plain.add("import " + pkg + "." + name + ";");
        }
      }
    }
    if (statics.isEmpty() && plain.isEmpty()) {
      return region;
    }
    List<String> out = new ArrayList<>(statics);
    if (!statics.isEmpty() && !plain.isEmpty()) {
      out.add("");
    }
    out.addAll(plain);
    out.add("");
    out.addAll(region);
    return out;
  }

  /** The folder of package {@code pkg} under the {@code src/main/java} of the module holding {@code file}. */
  private static Path mainSourcesOf(Path file, String pkg) {
    for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
      if (dir.getFileName() != null && dir.getFileName().toString().equals("src")) {
        return dir.resolve("main/java").resolve(pkg.replace('.', '/'));
      }
    }
    return null;
  }

  /** Every problem of every sample in the repository's Markdown files; empty when all match. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (Path md : markdownFiles()) {
      for (Sample s : samplesOf(md, problems)) {
        String where = s.where(root);
        List<String> expected = region(s.source(), s.name(), where, problems);
        if (expected != null && s.withImports()) {
          expected = withImports(s.source(), expected);
        }
        if (expected != null && !expected.equals(s.shown())) {
          problems.add(where + ": the sample differs from its source; copy it again. Expected:\n"
              + String.join("\n", expected) + "\nbut the Markdown shows:\n" + String.join("\n", s.shown()));
        }
      }
    }
    return problems;
  }

  /**
   * Copies each sample's source region (with its imports) into the Markdown files again; for
   * {@code -DdocSamples.rewrite=true}, after a source changed.
   */
  void rewrite() {
    for (Path md : markdownFiles()) {
      List<String> problems = new ArrayList<>();
      List<String> lines = new ArrayList<>(read(md));
      List<Sample> samples = samplesOf(md, problems);
      for (int k = samples.size() - 1; k >= 0; k--) {
        Sample s = samples.get(k);
        List<String> expected = region(s.source(), s.name(), s.where(root), problems);
        if (expected == null) {
          continue;
        }
        if (s.withImports()) {
          expected = withImports(s.source(), expected);
        }
        int from = s.line() + 1; // the line after the opening fence, 0-based
        lines.subList(from, from + s.shown().size()).clear();
        lines.addAll(from, expected);
      }
      try {
        Files.write(md, lines, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
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
