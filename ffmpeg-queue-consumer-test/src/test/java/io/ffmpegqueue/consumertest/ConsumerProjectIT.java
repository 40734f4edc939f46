package io.ffmpegqueue.consumertest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffmpegqueue.ffmpeg.FfmpegInstallation;
import io.ffmpegqueue.ffmpeg.FfmpegLocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first build: a project that imports only {@code ffmpeg-queue-bom}, depends on
 * {@code ffmpeg-queue-core} without a version, and whose main method is the README's first Java sample,
 * verbatim. Maven (the wrapper, offline) resolves our modules from the staging folder that `verify` deployed
 * to, and third-party artifacts from the local repository read as a plain file repository; its own local
 * repository is a fresh temporary folder, so nothing of ours leaks into ~/.m2.
 */
class ConsumerProjectIT {

  private static final Path ROOT = Path.of(System.getProperty("ffq.root"));
  private static final Path STAGING = Path.of(System.getProperty("ffq.staging.dir"));
  private static final Path THIRD_PARTY = Path.of(System.getProperty("ffq.thirdParty.repo"));
  private static final String VERSION = System.getProperty("ffq.version");
  private static final Pattern FIRST_JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  @TempDir
  Path project;

  @Test
  void a_project_importing_the_bom_compiles_and_runs_the_readme_sample() throws Exception {
    String sample = readmeSample();
    writeProject(sample);

    Path localRepo = project.resolve("m2");
    Path classpath = project.resolve("classpath.txt");
    run(project, List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-o",
        "-s", project.resolve("settings.xml").toString(),
        "-f", project.resolve("pom.xml").toString(),
        "-Dmaven.repo.local=" + localRepo,
        "-Daether.offline.protocols=file",
        "compile",
        "org.apache.maven.plugins:maven-dependency-plugin:"
            + System.getProperty("ffq.dependency.plugin.version") + ":build-classpath",
        "-Dmdep.outputFile=" + classpath), Map.of());

    // Our artifacts came from the staging folder, not from a local repository that happens to hold them.
    for (String module : List.of("ffmpeg-queue-bom", "ffmpeg-queue-parent", "ffmpeg-queue-core")) {
      Path origin = localRepo.resolve("io/ffmpegqueue").resolve(module).resolve(VERSION)
          .resolve("_remote.repositories");
      assertThat(Files.readString(origin)).as(module).contains(">ffq-staging=");
    }

    // The sample reads media/video.mp4 and writes ffmpeg-outputs/{task_id}/output.mp4 in its folder.
    FfmpegInstallation ffmpeg = FfmpegLocator.builder().environment(Map.of()).build().locate();
    Files.createDirectories(project.resolve("media"));
    run(project, List.of(ffmpeg.ffmpeg().toString(), "-v", "error", "-f", "lavfi",
        "-i", "testsrc=size=160x120:rate=10", "-t", "1", "-pix_fmt", "yuv420p", "media/video.mp4"), Map.of());

    String out = run(project, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", project.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(classpath).trim(),
        "consumer.Main"), Map.of("FFMPEG_PATH", ffmpeg.ffmpeg().toString(),
        "FFPROBE_PATH", ffmpeg.ffprobe().toString()));

    assertThat(out).contains("done: file:").contains("completed file:");
    try (Stream<Path> outputs = Files.walk(project.resolve("ffmpeg-outputs"))) {
      assertThat(outputs.filter(p -> p.getFileName().toString().equals("output.mp4")))
          .singleElement().satisfies(p -> assertThat(Files.size(p)).isPositive());
    }
  }

  private static String readmeSample() throws IOException {
    Matcher m = FIRST_JAVA_BLOCK.matcher(Files.readString(ROOT.resolve("README.md")));
    assertThat(m.find()).as("a ```java block in README.md").isTrue();
    return m.group(1);
  }

  private void writeProject(String sample) throws IOException {
    Files.writeString(project.resolve("pom.xml"), """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>consumer</groupId>
          <artifactId>consumer</artifactId>
          <version>1</version>
          <properties>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            <maven.compiler.release>17</maven.compiler.release>
          </properties>
          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>io.ffmpegqueue</groupId>
                <artifactId>ffmpeg-queue-bom</artifactId>
                <version>%s</version>
                <type>pom</type>
                <scope>import</scope>
              </dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
            <dependency>
              <groupId>io.ffmpegqueue</groupId>
              <artifactId>ffmpeg-queue-core</artifactId>
            </dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>%s</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(VERSION, System.getProperty("ffq.compiler.plugin.version")));
    // Our modules from the staging folder, everything else from the local repository as a file repository
    // (its id overrides central, so no request leaves the machine).
    Files.writeString(project.resolve("settings.xml"), """
        <settings>
          <profiles>
            <profile>
              <id>consumer-test</id>
              <repositories>
                <repository><id>ffq-staging</id><url>%1$s</url></repository>
                <repository><id>central</id><url>%2$s</url></repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository><id>central</id><url>%2$s</url></pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>consumer-test</activeProfile></activeProfiles>
        </settings>
        """.formatted(STAGING.toUri(), THIRD_PARTY.toUri()));
    Path main = project.resolve("src/main/java/consumer/Main.java");
    Files.createDirectories(main.getParent());
    Files.writeString(main, """
        package consumer;

        import io.ffmpegqueue.*;
        import io.ffmpegqueue.io.*;
        import java.nio.file.Path;

        public class Main {
          public static void main(String[] args) throws Exception {
        %s
          }
        }
        """.formatted(sample));
  }

  private static String run(Path dir, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("MAVEN_OPTS");
    pb.environment().remove("MAVEN_ARGS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished: " + command).isTrue();
    assertThat(p.exitValue()).as("exit status of " + command + "\n" + out).isZero();
    return out;
  }
}
