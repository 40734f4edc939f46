package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.Task;
import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Enqueued;
import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The writes of a process, by group commit ({@link Batcher}): the new tasks, the ends of attempts and the claims
 * that its threads hand in while another round trip is under way go together into the next one, as one
 * transaction: the new tasks as one {@code INSERT ... SELECT ... FROM unnest(...)}, the ends as one
 * {@code UPDATE ... FROM unnest(...)} fenced row by row on each lease's attempt (storing, in the same statement,
 * the webhook deliveries of tasks with a webhook URL that end), then the claims as one claim statement taking
 * as many rows as they ask for in all, handed out in turn order (each claim gets at most its own free slots,
 * never more; it sees the tasks just added and the running counts the ends leave). Each caller returns once
 * that transaction has committed, with its own answer; nothing waits on purpose, so a lone caller writes at
 * once.
 */
public final class Writes {
  /** Most writes a round trip. */
  static final int MAX_BATCH = 256;

  private final Jdbc db;
  private final Statements sql;
  private final Claims claims;
  private final Enqueuer enqueuer;
  private final Supplier<OffsetDateTime> webhookDue;
  private final Batcher<Op, Object> batcher = new Batcher<>(MAX_BATCH, this::write);

  // A new task; or an end, a claim, or both (a worker between two tasks).
  private record Op(Task task, Finishes.Ending ending, ClaimRequest claim) {}

  /**
   * What {@link #finishAndClaim} did.
   *
   * @param ended what the database decided for the end, or null when the lease was not current
   * @param leases the claim's leases
   */
  public record Handover(Finishes.Ended ended, List<Lease> leases) {}

  /**
   * Writes on the tables of {@code sql}.
   *
   * @param webhookDue when a webhook delivery stored now is due
   */
  public Writes(Jdbc db, Statements sql, Claims claims, Enqueuer enqueuer, Supplier<OffsetDateTime> webhookDue) {
    this.db = db;
    this.sql = sql;
    this.claims = claims;
    this.enqueuer = enqueuer;
    this.webhookDue = webhookDue;
  }

  /**
   * Stores a new PENDING task, once the transaction that carries it has committed; for a task whose id or
   * idempotency key exists, answers as {@link Enqueuer#insert} does. Only for enqueues that need no exact count
   * of the pending tasks ({@link Enqueuer#exactCountNeeded()}).
   */
  public Enqueued enqueue(Task task) {
    Object answer = batcher.submit(new Op(task, null, null));
    if (answer instanceof RuntimeException e) {
      throw e;
    }
    return (Enqueued) answer;
  }

  /**
   * Ends an attempt, once the transaction that carries it has committed.
   *
   * @return what the database decided, or null when the lease was not current (nothing was written)
   */
  public Finishes.Ended finish(Finishes.Ending e) {
    return (Finishes.Ended) batcher.submit(new Op(null, e, null));
  }

  /** Leases up to {@code r.maxTasks()} ready tasks now, in turn order, within the tenants' running limits. */
  @SuppressWarnings("unchecked") // a claim's answer is always its leases
  public List<Lease> claim(ClaimRequest r) {
    return (List<Lease>) batcher.submit(new Op(null, null, r));
  }

  /** Ends an attempt, then claims as {@link #claim}, both in the same transaction. */
  public Handover finishAndClaim(Finishes.Ending e, ClaimRequest r) {
    return (Handover) batcher.submit(new Op(null, e, r));
  }

  /** Ends several attempts in one round trip now, answering as {@link #finish} in their order. */
  public List<Finishes.Ended> finishAll(List<Finishes.Ending> endings) {
    List<Op> ops = new ArrayList<>(endings.size());
    for (Finishes.Ending e : endings) {
      ops.add(new Op(null, e, null));
    }
    List<Finishes.Ended> answers = new ArrayList<>(endings.size());
    for (Object o : write(ops)) {
      answers.add((Finishes.Ended) o);
    }
    return answers;
  }

  // What one round trip writes, and what it answers.
  private static final class Round {
    final List<Op> batch;
    final List<Task> tasks = new ArrayList<>();
    final List<Integer> taskAt = new ArrayList<>();
    final List<Finishes.Ending> endings = new ArrayList<>();
    final List<Integer> endingAt = new ArrayList<>();
    final Map<Claims.Kind, List<Integer>> kinds = new LinkedHashMap<>();
    final Set<String> inserted = new HashSet<>();
    final Finishes.Ended[] ended;
    final List<?>[] claimed;

    Round(List<Op> batch) {
      this.batch = batch;
      this.ended = new Finishes.Ended[batch.size()];
      this.claimed = new List<?>[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        Op op = batch.get(i);
        if (op.task() != null) {
          tasks.add(op.task());
          taskAt.add(i);
        }
        if (op.ending() != null) {
          endings.add(op.ending());
          endingAt.add(i);
        }
        if (op.claim() != null) {
          kinds.computeIfAbsent(Claims.Kind.of(op.claim()), k -> new ArrayList<>()).add(i);
        }
      }
    }

