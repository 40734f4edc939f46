package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.support.ProgressText;
import io.ffmpegqueue.TaskStatus;

/**
 * The backend's SQL for one schema and table prefix, rendered once.
 *
 * <p>Notices go on the channel {@link #channel()}. Most are sent after the writes they tell of, gathered a
 * few milliseconds at a time ({@link NoticeBuffer}): a {@code NOTIFY} in every write would cost each commit
 * the server's notice-queue lock and each listening process a wake-up. Two are sent by the write itself, so
 * that they go out exactly when it commits: the cancel request of a running task, and the ready notice of an
 * enqueue in a host's own transaction. Payloads: {@code r|origin|} (work is ready; {@code R|origin|id} for
 * the host-transaction one),
 * {@code c|origin|id} (cancel requested), {@code E|origin|TYPE:id;TYPE:id...} (task events; a progress
 * event is {@code PROGRESS:id:detail}, the detail as {@link ProgressText} writes it), where origin is the
 * writing backend's random id.
 */
public final class Statements {
  /** Columns every task read selects. */
  static final String COLUMNS =
      "id, status, attempt, progress, run_at, started_at, finished_at, outputs, error, request, lease_expires_at";
  /**
   * A lease's fencing token ({@code Lease.fence()}) as the row holds it: the attempts of the series before the
   * last retry by hand (see V7) plus the current series' attempt.
   */
  static final String FENCE = "attempts_before + attempt";
  private static final String FINAL = "('COMPLETED', 'FAILED', 'CANCELLED')";
  private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL, cancel_requested = false";
  private static final String MILLIS = " * interval '1 millisecond'";
  // A RUNNING row (columns prefixed with %s), as the running index's predicate says it (see V4).
  private static final String RUNNING_ROW = "%sstatus = 'RUNNING' AND %slease_owner IS NOT NULL";
  // WebhookDelivery.deliveryIdOf in SQL: the name-based (version 3) UUID of 'ffq-webhook:' || id, from its md5
  // hash h with the version nibble set to 3 and the variant bits to 10.
  private static final String DELIVERY_ID = "overlay(overlay(h placing '3' from 13 for 1) placing"
      + " substr('89ab', (position(substr(h, 17, 1) in '0123456789abcdef') - 1) % 4 + 1, 1) from 17 for 1)::uuid::text";

  private final String table;
  // Retention keeps a final task t while a task that waits on it has not ended (see V5).
  private final String noOpenChildren;
  private final String webhooks;
  private final String channel;
  private final String claim;
  private final String claimLimited;
  private final String finishBatch;
  private final String finishBatchHooks;
  private final String insert;
  private final String insertNotifying;
  private final String[] workerRounds = new String[9];

  /** Statements on {@code schema.prefix + "tasks"}; both names are validated identifiers. */
  public Statements(String schema, String prefix) {
    this.table = schema + "." + prefix + "tasks";
    this.webhooks = schema + "." + prefix + "webhooks";
    this.noOpenChildren = "NOT EXISTS (SELECT 1 FROM " + schema + "." + prefix + "task_edges e JOIN " + table
        + " k ON k.id = e.child_id WHERE e.parent_id = t.id AND k.status IN ('PENDING', 'RUNNING'))";
    this.channel = schema + "." + prefix + "tasks";
    this.claim = claimSql(false);
    this.claimLimited = claimSql(true);
    this.finishBatch = finishBatchSql(false);
    this.finishBatchHooks = finishBatchSql(true);
    this.insert = insertSql(false);
    this.insertNotifying = insertSql(true);
    for (int finish = 0; finish < 3; finish++) {
      for (int c = 0; c < 3; c++) {
        workerRounds[finish * 3 + c] = planSettings(c == 2) + (finish == 0 ? "" : "; " + finishBatch(finish == 2))
            + (c == 0 ? "" : "; " + claim(c == 2));
      }
    }
  }

  /** The qualified table name. */
  public String table() {
    return table;
  }

  /** Another of the backend's tables: {@code schema.prefix + name}. */
  public String tableNamed(String name) {
    return table.substring(0, table.length() - "tasks".length()) + name;
  }

  /** The columns every task read selects, for {@link TaskRows#task}. */
  public String columns() {
    return COLUMNS;
  }

