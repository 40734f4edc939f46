package io.ffmpegqueue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/webhooks.md shows the receiver's check exactly as WebhookSignatures has it. */
class WebhookDocsTest {
  @Test
  void the_verification_sample_in_the_docs_is_the_tested_code() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    String doc = Files.readString(root.resolve("docs/webhooks.md"));
    String marker = "<!-- sample: ffmpeg-queue-core/src/test/java/io/ffmpegqueue/WebhookSignatures.java#verify-webhook -->\n```java\n";
    assertThat(doc).contains(marker);
    String shown = doc.substring(doc.indexOf(marker) + marker.length());
    shown = shown.substring(0, shown.indexOf("\n```"));
    // The docs show a sample's imports first (examples' DocSamplesTest checks them against the source).
    shown = shown.replaceFirst("\\A(import [^\n]+\n)+\n", "");
    String source = Files.readString(root.resolve("ffmpeg-queue-core/src/test/java/io/ffmpegqueue/WebhookSignatures.java"));
    String region = source.substring(source.indexOf("// sample:verify-webhook\n") + "// sample:verify-webhook\n".length());
    region = region.substring(0, region.indexOf("  // end-sample"));
    String dedented = Arrays.stream(region.stripTrailing().split("\n"))
        .map(l -> l.startsWith("  ") ? l.substring(2) : l).collect(Collectors.joining("\n"));
    assertThat(shown).isEqualTo(dedented);
  }
}
