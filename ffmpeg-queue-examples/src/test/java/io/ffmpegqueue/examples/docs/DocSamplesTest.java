package io.ffmpegqueue.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code samples in README.md and docs/ are the compiled code they name, line for line: a sample that
 * drifts from its source, or a marker that points at a missing file or region, fails the build.
 */
class DocSamplesTest {
  /** The repository root: the parent of this module's folder (surefire runs in the module's basedir). */
  static Path repositoryRoot() {
    Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
    Path root = module.getParent();
    assertThat(root.resolve("README.md")).as("README.md at the repository root").isRegularFile();
    assertThat(root.resolve("docs")).as("docs/ at the repository root").isDirectory();
    return root;
  }

  @Test
  void every_sample_in_the_markdown_files_matches_its_source() {
    if (Boolean.getBoolean("docSamples.rewrite")) {
      new DocSamples(repositoryRoot()).rewrite();
    }
    assertThat(new DocSamples(repositoryRoot()).problems()).isEmpty();
  }

  @Test
  void the_scan_covers_the_readme_and_every_doc() {
    DocSamples samples = new DocSamples(repositoryRoot());
    List<Path> files = samples.markdownFiles();
    Path root = repositoryRoot();
    assertThat(files).contains(root.resolve("README.md"), root.resolve("docs/getting-started.md"),
        root.resolve("docs/configuration.md"), root.resolve("docs/security.md"), root.resolve("docs/testing.md"));
    assertThat(files).noneMatch(p -> root.relativize(p).toString().contains("target"));
  }

  @Test
  void the_readme_embedding_example_is_a_compiled_sample_of_at_most_fifteen_lines() {
    Path root = repositoryRoot();
    List<String> problems = new ArrayList<>();
    List<DocSamples.Sample> readme = new DocSamples(root).samplesOf(root.resolve("README.md"), problems);
    assertThat(problems).isEmpty();
    assertThat(readme).anySatisfy(s -> {
      assertThat(s.source()).isEqualTo("ffmpeg-queue-examples/src/main/java/io/ffmpegqueue/examples/EmbeddingExample.java");
      assertThat(s.shown()).isNotEmpty().hasSizeLessThanOrEqualTo(15);
    });
  }

  @Test
  void every_dependency_on_ffmpeg_queue_in_the_docs_gives_this_builds_version() throws IOException {
    Path root = repositoryRoot();
    String pom = Files.readString(root.resolve("pom.xml"));
    java.util.regex.Matcher v = java.util.regex.Pattern
        .compile("<artifactId>ffmpeg-queue-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(v.find()).isTrue();
    java.util.regex.Pattern dependency = java.util.regex.Pattern.compile(
        "<groupId>io\\.ffmpegqueue</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*(?:<version>([^<]*)</version>)?");
    int seen = 0;
    for (Path md : new DocSamples(root).markdownFiles()) {
      String text = Files.readString(md);
      java.util.regex.Matcher m = dependency.matcher(text);
      while (m.find()) {
        seen++;
        if (m.group(2) == null && text.contains("<artifactId>ffmpeg-queue-bom</artifactId>")) {
          continue; // its version comes from the BOM, whose own version this loop checks
        }
        assertThat(m.group(2)).as("%s: the version of %s", root.relativize(md), m.group(1)).isEqualTo(v.group(1));
      }
    }
    assertThat(seen).as("dependency snippets in the docs").isPositive();
  }

  @Test
  void a_sample_that_differs_from_its_source_is_reported(@TempDir Path root) throws IOException {
    source(root, "  // sample:hello", "  System.out.println(\"hello\");", "  // end-sample");
    markdown(root, "<!-- sample: src/Hello.java#hello -->", "```java", "System.out.println(\"bye\");", "```");
    assertThat(new DocSamples(root).problems()).singleElement().asString()
        .contains("docs/page.md:1", "differs from its source", "println(\"hello\")");
  }

  @Test
  void a_matching_sample_is_not_reported_and_indentation_is_removed(@TempDir Path root) throws IOException {
    source(root, "    // sample:hello", "    if (x) {", "      y();", "", "    }", "    // end-sample");
    markdown(root, "<!-- sample: src/Hello.java#hello -->", "```java", "if (x) {", "  y();", "", "}", "```");
    assertThat(new DocSamples(root).problems()).isEmpty();
  }

  @Test
  void a_java_sample_shows_the_imports_it_uses_and_its_packages_types(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("m/src/main/java/a/b"));
    Files.writeString(root.resolve("m/src/main/java/a/b/Kit.java"), "package a.b;\nclass Kit {}\n");
    Files.createDirectories(root.resolve("m/src/test/java/a/b"));
    Files.writeString(root.resolve("m/src/test/java/a/b/UseTest.java"), String.join("\n", "package a.b;", "",
        "import static org.x.Assert.check;", "", "import java.net.URI;", "import java.util.List;", "",
        "class UseTest {", "  // sample:use", "  Kit kit = new Kit();", "  URI u = check(null);", "  // end-sample", "}"));
    markdown(root, "<!-- sample: m/src/test/java/a/b/UseTest.java#use -->", "```java",
        "import static org.x.Assert.check;", "", "import a.b.Kit;", "import java.net.URI;", "",
        "Kit kit = new Kit();", "URI u = check(null);", "```", "",
        "<!-- sample: m/src/test/java/a/b/UseTest.java#use without-imports -->", "```java",
        "Kit kit = new Kit();", "URI u = check(null);", "```");
    assertThat(new DocSamples(root).problems()).isEmpty();
  }