  /** The notification channel (quote it in LISTEN). */
  public String channel() {
    return channel;
  }

  private String notify(String payload) {
    return "pg_notify('" + channel + "', " + payload + ")";
  }

  /** Sends several notices in one statement: param a text array of payloads. */
  public String sendNotices() {
    return "SELECT " + notify("x") + " FROM unnest(?::text[]) AS x";
  }

  /**
   * Inserts a new task unless its id or idempotency key exists: params id, priority, delay millis,
   * created_at, max_attempts, idempotency_key, request json, tenant, and with {@code notify} the notice prefix
   * ({@code R|origin|}). Returns one row when inserted, none on a conflict.
   */
  public String insert(boolean notify) {
    return notify ? insertNotifying : insert;
  }

  private String insertSql(boolean notify) {
    return "INSERT INTO " + table
        + " (id, status, priority, run_at, created_at, max_attempts, idempotency_key, request, tenant)"
        + " VALUES (?, 'PENDING', ?, now() + greatest(?, 0)" + MILLIS + ", ?, ?, ?, ?::json, ?)"
        + " ON CONFLICT DO NOTHING RETURNING id" + (notify ? ", " + notify("? || id") : "");
  }

  /**
   * Statements that join a batch of rows to the tasks table ({@link #claim}, {@link #finishBatch}) go with
   * this one, in the same round trip and transaction, which settles how they are planned. Their plan is the
   * generic one, made once per connection: a custom plan would be made on every call (the planner prefers one
   * for array parameters, whose length it then knows), at a cost larger than the statement's. And that plan
   * looks each row up by its key with nested loops: a plan made while the table was small (a new queue filling
   * up fast) would otherwise hash-join a scan of the whole table, or walk the running index, on every call
   * until the next ANALYZE, however large the table has grown. With {@code lock} it also takes the advisory
   * lock that makes claims take turns.
   */
  public String planSettings(boolean lock) {
    return "SELECT set_config('plan_cache_mode', 'force_generic_plan', true),"
        + " set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true),"
        + " set_config('enable_mergejoin', 'off', true)"
        + (lock ? ", pg_advisory_xact_lock(hashtext('ffmpeg-queue-claim:" + table + "'))" : "");
  }

  /** Takes the advisory lock that serialises enqueues near capacity, until the transaction ends: param key. */
  public String capacityLock() {
    return "SELECT pg_advisory_xact_lock(hashtext(?))";
  }

  /** How many tasks are PENDING, waiting for other tasks or not (for the capacity). */
  public String pendingCount() {
    return "SELECT count(*) FROM " + table + " WHERE status = 'PENDING'";
  }

  /** How many PENDING tasks do not wait for other tasks (a waiting one has run_at 'infinity', see V5). */
  public String readyCount() {
    return "SELECT count(*) FROM " + table + " WHERE status = 'PENDING' AND run_at < 'infinity'";
  }

  /** A task by idempotency key: param key. */
  public String findByKey() {
    return "SELECT " + COLUMNS + " FROM " + table + " WHERE idempotency_key = ?";
  }

  /** A task by id: param id. */
  public String find() {
    return "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
  }

  /**
   * The claim, in one statement (run after {@link #planSettings} in the same transaction, so the running
   * counts it reads are current). {@code ten}: the tenants that have PENDING rows, each with its first one,
   * found in the ready index by one probe per tenant (and the tenant's rows are then read from that first one
   * on: the index entries of rows claimed since the last VACUUM, which lie before it, are stepped over once).
   * {@code cand}: each tenant's first ready rows in run order (at most the claim's size, or with running
   * limits its room: its limit less its RUNNING rows), locked, skipping rows that others hold, numbered by
   * turn. {@code chosen}: the claim's rows in turn order: priority, then each tenant's first before any
   * tenant's second, then the tenant served longest ago (as this process saw it: 0 when not recently), then
   * the tenant's name, then run order. The update leases the rows.
   *
   * <p>Params: the recently served tenants (text[]) and their turn numbers (bigint[]); with {@code limits}
   * the claim's size, tenants with their own running limit (text[]), those limits (int[]) and the default
   * limit (0: none), then the claim's size; without, the claim's size; then the claim's size, worker id,
   * lease millis. Rows come back in no particular order, with {@code ord}.
   */
  public String claim(boolean limits) {
    return limits ? claimLimited : claim;
  }

