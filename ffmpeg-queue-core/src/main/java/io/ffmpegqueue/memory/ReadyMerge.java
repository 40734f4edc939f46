package io.ffmpegqueue.memory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

/**
 * Walks several tenants' ready queues of one priority as one, in submission order, for listing: a merge of
 * sorted queues, so a page costs its length (times log of the tenants), not a sort of everything pending.
 */
final class ReadyMerge<E> implements Iterator<E> {
  private final PriorityQueue<Head<E>> heads;
  private final ToLongFunction<E> seq;

  private record Head<E>(E next, Iterator<E> rest) {}

  private ReadyMerge(List<ArrayDeque<E>> queues, ToLongFunction<E> seq) {
    this.seq = seq;
    this.heads = new PriorityQueue<>(Math.max(1, queues.size()),
        (a, b) -> Long.compare(seq.applyAsLong(a.next()), seq.applyAsLong(b.next())));
    for (ArrayDeque<E> q : queues) {
      Iterator<E> it = q.iterator();
      if (it.hasNext()) {
        heads.add(new Head<>(it.next(), it));
      }
    }
  }

  static <E> Iterator<E> bySeq(List<ArrayDeque<E>> queues, ToLongFunction<E> seq) {
    return queues.size() == 1 ? queues.get(0).iterator() : new ReadyMerge<>(queues, seq);
  }

  @Override
  public boolean hasNext() {
    return !heads.isEmpty();
  }

  @Override
  public E next() {
    Head<E> h = heads.poll();
    if (h == null) {
      throw new NoSuchElementException();
    }
    if (h.rest().hasNext()) {
      heads.add(new Head<>(h.rest().next(), h.rest()));
    }
    return h.next();
  }
}
