package io.ffmpegqueue.postgres.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenants this process served lately, each with its turn number: a claim serves the tenant served longest
 * ago first, and a tenant not among these (never served, or not for {@value #KEPT} turns of other tenants)
 * counts as turn 0, before all of them. Kept in the process rather than in a table: writing a tenant's turn
 * in every claim was the largest part of a claim's cost, and the row every claim wrote was one they all waited
 * for. So each worker process takes turns between tenants on its own; together they still interleave them.
 */
final class Turns {
  /** How many tenants are remembered; the longest served ago are forgotten first. */
  static final int KEPT = 256;

  // In the order they were last served, oldest first.
  private final LinkedHashMap<String, Long> served = new LinkedHashMap<>();
  private long last;

  /** The tenants remembered, for the claim's first parameter. */
  synchronized String[] tenants() {
    return served.keySet().toArray(String[]::new);
  }

  /** Their turn numbers, in the order of {@link #tenants()}. */
  synchronized Long[] numbers() {
    return served.values().toArray(Long[]::new);
  }

  /** Records a claim's tenants, in the order it served them (a tenant's turn follows its last task). */
  synchronized void served(List<String> tenantsInTurnOrder) {
    for (int i = 0; i < tenantsInTurnOrder.size(); i++) {
      String t = tenantsInTurnOrder.get(i);
      if (tenantsInTurnOrder.lastIndexOf(t) == i) {
        served.remove(t);
        served.put(t, ++last);
      }
    }
    Iterator<Map.Entry<String, Long>> oldest = served.entrySet().iterator();
    while (served.size() > KEPT) {
      oldest.next();
      oldest.remove();
    }
  }
}
