package io.ffmpegqueue.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnsTest {
  @Test
  void a_tenant_never_served_is_not_listed_and_the_last_served_has_the_highest_turn() {
    Turns t = new Turns();
    t.served(List.of("a", "b", "a"));
    t.served(List.of("c"));

    // In one claim a tenant's turn follows its last task there: b, then a; then c in the next claim.
    assertThat(t.tenants()).containsExactly("b", "a", "c");
    assertThat(t.numbers()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void serving_a_tenant_again_moves_it_behind_the_others() {
    Turns t = new Turns();
    t.served(List.of("a"));
    t.served(List.of("b"));
    t.served(List.of("a"));

    assertThat(t.tenants()).containsExactly("b", "a");
    assertThat(t.numbers()).containsExactly(2L, 3L);
  }

  @Test
  void past_its_size_it_forgets_the_tenants_served_longest_ago_who_then_count_as_never_served() {
    Turns t = new Turns();
    List<String> many = new ArrayList<>();
    for (int i = 0; i < Turns.KEPT + 5; i++) {
      many.add("t" + i);
    }
    t.served(many);

    assertThat(t.tenants()).hasSize(Turns.KEPT);
    assertThat(t.tenants()[0]).isEqualTo("t5");
    assertThat(t.tenants()).doesNotContain("t0", "t4");
  }
}
