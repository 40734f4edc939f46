package io.ffmpegqueue.postgres.internal;

/**
 * The backend's SQL for one schema and table prefix, rendered once.
 *
 * <p>Notices go on the channel {@link #channel()}. Most are sent after the writes they tell of, gathered a
 * few milliseconds at a time ({@link NoticeBuffer}): a {@code NOTIFY} in every write would cost each commit
 * the server's notice-queue lock and each listening process a wake-up. Two are sent by the write itself, so
 * that they go out exactly when it commits: the cancel request of a running task, and the ready notice of an
 * enqueue in a host's own transaction. Payloads: {@code r|origin|} (work is ready; {@code R|origin|id} for
 * the host-transaction one),
 * {@code c|origin|id} (cancel requested), {@code E|origin|TYPE:id;TYPE:id...} (task events), where origin is
 * the writing backend's random id.
 */
public final class Statements {
  /** Columns every task read selects. */
  static final String COLUMNS =
      "id, status, attempt, progress, run_at, started_at, finished_at, outputs, error, request, lease_expires_at";
  private static final String FINAL = "('COMPLETED', 'FAILED', 'CANCELLED')";
  private static final String CLEAR_LEASE = "lease_owner = NULL, lease_expires_at = NULL, cancel_requested = false";
  private static final String MILLIS = " * interval '1 millisecond'";
  // WebhookDelivery.deliveryIdOf in SQL: the name-based (version 3) UUID of 'ffq-webhook:' || id, from its md5
  // hash h with the version nibble set to 3 and the variant bits to 10.
  private static final String DELIVERY_ID = "overlay(overlay(h placing '3' from 13 for 1) placing"
      + " substr('89ab', (position(substr(h, 17, 1) in '0123456789abcdef') - 1) % 4 + 1, 1) from 17 for 1)::uuid::text";

  private final String table;
  private final String webhooks;
  private final String tenants;
  private final String turns;
  private final String channel;

  /** Statements on {@code schema.prefix + "tasks"}; both names are validated identifiers. */
  public Statements(String schema, String prefix) {
    this.table = schema + "." + prefix + "tasks";
    this.webhooks = schema + "." + prefix + "webhooks";
    this.tenants = schema + "." + prefix + "tenants";
    this.turns = schema + "." + prefix + "tenant_turns";
    this.channel = schema + "." + prefix + "tasks";
  }

