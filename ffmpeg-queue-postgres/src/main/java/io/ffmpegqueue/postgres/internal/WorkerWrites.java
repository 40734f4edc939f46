package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.spi.ClaimRequest;
import io.ffmpegqueue.spi.Lease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The writes of a process's workers, by group commit ({@link Batcher}): the ends of attempts ({@code finish})
 * and the claims that the worker threads make while another round trip is under way go together into the next
 * one. It sends the ends as one {@code UPDATE ... FROM unnest(...)}, fenced row by row on each lease's
 * attempt (storing, in the same statement, the webhook deliveries of the tasks with a webhook URL that end),
 * and the claims as one claim statement taking as many rows as they ask for in all, handed out in turn order
 * (each claim gets at most its own free slots, never more). Ends and claims are sent together, one transaction
 * in one round trip (ends first, so a claim sees the running counts they leave). Each caller returns once that
 * transaction has committed, with its own answer. Nothing waits on purpose: a lone caller writes at once.
 */
public final class WorkerWrites {
  /** Most ends and claims a round trip. */
  static final int MAX_BATCH = 256;
  /** How many times in all a round runs that the server aborted for a deadlock or serialization failure. */
  static final int CONFLICT_ATTEMPTS = 4;

  private final Jdbc db;
  private final Statements sql;
  private final Claims claims;
  private final Supplier<OffsetDateTime> webhookDue;
  private final Batcher<Op, Object> batcher = new Batcher<>(MAX_BATCH, this::write);

  // One end, one claim, or both (a worker between two tasks).
  private record Op(Finishes.Ending ending, ClaimRequest claim) {}

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
  public WorkerWrites(Jdbc db, Statements sql, Claims claims, Supplier<OffsetDateTime> webhookDue) {
    this.db = db;
    this.sql = sql;
    this.claims = claims;
    this.webhookDue = webhookDue;
  }

  /**
   * Ends an attempt, once the transaction that carries it has committed.
   *
   * @return what the database decided, or null when the lease was not current (nothing was written)
   */
  public Finishes.Ended finish(Finishes.Ending e) {
    return (Finishes.Ended) batcher.submit(new Op(e, null));
  }

  /** Leases up to {@code r.maxTasks()} ready tasks now, in turn order, within the tenants' running limits. */
  public List<Lease> claim(ClaimRequest r) {
    return Claims.leases(claimed(batcher.submit(new Op(null, r))), r.workerId());
  }

  @SuppressWarnings("unchecked") // a claim's answer is always its rows
  private static List<Claims.Claimed> claimed(Object answer) {
    return (List<Claims.Claimed>) answer;
  }

  /** Ends an attempt, then claims as {@link #claim}, both in the same transaction. */
  public Handover finishAndClaim(Finishes.Ending e, ClaimRequest r) {
    Object[] both = (Object[]) batcher.submit(new Op(e, r));
    return new Handover((Finishes.Ended) both[0], Claims.leases(claimed(both[1]), r.workerId()));
  }

  /** Ends several attempts in one round trip now, answering as {@link #finish} in their order. */
  public List<Finishes.Ended> finishAll(List<Finishes.Ending> endings) {
    List<Op> ops = new ArrayList<>(endings.size());
    for (Finishes.Ending e : endings) {
      ops.add(new Op(e, null));
    }
    List<Finishes.Ended> answers = new ArrayList<>(endings.size());
    for (Object o : write(ops)) {
      answers.add((Finishes.Ended) o);
    }
    return answers;
  }