  @Test
  void a_java_sample_without_its_imports_is_reported(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("src"));
    Files.writeString(root.resolve("src/Hello.java"), String.join("\n", "import java.net.URI;",
        "// sample:hello", "URI u = null;", "// end-sample"));
    markdown(root, "<!-- sample: src/Hello.java#hello -->", "```java", "URI u = null;", "```");
    assertThat(new DocSamples(root).problems()).singleElement().asString()
        .contains("differs from its source", "import java.net.URI;");
  }

  @Test
  void a_marker_that_names_a_missing_file_is_reported(@TempDir Path root) throws IOException {
    markdown(root, "<!-- sample: src/Gone.java#hello -->", "```java", "x();", "```");
    assertThat(new DocSamples(root).problems()).singleElement().asString()
        .contains("docs/page.md:1", "the source file does not exist");
  }

  @Test
  void a_marker_that_names_a_missing_region_is_reported(@TempDir Path root) throws IOException {
    source(root, "// sample:other", "x();", "// end-sample");
    markdown(root, "<!-- sample: src/Hello.java#hello -->", "```java", "x();", "```");
    assertThat(new DocSamples(root).problems()).singleElement().asString()
        .contains("has no region '// sample:hello'");
  }

  @Test
  void a_region_without_its_end_and_a_marker_without_a_block_are_reported(@TempDir Path root) throws IOException {
    source(root, "// sample:hello", "x();");
    markdown(root, "<!-- sample: src/Hello.java#hello -->", "```java", "x();", "```", "",
        "<!-- sample: src/Hello.java#hello -->", "no block here");
    assertThat(new DocSamples(root).problems()).hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("has no '// end-sample'"))
        .anySatisfy(p -> assertThat(p).contains("docs/page.md:6", "not followed by a fenced code block"));
  }

  @Test
  void markdown_under_build_output_is_not_scanned(@TempDir Path root) throws IOException {
    markdown(root, "no samples");
    Files.createDirectories(root.resolve("mod/target"));
    Files.writeString(root.resolve("mod/target/copy.md"), "<!-- sample: src/Gone.java#x -->\n```\n```\n");
    assertThat(new DocSamples(root).markdownFiles()).containsExactly(root.resolve("docs/page.md"));
    assertThat(new DocSamples(root).problems()).isEmpty();
  }

  private static void source(Path root, String... lines) throws IOException {
    Files.createDirectories(root.resolve("src"));
    Files.writeString(root.resolve("src/Hello.java"), String.join("\n", lines) + "\n");
  }

  private static void markdown(Path root, String... lines) throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/page.md"), String.join("\n", lines) + "\n");
  }
}
