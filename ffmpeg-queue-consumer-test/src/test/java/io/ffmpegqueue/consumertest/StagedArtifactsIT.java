package io.ffmpegqueue.consumertest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What `verify` staged for each published module: the jars a repository needs and a complete POM. */
class StagedArtifactsIT {

  private static final Path STAGING = Path.of(System.getProperty("ffq.staging.dir"));
  private static final String VERSION = System.getProperty("ffq.version");

  @ParameterizedTest
  @ValueSource(strings = {"ffmpeg-queue-core", "ffmpeg-queue-testing", "ffmpeg-queue-s3",
      "ffmpeg-queue-postgres", "ffmpeg-queue-micrometer", "ffmpeg-queue-redis",
      "ffmpeg-queue-amqp", "ffmpeg-queue-spring-boot-starter"})
  void each_library_module_is_staged_with_sources_javadoc_and_a_complete_pom(String module) throws IOException {
    Path dir = STAGING.resolve("io/ffmpegqueue").resolve(module).resolve(VERSION);
    String base = module + "-" + VERSION;
    for (String jar : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
      assertThat(dir.resolve(base + jar)).as(base + jar).isRegularFile();
    }
    try (JarFile sources = new JarFile(dir.resolve(base + "-sources.jar").toFile());
         JarFile javadoc = new JarFile(dir.resolve(base + "-javadoc.jar").toFile())) {
      assertThat(sources.stream().map(e -> e.getName())).anyMatch(n -> n.endsWith(".java"));
      assertThat(javadoc.getEntry("index.html")).as("index.html in the javadoc jar").isNotNull();
    }
    // Reproducible: every entry of every jar carries project.build.outputTimestamp, not the build's time.
    LocalDateTime stamp = LocalDateTime.ofInstant(Instant.parse(System.getProperty("ffq.outputTimestamp")),
        ZoneOffset.UTC);
    for (String jar : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
      try (JarFile file = new JarFile(dir.resolve(base + jar).toFile())) {
        assertThat(file.stream().map(e -> e.getTimeLocal())).as(base + jar).isNotEmpty().containsOnly(stamp);
      }
    }
    assertThat(Files.readString(dir.resolve(base + ".pom"))).contains("<description>");
    assertCompleteMetadata(module, STAGING.resolve("io/ffmpegqueue/ffmpeg-queue-parent").resolve(VERSION)
        .resolve("ffmpeg-queue-parent-" + VERSION + ".pom"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ffmpeg-queue-core", "ffmpeg-queue-testing", "ffmpeg-queue-s3",
      "ffmpeg-queue-postgres", "ffmpeg-queue-micrometer", "ffmpeg-queue-redis",
      "ffmpeg-queue-amqp", "ffmpeg-queue-spring-boot-starter"})
  void the_bom_manages_each_library_module(String module) throws IOException {
    Path bom = STAGING.resolve("io/ffmpegqueue/ffmpeg-queue-bom").resolve(VERSION)
        .resolve("ffmpeg-queue-bom-" + VERSION + ".pom");
    assertCompleteMetadata("ffmpeg-queue-bom", bom);
    assertThat(Files.readString(bom)).contains("<artifactId>" + module + "</artifactId>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ffmpeg-queue-examples", "ffmpeg-queue-bench", "ffmpeg-queue-consumer-test"})
  void modules_that_are_not_libraries_are_not_staged(String module) {
    assertThat(STAGING.resolve("io/ffmpegqueue").resolve(module)).doesNotExist();
  }

  private static void assertCompleteMetadata(String module, Path pom) throws IOException {
    String xml = Files.readString(pom);
    assertThat(xml).as(module + ": " + pom)
        .contains("<url>https://github.com/ffmpeg-queue/ffmpeg-queue</url>")
        .contains("<licenses>", "<name>Apache-2.0</name>")
        .contains("<scm", "<connection>scm:git:")
        .contains("<developers>")
        .contains("<project.build.outputTimestamp>");
  }
}
