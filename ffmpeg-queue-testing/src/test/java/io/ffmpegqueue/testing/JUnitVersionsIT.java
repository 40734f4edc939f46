package io.ffmpegqueue.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.FfmpegQueue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kit works on the JUnit a host brings: for each tested JUnit version, a fresh host project (made under
 * {@code target/junit-versions/}) that depends on this module's jar and on that JUnit alone runs this
 * module's own tests and the two samples of docs/testing.md "In 30 lines", copied from the Markdown as
 * written, through the Maven wrapper.
 *
 * <p>The kit's artifacts go to a local repository under {@code target/} ({@code maven.repo.local}), chained
 * to the user's repository read-only ({@code maven.repo.local.tail}) for everything else: nothing is
 * installed into {@code ~/.m2}. The versions come from the parent POM ({@code junit5.tested.version},
 * {@code junit.version}) through failsafe.
 */
class JUnitVersionsIT {
  private static final Pattern TESTS = Pattern.compile("<testsuite [^>]*?tests=\"(\\d+)\"[^>]*>");
  private static final Pattern COUNT = Pattern.compile("\\b(errors|failures)=\"(\\d+)\"");

  static List<String> versions() {
    return Arrays.stream(property("ffq.junit.versions").split(",")).map(String::strip).toList();
  }

