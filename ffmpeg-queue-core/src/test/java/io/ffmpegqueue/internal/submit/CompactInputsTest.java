package io.ffmpegqueue.internal.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.InvalidTaskException;
import io.ffmpegqueue.Task;
import io.ffmpegqueue.TaskJson;
import io.ffmpegqueue.TaskRequest;
import io.ffmpegqueue.io.FetchRequest;
import io.ffmpegqueue.io.InputFetcher;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompactInputsTest {
  private static final Map<String, URI> INPUTS = inputs();

  private static Map<String, URI> inputs() {
    Map<String, URI> m = new LinkedHashMap<>();
    m.put("b.mp4", URI.create("https://cdn.example.com/b.mp4?X-Sig=a%2Fb"));
    m.put("a.srt", URI.create("file:///media/a.srt"));
    m.put("c.wav", URI.create("HTTPS://Example.COM:8443/c%20d.wav#frag"));
    return m;
  }

  @Test
  void it_behaves_as_the_map_it_was_made_from_in_order_equality_hash_and_text() {
    Map<String, URI> c = CompactInputs.of(INPUTS);
    assertThat(c).isInstanceOf(CompactInputs.class);
    assertThat(c).isEqualTo(INPUTS);
    assertThat(INPUTS).isEqualTo(c);
    assertThat(c.hashCode()).isEqualTo(INPUTS.hashCode());
    assertThat(c.toString()).isEqualTo(INPUTS.toString());
    assertThat(c.keySet()).containsExactly("b.mp4", "a.srt", "c.wav");
    assertThat(c.values()).containsExactlyElementsOf(INPUTS.values());
    assertThat(c.entrySet()).containsExactlyElementsOf(INPUTS.entrySet());
    assertThat(c.entrySet()).isEqualTo(INPUTS.entrySet());
    List<String> seen = new ArrayList<>();
    c.forEach((name, uri) -> seen.add(name + "=" + uri));
    assertThat(seen).containsExactly(
        "b.mp4=https://cdn.example.com/b.mp4?X-Sig=a%2Fb", "a.srt=file:///media/a.srt",
        "c.wav=HTTPS://Example.COM:8443/c%20d.wav#frag");
    assertThat(c.get("c.wav")).isEqualTo(INPUTS.get("c.wav")).hasToString("HTTPS://Example.COM:8443/c%20d.wav#frag");
    assertThat(c.get("c.wav").getHost()).isEqualTo("Example.COM");
    assertThat(c.get("missing")).isNull();
    assertThat(c.get(null)).isNull();
    assertThat(c.containsKey("a.srt")).isTrue();
    assertThat(c.containsValue(URI.create("file:///media/a.srt"))).isTrue();
    assertThat(c.containsValue("file:///media/a.srt")).isFalse();
    assertThat(c.getOrDefault("x", URI.create("data:x"))).isEqualTo(URI.create("data:x"));
    assertThat(c).isNotEqualTo(Map.of("b.mp4", INPUTS.get("b.mp4")));
    assertThat(CompactInputs.of(c)).isSameAs(c);
  }

  @Test
  void it_cannot_be_changed() {
    Map<String, URI> c = CompactInputs.of(INPUTS);
    URI u = URI.create("https://x/y");
    assertThatThrownBy(() -> c.put("d.mp4", u)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.putIfAbsent("b.mp4", u)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.remove("b.mp4")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(c::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.replaceAll((k, v) -> u)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.keySet().remove("b.mp4")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.entrySet().iterator().next().setValue(u))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> {
      var it = c.values().iterator();
      it.next();
      it.remove();
    }).isInstanceOf(UnsupportedOperationException.class);
    assertThat(c).isEqualTo(INPUTS);
  }

  @Test
  void a_request_keeps_compact_inputs_and_still_checks_their_names() {
    Map<String, URI> c = CompactInputs.of(INPUTS);
    TaskRequest r = TaskRequest.builder().command("-i b.mp4 out.mp4").output("out.mp4").build();
    TaskRequest compact = new TaskRequest(r.command(), c, r.outputs(), 0, null, 0, null, null, null, null, null, null, null);
    assertThat(compact.inputs()).isSameAs(c);
    assertThat(compact.toBuilder().build().inputs()).isEqualTo(INPUTS);
    assertThatThrownBy(() -> new TaskRequest(r.command(), c, List.of("a.srt"), 0, null, 0, null, null, null, null, null, null, null))
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("output_files"));
    Map<String, URI> badName = CompactInputs.of(Map.of("../x", URI.create("https://x/y")));
    assertThatThrownBy(() -> new TaskRequest(r.command(), badName, r.outputs(), 0, null, 0, null, null, null, null, null, null, null))
        .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("input_files"));
    assertThatThrownBy(() -> CompactInputs.of(Map.of("x.mp4", URI.create("relative/x.mp4"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_submitted_task_stores_its_inputs_compactly_and_reads_back_the_same_request() {
    TaskRequest r = TaskRequest.builder()
        .command("-i b.mp4 -i a.srt -i c.wav -map 0 out.mp4").inputs(INPUTS).output("out.mp4").build();
    try (FfmpegQueue q = FfmpegQueue.builder().fetcher(new AnyFetcher()).workers(0).build()) {
      Task stored = q.find(q.submit(r).id()).orElseThrow();
      assertThat(stored.request().inputs()).isInstanceOf(CompactInputs.class).isEqualTo(INPUTS);
      assertThat(stored.request().inputs().keySet()).containsExactly("b.mp4", "a.srt", "c.wav");
      Task read = TaskJson.read(TaskJson.write(stored));
      assertThat(read.request().inputs()).isEqualTo(INPUTS);
      assertThat(read.request().inputs().keySet()).containsExactly("b.mp4", "a.srt", "c.wav");
    }
  }

  /** Lets every input in at submission; the queue has no workers, so nothing is fetched. */
  private static final class AnyFetcher implements InputFetcher {
    @Override
    public Set<String> schemes() {
      return Set.of("https", "file");
    }

    @Override
    public void validate(String name, URI uri) {}

    @Override
    public void fetch(FetchRequest request) {
      throw new UnsupportedOperationException();
    }
  }
}
