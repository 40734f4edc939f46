package io.ffmpegqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * Which tasks to find, newest first (by creation time, then id), a page at a time. Every filter is optional
 * ({@code null} matches all); a page continues after the {@link TaskCursor} of the previous page's last task
 * (keyset pagination), so tasks added or changed meanwhile never make a later page skip or repeat a task.
 *
 * <p><b>Bounded scans.</b> A filter by metadata or by text in the command has no index behind it in a shared
 * backend: such a search looks at no more than {@link #SCAN_LIMIT} tasks per page (newest first from the
 * cursor, those that pass the other filters). When that many were looked at before the page was full, the page
 * holds the matches found so far, possibly none, and its {@link TaskPage#next()} continues the scan below the
 * last task looked at; so a rare match in a large queue may take several pages to reach, but no page costs more
 * than the scan limit, and nothing is skipped or repeated. Narrow the search by status, tenant or creation time
 * to reach rare matches sooner.
 *
 * <pre>{@code
 * TaskPage page = admin.search(TaskSearch.builder().status(TaskStatus.FAILED).tenant("acme").limit(50).build());
 * TaskPage next = admin.search(search.toBuilder().after(page.next()).build());
 * }</pre>
 *
 * @param status only tasks of this status, or {@code null}
 * @param scheduled when true, only PENDING tasks whose run time is still to come (submitted for later, or a
 *     retry waiting); {@code status} is then ignored
 * @param tenant only tasks of this tenant, or {@code null}
 * @param metadataKey only tasks whose metadata has this key, or {@code null}
 * @param metadataValue with {@code metadataKey}: only tasks whose value for it is this, or {@code null} for any
 * @param createdFrom only tasks created at or after this, or {@code null}
 * @param createdBefore only tasks created before this, or {@code null}
 * @param text only tasks whose command contains this text (case-insensitively), or {@code null}
 * @param limit the most tasks in a page, 1 to {@link TaskQuery#MAX_LIMIT}
 * @param after the position after which the page starts, or {@code null} for the first page
 */
public record TaskSearch(
    TaskStatus status,
    boolean scheduled,
    String tenant,
    String metadataKey,
    String metadataValue,
    Instant createdFrom,
    Instant createdBefore,
    String text,
    int limit,
    TaskCursor after) {

  /** The most tasks a search with a metadata or text filter looks at for one page (see above). */
  public static final int SCAN_LIMIT = 10_000;

  /** Checks the page size and that a metadata value comes with its key. */
  public TaskSearch {
    if (limit < 1 || limit > TaskQuery.MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + TaskQuery.MAX_LIMIT + ", got " + limit);
    }
    if (metadataValue != null && metadataKey == null) {
      throw new IllegalArgumentException("metadataValue needs a metadataKey");
    }
    if (text != null && text.isEmpty()) {
      text = null;
    }
  }

  /** Whether the search filters by metadata or command text: then its pages are bounded scans (see above). */
  public boolean scans() {
    return metadataKey != null || text != null;
  }

  /** A builder: no filters, a page of 100. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this search (to ask for the next page). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.status = status;
    b.scheduled = scheduled;
    b.tenant = tenant;
    b.metadataKey = metadataKey;
    b.metadataValue = metadataValue;
    b.createdFrom = createdFrom;
    b.createdBefore = createdBefore;
    b.text = text;
    b.limit = limit;
    b.after = after;
    return b;
  }

  /**
   * Whether {@code task} passes every filter (not the cursor) at {@code now}: what backends that search in
   * memory use, so they agree with those that search in SQL.
   */
  public boolean matches(Task task, Instant now) {
    if (scheduled) {
      if (task.status() != TaskStatus.PENDING || !task.runAt().isAfter(now)) {
        return false;
      }
    } else if (status != null && task.status() != status) {
      return false;
    }
    TaskRequest r = task.request();
    if (tenant != null && !tenant.equals(r.tenant())) {
      return false;
    }
    if (metadataKey != null) {
      String v = r.metadata().get(metadataKey);
      if (v == null || (metadataValue != null && !metadataValue.equals(v))) {
        return false;
      }
    }
    if (createdFrom != null && task.createdAt().isBefore(createdFrom)) {
      return false;
    }
    if (createdBefore != null && !task.createdAt().isBefore(createdBefore)) {
      return false;
    }
    return text == null
        || r.command().toLowerCase(java.util.Locale.ROOT).contains(text.toLowerCase(java.util.Locale.ROOT));
  }

  /** Builds a {@link TaskSearch}. */
  public static final class Builder {
    private TaskStatus status;
    private boolean scheduled;
    private String tenant;
    private String metadataKey;
    private String metadataValue;
    private Instant createdFrom;
    private Instant createdBefore;
    private String text;
    private int limit = 100;
    private TaskCursor after;

    private Builder() {}

    /** Only tasks of this status ({@code null}: any). */
    public Builder status(TaskStatus status) {
      this.status = status;
      return this;
    }

    /** Only PENDING tasks whose run time is still to come. */
    public Builder scheduled(boolean scheduled) {
      this.scheduled = scheduled;
      return this;
    }

    /** Only tasks of this tenant ({@code null}: any). */
    public Builder tenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    /** Only tasks whose metadata has {@code key}, with {@code value} unless that is {@code null}. */
    public Builder metadata(String key, String value) {
      this.metadataKey = key;
      this.metadataValue = value;
      return this;
    }

    /** Only tasks created in {@code [from, before)}; either end may be {@code null}. */
    public Builder created(Instant from, Instant before) {
      this.createdFrom = from;
      this.createdBefore = before;
      return this;
    }

    /** Only tasks whose command contains {@code text}, case-insensitively. */
    public Builder text(String text) {
      this.text = text;
      return this;
    }

    /** The most tasks in a page. */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /** The page starts after this position ({@code null}: the first page). */
    public Builder after(TaskCursor after) {
      this.after = after;
      return this;
    }

    /** The search. */
    public TaskSearch build() {
      return new TaskSearch(status, scheduled, tenant, metadataKey, metadataValue, createdFrom, createdBefore,
          text, limit, after);
    }
  }

  /** Whether {@code task} comes after {@code cursor} in the search's order (newest first), or there is none. */
  public static boolean isAfter(Task task, TaskCursor cursor) {
    Objects.requireNonNull(task, "task");
    return cursor == null || TaskCursor.of(task).compareTo(cursor) < 0;
  }
}