  private List<Object> write(List<Op> batch) {
    List<Finishes.Ending> endings = new ArrayList<>();
    List<Integer> endingAt = new ArrayList<>();
    Map<Claims.Kind, List<Integer>> kinds = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Op op = batch.get(i);
      if (op.ending() != null) {
        endings.add(op.ending());
        endingAt.add(i);
      }
      if (op.claim() != null) {
        kinds.computeIfAbsent(Claims.Kind.of(op.claim()), k -> new ArrayList<>()).add(i);
      }
    }
    String what = endings.isEmpty() ? "claim tasks"
        : endings.size() == 1 ? "finish task " + endings.get(0).lease().taskId()
        : "finish " + endings.size() + " tasks";
    Finishes.Ended[] ended = new Finishes.Ended[batch.size()];
    List<?>[] claimed = new List<?>[batch.size()];
    // In autocommit mode the statements sent as one string are one transaction (and with a pool that hands out
    // connections without autocommit, Jdbc.run commits them).
    db.run(what, false, c -> {
      boolean first = true;
      List<Map.Entry<Claims.Kind, List<Integer>>> rounds = new ArrayList<>(kinds.entrySet());
      if (rounds.isEmpty()) {
        rounds.add(null);
      }
      for (Map.Entry<Claims.Kind, List<Integer>> kind : rounds) {
        List<Finishes.Ending> ending = first ? endings : List.of();
        List<Integer> at = first ? endingAt : List.of();
        // In autocommit mode each round is its own transaction: a deadlock (two processes' grouped ends whose
        // parents share children, locked in different orders) rolls back only that round, which then runs again
        // and sets its answers afresh. Without the retry, the round the server picked would lose its attempts'
        // results to lease expiry.
        Jdbc.againOnConflict(c, what, CONFLICT_ATTEMPTS, conn -> {
          round(conn, ending, at, kind, batch, ended, claimed);
          return null;
        });
        first = false;
      }
      return null;
    });
    List<Object> answers = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Op op = batch.get(i);
      // Rows, not leases: each caller parses its own on its own thread, outside the round trip.
      answers.add(op.claim() == null ? ended[i] : op.ending() == null ? claimed[i] : new Object[] {ended[i], claimed[i]});
    }
    return answers;
  }

  // One round trip: the endings (if any), then the claims of one kind (if any).
  private void round(Connection c, List<Finishes.Ending> endings, List<Integer> endingAt,
      Map.Entry<Claims.Kind, List<Integer>> kind, List<Op> batch, Finishes.Ended[] ended, List<?>[] claimed)
      throws SQLException {
    ClaimRequest claim = null;
    if (kind != null) {
      int total = 0;
      for (int i : kind.getValue()) {
        total += batch.get(i).claim().maxTasks();
      }
      ClaimRequest first = batch.get(kind.getValue().get(0)).claim();
      claim = new ClaimRequest(first.workerId(), total, first.leaseDuration(), first.maxWait(), first.tenantLimits());
    }
    boolean finish = !endings.isEmpty();
    // Only a round with a task that has a webhook takes the finish that also stores its delivery.
    boolean hooks = false;
    for (Finishes.Ending e : endings) {
      hooks |= e.lease().task().request().webhookUrl() != null;
    }
    int finishing = !finish ? 0 : hooks ? 2 : 1;
    int claiming = kind == null ? 0 : kind.getKey().statement();
    try (PreparedStatement ps = c.prepareStatement(sql.workerRound(finishing, claiming))) {
      int p = 1;
      if (finish) {
        p = Finishes.bind(c, ps, p, endings);
        if (hooks) {
          ps.setObject(p++, webhookDue.get());
        }
      }
      if (claim != null) {
        claims.bind(c, ps, p, claim);
      }
      ps.execute(); // the plan settings, then the finish, then the claim
      if (finish) {
        next(ps, "finish");
        try (ResultSet rs = ps.getResultSet()) {
          Finishes.Ended[] read = Finishes.read(rs, endings.size());
          for (int j = 0; j < read.length; j++) {
            ended[endingAt.get(j)] = read[j];
          }
        }
      }
      if (claim != null) {
        next(ps, "claim");
        List<Claims.Claimed> leases;
        try (ResultSet rs = ps.getResultSet()) {
          leases = claims.read(rs);
        }
        int from = 0;
        for (int i : kind.getValue()) {
          int take = Math.min(batch.get(i).claim().maxTasks(), leases.size() - from);
          claimed[i] = List.copyOf(leases.subList(from, from + take));
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
