package io.ffmpegqueue.testing;

import io.ffmpegqueue.FfmpegQueue;
import io.ffmpegqueue.FfmpegQueueClient;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit Jupiter extension behind {@link FfmpegQueueTest}: makes an {@link FfmpegQueueHarness} for each
 * test on first use, injects it and its parts as parameters, and closes it after the test.
 *
 * <p>Use it through {@code @FfmpegQueueTest} (or {@code @ExtendWith(FfmpegQueueExtension.class)}) for the
 * defaults, or register a configured one:
 *
 * <pre>{@code
 * @RegisterExtension
 * final FfmpegQueueExtension ffq = FfmpegQueueExtension.configure(h -> h
 *     .queueOptions(q -> q.retryPolicy(RetryPolicy.none())));
 * }</pre>
 *
 * Use one or the other on a test class, not both: two would compete for the same parameters.
 */
public final class FfmpegQueueExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FfmpegQueueExtension.class);
  private static final Set<Class<?>> INJECTED = Set.of(FfmpegQueueHarness.class, FfmpegQueue.class,
      FfmpegQueueClient.class, FakeFfmpegRunner.class, ManualClock.class, RecordingTaskListener.class,
      InMemoryStorage.class, FakeInputFetcher.class);

  private final Consumer<FfmpegQueueHarness.Builder> options;

  /** An extension that makes harnesses with every default. */
  public FfmpegQueueExtension() {
    this(b -> { });
  }

  private FfmpegQueueExtension(Consumer<FfmpegQueueHarness.Builder> options) {
    this.options = options;
  }

  /** An extension that applies {@code options} to each harness it makes. */
  public static FfmpegQueueExtension configure(Consumer<FfmpegQueueHarness.Builder> options) {
    return new FfmpegQueueExtension(Objects.requireNonNull(options, "options"));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return INJECTED.contains(parameterContext.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    if (extensionContext.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException("an FfmpegQueueHarness is made per test: inject "
          + parameterContext.getParameter().getType().getSimpleName()
          + " into a test, @BeforeEach or @AfterEach method, not into " + parameterContext.getDeclaringExecutable());
    }
    FfmpegQueueHarness h = harness(extensionContext);
    Class<?> type = parameterContext.getParameter().getType();
    Function<FfmpegQueueHarness, Object> part = FfmpegQueueExtension::self;
    if (type == FfmpegQueue.class) {
      part = FfmpegQueueHarness::queue;
    } else if (type == FakeFfmpegRunner.class) {
      part = FfmpegQueueHarness::runner;
    } else if (type == ManualClock.class) {
      part = FfmpegQueueHarness::clock;
    } else if (type == RecordingTaskListener.class) {
      part = FfmpegQueueHarness::listener;
    } else if (type == InMemoryStorage.class) {
      part = FfmpegQueueHarness::storage;
    } else if (type == FakeInputFetcher.class) {
      part = FfmpegQueueHarness::fetcher;
    }
    return part.apply(h);
  }

  private static Object self(FfmpegQueueHarness h) {
    return h; // the harness and the FfmpegQueueClient
  }

  private FfmpegQueueHarness harness(ExtensionContext context) {
    // getOrComputeIfAbsent, not computeIfAbsent: the kit runs on JUnit Jupiter 5.10 and later, and
    // computeIfAbsent arrived in 6.0 (where this one is deprecated but still there).
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(FfmpegQueueHarness.class, k -> {
      FfmpegQueueHarness.Builder b = FfmpegQueueHarness.builder();
      options.accept(b);
      return b.build();
    }, FfmpegQueueHarness.class);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    FfmpegQueueHarness h = context.getStore(NAMESPACE).remove(FfmpegQueueHarness.class, FfmpegQueueHarness.class);
    if (h != null) {
      h.close();
    }
  }
}