  /**
   * What a worker round trip sends: {@link #planSettings} (with the claims' lock when the claim has running
   * limits), then {@link #finishBatch} when {@code finish} is 1 (or with 2, {@code finishBatch(true)}, which
   * also stores webhook deliveries), then {@link #claim claim(false)} when {@code claim} is 1 (or with 2
   * {@code claim(true)}). Sent as one string, they are one transaction, in autocommit mode too.
   */
  public String workerRound(int finish, int claim) {
    return workerRounds[finish * 3 + claim];
  }

  private String claimSql(boolean limits) {
    String room = limits
        ? " CROSS JOIN LATERAL (SELECT CASE WHEN lim.max > 0 THEN greatest(0, lim.max - (SELECT count(*) FROM "
            + table + " r WHERE " + RUNNING_ROW.replace("%s", "r.") + " AND r.tenant = ten.tenant)) ELSE ? END"
            + " AS room FROM (SELECT coalesce((SELECT o.m FROM unnest(?::text[], ?::int[]) AS o(t, m)"
            + " WHERE o.t = ten.tenant), ?) AS max) lim) rm"
        : "";
    return "WITH RECURSIVE " + readyTenants() + ","
        + " cand AS (SELECT c.id, c.priority, c.run_at, c.seq, c.turn, ten.tenant, coalesce((SELECT o.s FROM"
        + "  unnest(?::text[], ?::bigint[]) AS o(t, s) WHERE o.t = ten.tenant), 0) AS served FROM ten" + room
        + "  CROSS JOIN LATERAL (SELECT y.*, row_number() OVER (ORDER BY y.priority, y.run_at, y.seq) AS turn FROM"
        + "  (SELECT t.id, t.priority, t.run_at, t.seq FROM " + table + " t WHERE t.tenant = ten.tenant"
        + "  AND t.status = 'PENDING' AND t.run_at <= now()"
        + "  AND (t.priority, t.run_at, t.seq) >= (ten.priority, ten.run_at, ten.seq)"
        + "  ORDER BY t.priority, t.run_at, t.seq LIMIT " + (limits ? "least(?, rm.room)" : "?")
        + "  FOR UPDATE SKIP LOCKED) y) c),"
        + " chosen AS (SELECT id, row_number() OVER (ORDER BY priority, turn, served, tenant, run_at, seq) AS ord"
        + "  FROM cand ORDER BY priority, turn, served, tenant, run_at, seq LIMIT ?)"
        + " UPDATE " + table + " t SET status = 'RUNNING', attempt = t.attempt + 1,"
        + " progress = NULL, started_at = now(), finished_at = NULL, lease_owner = ?,"
        + " lease_expires_at = now() + ?" + MILLIS + ", cancel_requested = false"
        + " FROM chosen WHERE t.id = chosen.id RETURNING chosen.ord, t.tenant, t.attempts_before, "
        + prefixed("t.", COLUMNS);
  }

  private static String prefixed(String alias, String columns) {
    return alias + columns.replace(", ", ", " + alias);
  }

  /** Milliseconds until the earliest PENDING task is due (negative when one is due), or NULL when none is. */
  public String nextDue() {
    return "SELECT (extract(epoch FROM min(run_at) - now()) * 1000)::bigint FROM " + table
        + " WHERE status = 'PENDING' AND run_at < 'infinity'";
  }

  /**
   * Extends a lease and records progress if the lease is current: params lease millis, progress (or NULL),
   * id, fencing token ({@code Lease.fence()}). Returns cancel_requested, or no row when the lease is lost.
   */
  public String renew() {
    return "UPDATE " + table + " SET lease_expires_at = now() + ?" + MILLIS + ","
        + " progress = coalesce(?, progress)"
        + " WHERE id = ? AND " + FENCE + " = ? AND status = 'RUNNING' RETURNING cancel_requested";
  }

