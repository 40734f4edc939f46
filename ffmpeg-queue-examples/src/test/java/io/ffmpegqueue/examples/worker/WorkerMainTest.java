package io.ffmpegqueue.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerMainTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void the_in_memory_backend_is_refused_because_no_other_process_sees_it() {
    assertThat(WorkerMain.preflight(new String[] {"--num-workers", "2"}, Map.of(), errStream)).isEqualTo(2);
    assertThat(err()).contains("QUEUE_BACKEND").contains("'memory'").contains("another process")
        .contains("postgres").contains("NUM_WORKERS > 0");
  }

  @Test
  void an_unknown_backend_is_refused_naming_queue_backend() {
    assertThat(WorkerMain.preflight(new String[0], Map.of("QUEUE_BACKEND", "cassandra"), errStream)).isEqualTo(2);
    assertThat(err()).contains("QUEUE_BACKEND: unknown backend 'cassandra'");
  }

  @Test
  void the_command_line_sets_num_workers_and_refuses_what_it_does_not_know() {
    assertThat(WorkerMain.parseArgs(new String[] {"--num-workers", "3"})).containsEntry("NUM_WORKERS", "3");
    assertThat(WorkerMain.parseArgs(new String[] {"--num-workers=4"})).containsEntry("NUM_WORKERS", "4");
    assertThat(WorkerMain.preflight(new String[] {"--workers", "3"}, Map.of(), errStream)).isEqualTo(2);
    assertThat(err()).contains("unknown argument '--workers'").contains("usage:");
    assertThat(WorkerMain.preflight(new String[] {"--num-workers", "x"}, Map.of(), errStream)).isEqualTo(2);
    assertThat(err()).contains("NUM_WORKERS: must be a whole number");
  }

  @Test
  void the_start_line_counts_one_worker_in_the_singular() {
    assertThat(WorkerMain.workers(1)).isEqualTo("1 worker");
    assertThat(WorkerMain.workers(2)).isEqualTo("2 workers");
  }
}
