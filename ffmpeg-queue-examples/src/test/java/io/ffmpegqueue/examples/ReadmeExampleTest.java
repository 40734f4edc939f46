package io.ffmpegqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's embedding example is the compiled one in {@link EmbeddingExample}, line for line. */
class ReadmeExampleTest {
  @Test
  void the_readme_embedding_example_is_copied_from_compiled_code() throws Exception {
    List<String> source = Files.readAllLines(
        Path.of("src/main/java/io/ffmpegqueue/examples/EmbeddingExample.java"), StandardCharsets.UTF_8);
    int begin = source.indexOf("    // README:begin");
    int end = source.indexOf("    // README:end");
    assertThat(begin).isPositive();
    List<String> snippet = source.subList(begin + 1, end).stream().map(l -> l.length() >= 4 ? l.substring(4) : l).toList();
    assertThat(snippet).hasSizeLessThanOrEqualTo(15);

    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("```java\n" + String.join("\n", snippet) + "\n```");
  }
}
