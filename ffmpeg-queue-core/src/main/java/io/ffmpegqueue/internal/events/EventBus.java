package io.ffmpegqueue.internal.events;

import io.ffmpegqueue.Subscription;
import io.ffmpegqueue.TaskEvent;
import io.ffmpegqueue.TaskListener;
import io.ffmpegqueue.support.NamedThreadFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners off the publishing threads. Each subscription has its own queue, drained
 * by one event thread at a time, so its events arrive in publish order (hence in order per task), a slow
 * listener delays only itself, and a throwing one is logged and keeps its subscription.
 */
public final class EventBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private static final int BACKLOG_WARNING = 10_000;

  private final CopyOnWriteArrayList<Sub> subs = new CopyOnWriteArrayList<>();
  private final ExecutorService executor;
  // The event threads: an executor signals its termination before its last thread has exited, so close()
  // joins them to return only once every one has ended.
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  // For awaitIdle(): actions handed to execute() and not yet run, and who waits for quiet.
  private final AtomicInteger actionsPending = new AtomicInteger();
  private final AtomicInteger idleWaiters = new AtomicInteger();
  private final ReentrantLock idleLock = new ReentrantLock();
  private final Condition quiet = idleLock.newCondition();

  /** A bus whose event threads are named {@code threadPrefix-N}. */
  public EventBus(String threadPrefix) {
    // Threads are made on demand and end when idle; one per subscription with work at most.
    NamedThreadFactory names = new NamedThreadFactory(threadPrefix);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = names.newThread(r);
          threads.removeIf(old -> !old.isAlive()); // those that ended when idle
          threads.add(t);
          return t;
        });
    this.executor = pool;
  }

  /** Subscribes {@code listener} to events of {@code type}, or to every event when {@code type} is null. */
  public Subscription subscribe(TaskEvent.Type type, TaskListener listener) {
    Sub s = new Sub(type, listener);
    subs.add(s);
    return s;
  }

  /** Whether anybody listens; publishers skip building events when nobody does. */
  public boolean hasSubscribers() {
    return !subs.isEmpty();
  }

  /** Queues {@code event} for every subscription that covers it. */
  public void publish(TaskEvent event) {
    for (Sub s : subs) {
      if (s.type == null || s.type == event.type()) {
        s.offer(event);
      }
    }
  }

  /** Runs {@code action} on an event thread (on the caller's when the bus is closed). */
  public void execute(Runnable action) {
    actionsPending.incrementAndGet();
    Runnable counted = () -> {
      try {
        action.run();
      } finally {
        actionsPending.decrementAndGet();
        signalIfWaited();
      }
    };
    try {
      executor.execute(counted);
    } catch (RejectedExecutionException e) {
      counted.run();
    }
  }

  /**
   * Waits until every event published before the call has been delivered and every action handed to
   * {@link #execute} has run: for tests that drive a queue by hand and then look at what listeners saw.
   *
   * @return true when quiet, false when {@code timeout} passed first
   */
  public boolean awaitIdle(Duration timeout) {
    long remaining = timeout.toNanos();
    idleLock.lock();
    idleWaiters.incrementAndGet();
    try {
      while (!isIdle()) {
        if (remaining <= 0) {
          return false;
        }
        remaining = quiet.awaitNanos(remaining);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      idleWaiters.decrementAndGet();
      idleLock.unlock();
    }
  }

  private boolean isIdle() {
    if (actionsPending.get() > 0) {
      return false;
    }
    for (Sub s : subs) {
      // Queue first, then the flag: an event is either still queued or its delivery holds the flag.
      if (!s.queue.isEmpty() || s.scheduled.get()) {
        return false;
      }
    }
    return true;
  }

  /** Wakes awaitIdle(); costs nothing on the delivery path while nobody waits. */
  private void signalIfWaited() {
    if (idleWaiters.get() > 0) {
      idleLock.lock();
      try {
        quiet.signalAll();
      } finally {
        idleLock.unlock();
      }
    }
  }

  /** Stops the event threads, letting queued events drain for up to {@code millis}. */
  public void close(long millis) {
    executor.shutdown();
    try {
      if (executor.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
        for (Thread t : threads) {
          t.join(millis); // past its last event: it ends at once
        }
      } else {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    subs.clear();
  }

  @Override
  public void close() {
    close(2_000);
  }

  private final class Sub implements Subscription, Runnable {
    final TaskEvent.Type type;
    final TaskListener listener;
    final ConcurrentLinkedQueue<TaskEvent> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger size = new AtomicInteger();
    final AtomicBoolean scheduled = new AtomicBoolean();
    volatile boolean closed;

    Sub(TaskEvent.Type type, TaskListener listener) {
      this.type = type;
      this.listener = listener;
    }

    void offer(TaskEvent event) {
      if (closed) {
        return;
      }
      queue.add(event);
      if (size.incrementAndGet() == BACKLOG_WARNING) {
        log.warn("a task listener ({}) is {} events behind; it is slower than the queue",
            listener.getClass().getName(), BACKLOG_WARNING);
      }
      schedule();
    }

    private void schedule() {
      if (scheduled.compareAndSet(false, true)) {
        try {
          executor.execute(this);
        } catch (RejectedExecutionException e) {
          scheduled.set(false); // closing: what is queued is dropped with the bus
        }
      }
    }

    @Override
    public void run() {
      try {
        TaskEvent e;
        int batch = 0;
        while (!closed && (e = queue.poll()) != null) {
          size.decrementAndGet();
          try {
            listener.onEvent(e);
          } catch (RuntimeException | Error ex) {
            log.warn("task listener {} threw on {} of task {}; it stays subscribed",
                listener.getClass().getName(), e.type(), e.taskId(), ex);
          }
          if (++batch == 1024) {
            break; // give other subscriptions a turn on a busy pool
          }
        }
      } finally {
        scheduled.set(false);
        if (!closed && !queue.isEmpty()) {
          schedule();
        }
        signalIfWaited();
      }
    }

    @Override
    public void close() {
      closed = true;
      subs.remove(this);
      queue.clear();
    }
  }
}