  /** The qualified table name. */
  public String table() {
    return table;
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
   * ({@code R|origin|}). Returns one row when inserted, none on a conflict. The tenant's row is made with the
   * first task that names it.
   */
  public String insert(boolean notify) {
    String insert = "INSERT INTO " + table
        + " (id, status, priority, run_at, created_at, max_attempts, idempotency_key, request, tenant)"
        + " VALUES (?, 'PENDING', ?, now() + greatest(?, 0)" + MILLIS + ", ?, ?, ?, ?::jsonb, ?)"
        + " ON CONFLICT DO NOTHING RETURNING id, tenant";
    return "WITH ins AS (" + insert + "), tn AS (INSERT INTO " + tenants + " (tenant) SELECT tenant FROM ins"
        + " ON CONFLICT DO NOTHING) SELECT ins.id" + (notify ? ", " + notify("? || ins.id") : "") + " FROM ins";
  }

  /** The advisory lock that makes claims take turns, so each sees the running counts the last one left. */
  public String claimLock() {
    return "SELECT pg_advisory_xact_lock(hashtext('ffmpeg-queue-claim:" + table + "'))";
  }

  /** Takes the advisory lock that serialises enqueues near capacity, until the transaction ends: param key. */
  public String capacityLock() {
    return "SELECT pg_advisory_xact_lock(hashtext(?))";
  }

  /** How many tasks are PENDING. */
  public String pendingCount() {
    return "SELECT count(*) FROM " + table + " WHERE status = 'PENDING'";
  }

  /** A task by idempotency key: param key. */
  public String findByKey() {
    return "SELECT " + COLUMNS + " FROM " + table + " WHERE idempotency_key = ?";
  }

  /** A task by id: param id. */
  public String find() {
    return "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
  }

  /** Whether a task id exists: param id. */
  public String exists() {
    return "SELECT 1 FROM " + table + " WHERE id = ?";
  }

  /**
   * The claim, in one statement (run after {@link #claimLock()} in the same transaction, so the running
   * counts it reads are current). {@code room}: how many more tasks each tenant may run (its running limit
   * less its RUNNING tasks, or the whole claim without a limit). {@code cand}: each tenant's first ready
   * rows in run order, at most its room, locked, skipping rows that others hold. {@code chosen}: the claim's
   * rows in turn order: priority, then each tenant's first before any tenant's second, then the tenant
   * served longest ago, then submission. The tenants served get a new turn number; the update leases the
   * rows. Params: limit, override tenants (text[]), their limits (int[]), the default limit (0: none),
   * limit, limit, worker id, lease millis. Rows come back in no particular order, with {@code ord}.
   */
  public String claim() {
    return "WITH room AS (SELECT n.tenant, n.served, CASE WHEN lim.max > 0 THEN greatest(0, lim.max"
        + "   - (SELECT count(*) FROM " + table + " r WHERE r.status = 'RUNNING' AND r.tenant = n.tenant))"
        + "   ELSE ? END AS room"
        + " FROM " + tenants + " n CROSS JOIN LATERAL (SELECT coalesce("
        + "   (SELECT o.m FROM unnest(?::text[], ?::int[]) AS o(t, m) WHERE o.t = n.tenant), ?) AS max) lim),"
        + " cand AS (SELECT c.id, c.priority, c.run_at, c.seq, room.tenant, room.served FROM room"
        + "   CROSS JOIN LATERAL (SELECT t.id, t.priority, t.run_at, t.seq FROM " + table + " t"
        + "   WHERE t.tenant = room.tenant AND t.status = 'PENDING' AND t.run_at <= now()"
        + "   ORDER BY t.priority, t.run_at, t.seq LIMIT least(?, room.room) FOR UPDATE SKIP LOCKED) c"
        + "   WHERE room.room > 0),"
        + " turn AS (SELECT cand.*, row_number() OVER (PARTITION BY tenant ORDER BY priority, run_at, seq) AS turn"
        + "   FROM cand),"
        + " chosen AS (SELECT id, tenant, ord FROM (SELECT id, tenant, row_number() OVER"
        + "   (ORDER BY priority, turn, served, tenant, run_at, seq) AS ord FROM turn) o WHERE ord <= ?),"
        + " served AS (UPDATE " + tenants + " n SET served = nextval('" + turns + "')"
        + "   FROM (SELECT DISTINCT tenant FROM chosen) s WHERE n.tenant = s.tenant)"
        + " UPDATE " + table + " t SET status = 'RUNNING', attempt = t.attempt + 1,"
        + " progress = NULL, started_at = now(), finished_at = NULL, lease_owner = ?,"
        + " lease_expires_at = now() + ?" + MILLIS + ", cancel_requested = false"
        + " FROM chosen WHERE t.id = chosen.id RETURNING chosen.ord, "
        + prefixed("t.", COLUMNS);
  }

  private static String prefixed(String alias, String columns) {
    return alias + columns.replace(", ", ", " + alias);
  }

  /** Milliseconds until the earliest PENDING task is due (negative when one is due), or NULL when none is. */
  public String nextDue() {
    return "SELECT (extract(epoch FROM min(run_at) - now()) * 1000)::bigint FROM " + table
        + " WHERE status = 'PENDING'";
  }

  /**
   * Extends a lease and records progress if the lease is current: params lease millis, progress (or NULL),
   * id, attempt. Returns cancel_requested, or no row when the lease is lost.
   */
  public String renew() {
    return "UPDATE " + table + " SET lease_expires_at = now() + ?" + MILLIS + ","
        + " progress = coalesce(?, progress)"
        + " WHERE id = ? AND attempt = ? AND status = 'RUNNING' RETURNING cancel_requested";
  }

  /**
   * Ends an attempt if its lease is current. It returns only what the database decided (run_at, finished_at,
   * progress): the caller knows the rest, so no JSON travels back.
   */
  private String finish(String set) {
    return finish(set, false);
  }

  /** {@link #finish(String)}, with {@code webhook} also storing the task's delivery (see {@link #storingWebhooks}). */
  private String finish(String set, boolean webhook) {
    String update = "UPDATE " + table + " SET " + set + ", " + CLEAR_LEASE
        + " WHERE id = ? AND attempt = ? AND status = 'RUNNING'";
    String returning = "run_at, finished_at, progress";
    return webhook ? storingWebhooks(update, "", returning) : update + " RETURNING " + returning;
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

  /**
   * Completes an attempt with its outputs: params outputs json, id, attempt, and with {@code webhook} the time
   * the task's webhook delivery, stored in the same statement, is due.
   */
  public String complete(boolean webhook) {
    return finish("status = 'COMPLETED', outputs = ?::jsonb, progress = 1.0, error = NULL, finished_at = now()",
        webhook);
  }

  /** Fails a task for good: params error json, id, attempt, and with {@code webhook} as {@link #complete}. */
  public String fail(boolean webhook) {
    return finish("status = 'FAILED', error = ?::jsonb, finished_at = now()", webhook);
  }

  /** Schedules a retry: params error json, delay millis, id, attempt. */
  public String retry() {
    return finish("status = 'PENDING', error = ?::jsonb, run_at = now() + greatest(?, 0)" + MILLIS
        + ", progress = NULL");
  }

  /** Ends a running task cancelled: params error json, id, attempt, and with {@code webhook} as {@link #complete}. */
  public String cancelled(boolean webhook) {
    return finish("status = 'CANCELLED', error = ?::jsonb, finished_at = now()", webhook);
  }

  /** Gives a task back, ready at once: params id, attempt. */
  public String release() {
    return finish("status = 'PENDING', progress = NULL");
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
        + " WHERE status = 'RUNNING' AND lease_expires_at < now()"
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
        + " WHERE status IN " + FINAL + " AND finished_at < now() - ?" + MILLIS
        + " ORDER BY finished_at, seq LIMIT ?)";
  }

  /** Deletes a batch of the oldest final tasks beyond the newest {@code keep}: params keep, batch. */
  public String pruneByCount() {
    return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
        + " WHERE status IN " + FINAL + " ORDER BY finished_at DESC, seq DESC OFFSET ? LIMIT ?)";
  }

  /** Takes the prune lock if free, until the transaction ends: param key. */
  public String tryLock() {
    return "SELECT pg_try_advisory_xact_lock(hashtext(?))";
  }

  /** Tasks per status. */
  public String counts() {
    return "SELECT status, count(*) FROM " + table + " GROUP BY status";
  }

  /**
   * A page of tasks: params the status (when {@code byStatus}), limit, offset. RUNNING first by
   * start, then PENDING in run order, then final tasks newest first.
   */
  public String list(boolean byStatus) {
    return "SELECT " + COLUMNS + " FROM " + table + (byStatus ? " WHERE status = ?" : "")
        + " ORDER BY CASE status WHEN 'RUNNING' THEN 0 WHEN 'PENDING' THEN 1 ELSE 2 END,"
        + " CASE WHEN status = 'PENDING' THEN priority END,"
        + " CASE status WHEN 'PENDING' THEN run_at WHEN 'RUNNING' THEN started_at END,"
        + " finished_at DESC,"
        + " CASE WHEN status IN " + FINAL + " THEN -seq ELSE seq END"
        + " LIMIT ? OFFSET ?";
  }
}