  /**
   * Ends several attempts in one statement, each only if its lease is current (fenced row by row on its
   * fencing token): params ords (int[]), ids (text[]), fencing tokens (int[]), new statuses (text[]), outputs json
   * (text[], for COMPLETED), error json (text[], null to keep the stored one), retry delays in millis
   * (bigint[], null but for a retry). COMPLETED stores the outputs, progress 1 and no error; FAILED and
   * CANCELLED the error; a new status of PENDING is a retry (the error, run_at after the delay, no progress)
   * or a release (without a delay: ready at once, no progress, and its attempt not counted: the attempt goes
   * back by one, as a hand-back at a worker's shutdown is no attempt of the task's own). Final statuses get
   * finished_at; every end
   * clears the lease. It returns only what the database decided (run_at, finished_at, progress), with each
   * row's ord: the caller knows the rest, so no JSON travels back. An attempt whose row is missing lost its
   * lease. With {@code webhooks} it also stores the webhook deliveries of the tasks it ends (see
   * {@link #storingWebhooks}): one more param, the deliveries' due time.
   */
  public String finishBatch(boolean webhooks) {
    return webhooks ? finishBatchHooks : finishBatch;
  }

  private String finishBatchSql(boolean webhooks) {
    String update = "UPDATE " + table + " t SET status = u.status,"
        + " outputs = CASE WHEN u.status = 'COMPLETED' THEN u.outputs::jsonb ELSE t.outputs END,"
        + " error = CASE WHEN u.status = 'COMPLETED' THEN NULL ELSE coalesce(u.error::jsonb, t.error) END,"
        + " progress = CASE u.status WHEN 'COMPLETED' THEN 1.0 WHEN 'PENDING' THEN NULL ELSE t.progress END,"
        + " finished_at = CASE WHEN u.status IN " + FINAL + " THEN now() ELSE t.finished_at END,"
        + " run_at = CASE WHEN u.delay IS NULL THEN t.run_at ELSE now() + greatest(u.delay, 0)" + MILLIS + " END,"
        + " attempt = CASE WHEN u.status = 'PENDING' AND u.delay IS NULL THEN t.attempt - 1 ELSE t.attempt END, "
        + CLEAR_LEASE
        + " FROM unnest(?::int[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::bigint[])"
        + " AS u(ord, id, fence, status, outputs, error, delay)"
        + " WHERE t.id = u.id AND t.attempts_before + t.attempt = u.fence AND t.status = 'RUNNING'";
    String returning = "u.ord, t.run_at, t.finished_at, t.progress";
    return webhooks ? storingWebhooks(update, "t", returning) : update + " RETURNING " + returning;
  }

  /**
   * {@code update}, an UPDATE of the tasks table (its rows named {@code alias}, or unqualified) without
   * RETURNING, made to return {@code returning} and to store in the same statement the webhook delivery of
   * every task it ends (COMPLETED, FAILED or CANCELLED) whose request has a webhook URL: PENDING, with the id
   * {@code WebhookDelivery.deliveryIdOf} gives, due at the time in the last param; a task that has a delivery
   * keeps it. So no crash can leave a task ended without its delivery. The rows come back with three more
   * columns ({@code hook_task}, {@code hook_status}, {@code hook_url}).
   */
  private String storingWebhooks(String update, String alias, String returning) {
    String a = alias.isEmpty() ? "" : alias + ".";
    return "WITH done AS (" + update + " RETURNING " + returning + ", " + a + "id AS hook_task, "
        + a + "status AS hook_status, " + a + "request->>'webhook_url' AS hook_url),"
        + " hook AS (INSERT INTO " + webhooks + " (task_id, delivery_id, url, state, next_attempt_at)"
        + " SELECT hook_task, " + DELIVERY_ID + ", hook_url, 'PENDING', ?::timestamptz"
        + " FROM done CROSS JOIN LATERAL (SELECT md5('ffq-webhook:' || hook_task) AS h) m"
        + " WHERE hook_url IS NOT NULL AND hook_status IN " + FINAL + " ON CONFLICT (task_id) DO NOTHING)"
        + " SELECT * FROM done";
  }

  /** Locks a task for a cancel: param id. Returns status and cancel_requested. */
  public String lockForCancel() {
    return "SELECT status, cancel_requested FROM " + table + " WHERE id = ? FOR UPDATE";
  }