    String what() {
      if (!endings.isEmpty()) {
        return endings.size() == 1 ? "finish task " + endings.get(0).lease().taskId() : "finish " + endings.size() + " tasks";
      }
      if (!tasks.isEmpty()) {
        return tasks.size() == 1 ? "enqueue task " + tasks.get(0).id() : "enqueue " + tasks.size() + " tasks";
      }
      return "claim tasks";
    }
  }

  private List<Object> write(List<Op> batch) {
    Round r = new Round(batch);
    // In autocommit mode the statements sent as one string are one transaction (and with a pool that hands out
    // connections without autocommit, Jdbc.run commits them).
    db.run(r.what(), false, c -> {
      List<Map.Entry<Claims.Kind, List<Integer>>> kinds = new ArrayList<>(r.kinds.entrySet());
      if (kinds.isEmpty()) {
        kinds.add(null);
      }
      for (int k = 0; k < kinds.size(); k++) {
        round(c, r, k == 0, kinds.get(k));
      }
      return null;
    });
    List<Object> answers = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Op op = batch.get(i);
      @SuppressWarnings("unchecked") // only leases are stored in claimed
      List<Lease> leases = (List<Lease>) r.claimed[i];
      if (op.task() != null) {
        answers.add(r.inserted.contains(op.task().id().value()) ? new Enqueued(op.task(), true) : resolve(op.task()));
      } else {
        answers.add(op.claim() == null ? r.ended[i] : op.ending() == null ? leases : new Handover(r.ended[i], leases));
      }
    }
    return answers;
  }

  /** A new task that the batch's insert left out (its id or key exists): as a single insert would answer. */
  private Object resolve(Task task) {
    try {
      return db.run("enqueue task " + task.id(), false, c -> enqueuer.insert(c, task, false));
    } catch (RuntimeException e) {
      return e;
    }
  }

  // One round trip: with first, the new tasks and the ends (if any); then the claims of one kind (if any).
  private void round(Connection c, Round r, boolean first, Map.Entry<Claims.Kind, List<Integer>> kind)
      throws SQLException {
    boolean insert = first && !r.tasks.isEmpty();
    boolean finish = first && !r.endings.isEmpty();
    // Only a round with a task that has a webhook takes the finish that also stores its delivery.
    boolean hooks = false;
    if (finish) {
      for (Finishes.Ending e : r.endings) {
        hooks |= e.lease().task().request().webhookUrl() != null;
      }
    }
    ClaimRequest claim = null;
    if (kind != null) {
      int total = 0;
      for (int i : kind.getValue()) {
        total += r.batch.get(i).claim().maxTasks();
      }
      ClaimRequest one = r.batch.get(kind.getValue().get(0)).claim();
      claim = new ClaimRequest(one.workerId(), total, one.leaseDuration(), one.maxWait(), one.tenantLimits());
    }
    String statement = sql.round(insert, !finish ? 0 : hooks ? 2 : 1, kind == null ? 0 : kind.getKey().statement());
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      int p = 1;
      if (insert) {
        p = enqueuer.bind(c, ps, p, r.tasks);
      }
      if (finish) {
        p = Finishes.bind(c, ps, p, r.endings);
        if (hooks) {
          ps.setObject(p++, webhookDue.get());
        }
      }
      if (claim != null) {
        claims.bind(c, ps, p, claim);
      }
      ps.execute(); // the plan settings, then the insert, the finish and the claim
      if (insert) {
        next(ps, "insert");
        try (ResultSet rs = ps.getResultSet()) {
          while (rs.next()) {
            r.inserted.add(rs.getString(1));
          }
        }
        enqueuer.added(r.inserted.size());
      }
      if (finish) {
        next(ps, "finish");
        try (ResultSet rs = ps.getResultSet()) {
          Finishes.Ended[] read = Finishes.read(rs, r.endings.size());
          for (int j = 0; j < read.length; j++) {
            r.ended[r.endingAt.get(j)] = read[j];
          }
        }
      }
      if (claim != null) {
        next(ps, "claim");
        List<Lease> leases;
        try (ResultSet rs = ps.getResultSet()) {
          leases = claims.read(rs, claim);
        }
        int from = 0;
        for (int i : kind.getValue()) {
          int take = Math.min(r.batch.get(i).claim().maxTasks(), leases.size() - from);
          r.claimed[i] = List.copyOf(leases.subList(from, from + take));
          from += take;
        }
      }
    }
  }

  private static void next(PreparedStatement ps, String what) throws SQLException {
    if (!ps.getMoreResults()) {
      throw new SQLException("the " + what + " returned no rows");
    }
  }
}
