package io.ffmpegqueue.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FilterGraphTest {
  @Test
  void chains_filters_and_labels_are_read_as_libavfilter_reads_them() throws Exception {
    List<FilterGraph.Filter> f = FilterGraph.parse("[0:v] scale=640:-2 [a]; [a][1:v]overlay=x=10:y=10, format=yuv420p [out]");
    assertThat(f).extracting(FilterGraph.Filter::name).containsExactly("scale", "overlay", "format");
    assertThat(f.get(0).arguments()).containsExactly(
        new FilterGraph.Argument(null, 0, "640"), new FilterGraph.Argument(null, 1, "-2"));
    assertThat(f.get(1).arguments()).containsExactly(
        new FilterGraph.Argument("x", -1, "10"), new FilterGraph.Argument("y", -1, "10"));
  }

  @Test
  void quotes_and_escapes_are_undone_at_both_levels() throws Exception {
    List<FilterGraph.Filter> f = FilterGraph.parse("movie='/etc/pa'sswd,drawtext=text='a\\:b':fontfile=x\\\\:y");
    assertThat(f.get(0).arguments()).containsExactly(new FilterGraph.Argument(null, 0, "/etc/passwd"));
    assertThat(f.get(1).arguments()).containsExactly(
        new FilterGraph.Argument("text", -1, "a:b"), new FilterGraph.Argument("fontfile", -1, "x:y"));
  }

  @Test
  void an_escaped_colon_keeps_a_url_in_one_value() throws Exception {
    List<FilterGraph.Filter> f = FilterGraph.parse("amovie=http\\\\://example.com/a.mp3");
    assertThat(f.get(0).arguments()).containsExactly(new FilterGraph.Argument(null, 0, "http://example.com/a.mp3"));
  }

  @Test
  void the_file_prefix_of_an_option_is_kept_in_its_key() throws Exception {
    List<FilterGraph.Filter> f = FilterGraph.parse("drawtext=/text=/etc/passwd");
    assertThat(f.get(0).arguments()).containsExactly(new FilterGraph.Argument("/text", -1, "/etc/passwd"));
  }

  @Test
  void an_instance_name_is_not_part_of_the_base_name() throws Exception {
    assertThat(FilterGraph.parse("drawtext@t1=text=x").get(0).baseName()).isEqualTo("drawtext");
  }

  @Test
  void unreadable_graphs_are_reported() {
    assertThatThrownBy(() -> FilterGraph.parse("[a scale")).isInstanceOf(FilterGraph.SyntaxException.class);
    assertThatThrownBy(() -> FilterGraph.parse("scale=1:2]x")).isInstanceOf(FilterGraph.SyntaxException.class);
  }
}