  /** Cancels a PENDING task, storing its webhook delivery: params error json, id, the delivery's due time. */
  public String cancelPending() {
    return storingWebhooks("UPDATE " + table + " SET status = 'CANCELLED', error = ?::jsonb, finished_at = now()"
        + " WHERE id = ? AND status = 'PENDING'", "", COLUMNS);
  }

  /** Requests the cancel of a RUNNING task: params id, notify prefix ({@code c|origin|}). */
  public String requestCancel() {
    return "WITH u AS (UPDATE " + table + " SET cancel_requested = true"
        + " WHERE id = ? AND status = 'RUNNING' RETURNING *)"
        + " SELECT " + COLUMNS + ", " + notify("? || id") + " FROM u";
  }

  /**
   * Ends the leases that lapsed on the database's clock, at most {@code limit} at a time: back to PENDING
   * with the attempt spent, FAILED when no attempt is left, CANCELLED when a cancel was requested; the
   * webhook deliveries of the tasks it ends are stored with them. Params: limit, the deliveries' due time.
   */
  public String reap() {
    String spent = "t.attempt >= greatest(1, t.max_attempts)";
    String lost = "'worker ' || coalesce(t.lease_owner, 'unknown') || ' stopped renewing its lease on attempt ' || t.attempt";
    return storingWebhooks("WITH expired AS (SELECT id FROM " + table
        + " WHERE " + RUNNING_ROW.replace("%s", "") + " AND lease_expires_at < now()"
        + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
        + " UPDATE " + table + " t SET"
        + " status = CASE WHEN t.cancel_requested THEN 'CANCELLED' WHEN " + spent + " THEN 'FAILED' ELSE 'PENDING' END,"
        + " error = jsonb_build_object('kind', CASE WHEN t.cancel_requested THEN 'cancelled' ELSE 'lease_expired' END,"
        + "   'message', CASE WHEN t.cancel_requested THEN 'cancelled while running; ' || " + lost
        + "     WHEN " + spent + " THEN " + lost + " || '; no attempts left' ELSE " + lost + " END,"
        + "   'stderr_tail', NULL),"
        + " finished_at = CASE WHEN t.cancel_requested OR " + spent + " THEN now() END,"
        + " run_at = CASE WHEN t.cancel_requested OR " + spent + " THEN t.run_at ELSE now() END,"
        + " progress = NULL, " + CLEAR_LEASE
        + " FROM expired WHERE t.id = expired.id", "t", prefixed("t.", COLUMNS));
  }

  /** Deletes a batch of final tasks that finished before the retention age: params age millis, batch. */
  public String pruneByAge() {
    return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
        + " t WHERE status IN " + FINAL + " AND finished_at < now() - ?" + MILLIS + " AND " + noOpenChildren
        + " ORDER BY finished_at, seq LIMIT ?)";
  }

  /** Deletes a batch of the oldest final tasks beyond the newest {@code keep}: params keep, batch. */
  public String pruneByCount() {
    return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
        + " t WHERE status IN " + FINAL + " AND " + noOpenChildren
        + " ORDER BY finished_at DESC, seq DESC OFFSET ? LIMIT ?)";
  }

  /** Takes the prune lock if free, until the transaction ends: param key. */
  public String tryLock() {
    return "SELECT pg_try_advisory_xact_lock(hashtext(?))";
  }

  /**
   * Tasks per status: each part reads a partial index alone (an index-only scan): the final ones the small index
   * of V7, PENDING the ready index, RUNNING the running index.
   */
  public String counts() {
    return "SELECT status, count(*) FROM " + table + " WHERE status IN " + FINAL + " GROUP BY status"
        + " UNION ALL SELECT 'PENDING', count(*) FROM " + table + " WHERE status = 'PENDING'"
        + " UNION ALL SELECT 'RUNNING', count(*) FROM " + table + " WHERE " + RUNNING_ROW.replace("%s", "");
  }