  @ParameterizedTest(name = "JUnit {0}")
  @MethodSource("versions")
  void a_fresh_host_project_passes_the_kits_tests_and_the_docs_samples(String junit) throws Exception {
    Path root = Path.of(property("ffq.root")).toAbsolutePath().normalize();
    Path work = Path.of(property("ffq.build.dir"), "junit-versions").toAbsolutePath();
    Path repo = work.resolve("repo");
    publish(root, repo);

    Path host = work.resolve("host-" + junit);
    deleteRecursively(host);
    Path tests = Files.createDirectories(host.resolve("src/test/java"));
    Files.writeString(host.resolve("pom.xml"), hostPom(junit), StandardCharsets.UTF_8);
    copyTree(root.resolve("ffmpeg-queue-testing/src/test/java"), tests, p -> !p.toString().endsWith("IT.java"));
    Path testingMd = root.resolve("docs/testing.md");
    Files.writeString(tests.resolve("ThumbnailService.java"),
        sampleAsWritten(testingMd, "hostapp/ThumbnailService.java#host-app-service"), StandardCharsets.UTF_8);
    Files.writeString(tests.resolve("HostAppTest.java"),
        sampleAsWritten(testingMd, "hostapp/HostAppTest.java#host-app"), StandardCharsets.UTF_8);
    Files.writeString(tests.resolve("RunsOnTheHostsJUnitTest.java"), String.join("\n",
        "class RunsOnTheHostsJUnitTest {",
        "  @org.junit.jupiter.api.Test",
        "  void the_test_runs_on_the_hosts_junit() {",
        "    org.junit.jupiter.api.Assertions.assertEquals(\"" + junit + "\",",
        "        org.junit.jupiter.api.Test.class.getPackage().getImplementationVersion());",
        "  }",
        "}", ""), StandardCharsets.UTF_8);

    List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-q", "-f",
        host.resolve("pom.xml").toString(), "-Dmaven.repo.local=" + repo,
        "-Dmaven.repo.local.tail=" + property("ffq.user.repo"), "test"));
    if (property("ffq.offline").equals("offline:true")) { // this build runs with -o: so do the nested ones
      command.add(2, "-o");
    }
    Path log = host.resolve("build.log");
    Process build = new ProcessBuilder(command).directory(host.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!build.waitFor(10, TimeUnit.MINUTES)) {
      build.destroyForcibly().waitFor();
    }
    assertThat(build.exitValue()).as("%s\n%s", String.join(" ", command), tail(log)).isZero();

    Path reports = host.resolve("target/surefire-reports");
    assertThat(testsIn(reports.resolve("TEST-HostAppTest.xml"))).as("the docs' HostAppTest").isEqualTo(2);
    assertThat(testsIn(reports.resolve("TEST-RunsOnTheHostsJUnitTest.xml"))).isEqualTo(1);
    try (Stream<Path> kitTests = Files.list(root.resolve("ffmpeg-queue-testing/src/test/java/io/ffmpegqueue/testing"))) {
      for (Path t : kitTests.filter(p -> p.toString().endsWith("Test.java")).toList()) {
        String name = t.getFileName().toString().replace(".java", "");
        assertThat(testsIn(reports.resolve("TEST-io.ffmpegqueue.testing." + name + ".xml"))).as(name).isPositive();
      }
    }
  }

  /**
   * Puts the parent POM, core and this module, as this build made them, into {@code repo} in the layout
   * of a local repository, where the host's build finds them before the user's repository.
   */
  private static void publish(Path root, Path repo) throws IOException, URISyntaxException {
    String version = property("ffq.version");
    put(repo, "ffmpeg-queue-parent", version, root.resolve("pom.xml"), null);
    put(repo, "ffmpeg-queue-core", version, root.resolve("ffmpeg-queue-core/pom.xml"),
        jarOf(Path.of(FfmpegQueue.class.getProtectionDomain().getCodeSource().getLocation().toURI()), repo));
    put(repo, "ffmpeg-queue-testing", version, root.resolve("ffmpeg-queue-testing/pom.xml"),
        Path.of(property("ffq.kit.jar")));
  }

  private static void put(Path repo, String artifact, String version, Path pom, Path jar) throws IOException {
    Path dir = Files.createDirectories(repo.resolve("io/ffmpegqueue").resolve(artifact).resolve(version));
    Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The jar at {@code location}, or a jar made of it when the reactor gave a classes folder. */
  private static Path jarOf(Path location, Path work) throws IOException {
    if (Files.isRegularFile(location)) {
      return location;
    }
    Path jar = work.resolveSibling("core-classes.jar");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
        Stream<Path> files = Files.walk(location)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        zip.putNextEntry(new JarEntry(location.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
    return jar;
  }

  private static String hostPom(String junit) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example</groupId>
          <artifactId>host-on-junit-%1$s</artifactId>
          <version>1</version>
          <properties>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            <maven.compiler.release>17</maven.compiler.release>
          </properties>
          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>org.junit</groupId>
                <artifactId>junit-bom</artifactId>
                <version>%1$s</version>
                <type>pom</type>
                <scope>import</scope>
              </dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
            <dependency>
              <groupId>io.ffmpegqueue</groupId>
              <artifactId>ffmpeg-queue-testing</artifactId>
              <version>%2$s</version>
              <scope>test</scope>
            </dependency>
            <dependency>
              <groupId>org.junit.jupiter</groupId>
              <artifactId>junit-jupiter</artifactId>
              <scope>test</scope>
            </dependency>
            <dependency>
              <groupId>org.assertj</groupId>
              <artifactId>assertj-core</artifactId>
              <version>%3$s</version>
              <scope>test</scope>
            </dependency>
            <!-- What the kit's own tests use besides. -->
            <dependency>
              <groupId>org.junit.platform</groupId>
              <artifactId>junit-platform-testkit</artifactId>
              <scope>test</scope>
            </dependency>
            <dependency>
              <groupId>org.awaitility</groupId>
              <artifactId>awaitility</artifactId>
              <version>%4$s</version>
              <scope>test</scope>
            </dependency>
            <dependency>
              <groupId>org.slf4j</groupId>
              <artifactId>slf4j-simple</artifactId>
              <version>%5$s</version>
              <scope>test</scope>
            </dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>%6$s</version>
              </plugin>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-surefire-plugin</artifactId>
                <version>%7$s</version>
                <configuration>
                  <trimStackTrace>false</trimStackTrace>
                </configuration>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(junit, property("ffq.version"), property("ffq.assertj.version"),
        property("ffq.awaitility.version"), property("ffq.slf4j.version"), property("ffq.compiler.version"),
        property("ffq.surefire.version"));
  }

  /** The fenced block after the sample marker ending in {@code suffix}, as the Markdown shows it. */
  static String sampleAsWritten(Path markdown, String suffix) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    for (int i = 0; i + 1 < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.startsWith("<!-- sample:") && l.replace("-->", "").strip().endsWith(suffix)) {
        StringBuilder b = new StringBuilder();
        for (int j = i + 2; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
          b.append(lines.get(j)).append('\n');
        }
        return b.toString();
      }
    }
    throw new AssertionError(markdown + " has no sample " + suffix);
  }

  private static int testsIn(Path report) throws IOException {
    assertThat(report).as("surefire report").isRegularFile();
    String xml = Files.readString(report, StandardCharsets.UTF_8);
    Matcher suite = TESTS.matcher(xml);
    assertThat(suite.find()).as("a testsuite in %s", report).isTrue();
    Matcher counts = COUNT.matcher(suite.group());
    while (counts.find()) {
      assertThat(Integer.parseInt(counts.group(2))).as("%s in %s", counts.group(1), report).isZero();
    }
    return Integer.parseInt(suite.group(1));
  }

  private static void copyTree(Path from, Path to, java.util.function.Predicate<Path> keep) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(Files::isRegularFile).filter(keep).toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    assertThat(v).as("system property %s (set by failsafe in ffmpeg-queue-testing/pom.xml)", name).isNotBlank();
    return v;
  }
}
