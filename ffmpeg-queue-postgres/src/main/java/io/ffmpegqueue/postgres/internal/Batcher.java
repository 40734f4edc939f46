package io.ffmpegqueue.postgres.internal;

import io.ffmpegqueue.support.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: callers on many threads hand in one item each and block until the statement that carries it
 * has committed; whichever caller finds no statement in flight takes everything handed in so far (up to
 * {@code maxBatch}) and writes it as one statement, and the others wait. Nothing is delayed on purpose: a
 * lone caller writes at once, and a batch grows only with the callers that arrived while the previous
 * statement ran. So a statement and its commit are paid once per batch rather than once per item, and every
 * caller still returns only after its own item is durable, with its own answer or error.
 *
 * @param <Q> what a caller hands in
 * @param <A> what it gets back
 */
public final class Batcher<Q, A> {
  /** Writes a batch; answers in the order of the items. */
  @FunctionalInterface
  public interface Flush<Q, A> {
    /**
     * Writes {@code items} (in the order they were handed in) and returns one answer per item, in the same
     * order. An exception fails every item of the batch.
     */
    List<A> write(List<Q> items);
  }

  private final class Slot {
    final Q item;
    A answer;
    RuntimeException failure;
    boolean done;

    Slot(Q item) {
      this.item = item;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition written = lock.newCondition();
  private final Flush<Q, A> flush;
  private final int maxBatch;
  private final List<Slot> waiting = new ArrayList<>();
  private boolean flushing;

  /** A batcher writing through {@code flush}, at most {@code maxBatch} items a statement. */
  public Batcher(int maxBatch, Flush<Q, A> flush) {
    this.maxBatch = Checks.atLeastOne(maxBatch, "maxBatch");
    this.flush = flush;
  }

  /**
   * Hands in {@code item} and returns its answer once the batch that carried it is written.
   *
   * @throws RuntimeException what writing its batch threw
   */
  public A submit(Q item) {
    Slot mine = new Slot(item);
    lock.lock();
    try {
      waiting.add(mine);
      while (true) {
        if (mine.done) {
          if (mine.failure != null) {
            throw mine.failure;
          }
          return mine.answer;
        }
        if (flushing) {
          written.awaitUninterruptibly();
          continue;
        }
        flushing = true;
        List<Slot> batch = take();
        lock.unlock();
        try {
          write(batch);
        } finally {
          lock.lock();
          flushing = false;
          written.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many items wait for the next batch (for tests). */
  int waiting() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  private List<Slot> take() {
    int n = Math.min(maxBatch, waiting.size());
    List<Slot> batch = new ArrayList<>(waiting.subList(0, n));
    waiting.subList(0, n).clear();
    return batch;
  }

  // Outside the lock; the slots are published to their owners by the lock taken afterwards.
  private void write(List<Slot> batch) {
    List<Q> items = new ArrayList<>(batch.size());
    for (Slot s : batch) {
      items.add(s.item);
    }
    try {
      List<A> answers = flush.write(items);
      if (answers.size() != batch.size()) {
        throw new IllegalStateException("a batch of " + batch.size() + " got " + answers.size() + " answers");
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).answer = answers.get(i);
        batch.get(i).done = true;
      }
    } catch (RuntimeException | Error e) {
      RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
      for (Slot s : batch) {
        if (!s.done) {
          s.failure = failure;
          s.done = true;
        }
      }
      if (e instanceof Error err) {
        throw err;
      }
    }
  }
}