  /**
   * A page of tasks ({@code status} null: every status) in the listing's order: RUNNING first by start, then
   * PENDING in run order (priority, run_at, seq), then final tasks newest first (finished_at, seq, both
   * descending). Each group is read in its own order, from its own index, and only as far as the page needs
   * ({@code n} = offset + limit rows), never sorting the table: the final rows come from a backward scan of
   * the finished index; the PENDING rows from the ready index, tenant by tenant as the claim reads them (that
   * index is ordered by tenant first: each tenant's first {@code n} rows are in run order, and the page's
   * rows are among them), merged; the few RUNNING rows are sorted. Every status reads its rows with the
   * predicate of its partial index, so a generic plan uses that index too.
   *
   * <p>Params: without a status, {@code n} three times (RUNNING, PENDING, final), then limit, offset; with
   * PENDING, {@code n}, limit, offset; with RUNNING, limit, offset; with a final status, the status, limit,
   * offset.
   */
  public String list(TaskStatus status) {
    if (status == null) {
      // Each group's rows carry their own sort keys; the keys a group does not use are NULL (equal to each
      // other in ORDER BY), and seq is negated for the final rows, so one ascending order on the outside
      // (but for finished_at) gives each group its order.
      return "WITH RECURSIVE " + readyTenants() + " SELECT " + COLUMNS + " FROM ("
          + "(SELECT 0 AS grp, NULL::integer AS k_priority, started_at AS k_at, NULL::timestamptz AS k_finished,"
          + " seq AS k_seq, " + COLUMNS + " FROM " + table + " WHERE " + RUNNING_ROW.replace("%s", "")
          + " ORDER BY started_at, seq LIMIT ?)"
          + " UNION ALL (SELECT 1, p.priority, p.run_at, NULL, p.seq, " + prefixed("p.", COLUMNS)
          + " FROM " + pendingRows() + ")"
          + " UNION ALL (SELECT 2, NULL, NULL, finished_at, -seq, " + COLUMNS + " FROM " + table
          + " WHERE status IN " + FINAL + " ORDER BY finished_at DESC, seq DESC LIMIT ?)"
          + ") page ORDER BY grp, k_priority, k_at, k_finished DESC, k_seq LIMIT ? OFFSET ?";
    }
    return switch (status) {
      case RUNNING -> "SELECT " + COLUMNS + " FROM " + table + " WHERE " + RUNNING_ROW.replace("%s", "")
          + " ORDER BY started_at, seq LIMIT ? OFFSET ?";
      case PENDING -> "WITH RECURSIVE " + readyTenants() + " SELECT " + prefixed("p.", COLUMNS)
          + " FROM " + pendingRows() + " ORDER BY p.priority, p.run_at, p.seq LIMIT ? OFFSET ?";
      // The IN list repeats the finished index's predicate: a generic plan cannot prove it from the parameter.
      case COMPLETED, FAILED, CANCELLED -> "SELECT " + COLUMNS + " FROM " + table + " WHERE status IN " + FINAL
          + " AND status = ? ORDER BY finished_at DESC, seq DESC LIMIT ? OFFSET ?";
    };
  }

  /**
   * {@code ten}: the tenants that have PENDING rows, each with its first one (tenant, priority, run_at, seq),
   * found in the ready index by one probe per tenant. The claim and the listing read each tenant's rows from
   * that first one on, so the index entries of rows claimed since the last VACUUM, which lie before it, are
   * stepped over once.
   */
  private String readyTenants() {
    return "ten AS ((SELECT tenant, priority, run_at, seq FROM " + table + " WHERE status = 'PENDING'"
        + "  ORDER BY tenant, priority, run_at, seq LIMIT 1)"
        + " UNION ALL SELECT n.* FROM ten CROSS JOIN LATERAL (SELECT x.tenant, x.priority, x.run_at, x.seq FROM "
        + table + " x WHERE x.status = 'PENDING' AND x.tenant > ten.tenant"
        + "  ORDER BY x.tenant, x.priority, x.run_at, x.seq LIMIT 1) n)";
  }

  // Each tenant's first n PENDING rows (param n) in run order, as p, with the sort keys priority and seq.
  private String pendingRows() {
    return "ten CROSS JOIN LATERAL (SELECT " + COLUMNS + ", priority, seq FROM " + table + " t"
        + " WHERE t.status = 'PENDING' AND t.tenant = ten.tenant"
        + " AND (t.priority, t.run_at, t.seq) >= (ten.priority, ten.run_at, ten.seq)"
        + " ORDER BY t.priority, t.run_at, t.seq LIMIT ?) p";
  }
}
