package io.ffmpegqueue.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test an {@link FfmpegQueueHarness} wired with fakes, closed after the test: declare any of
 * {@link FfmpegQueueHarness}, {@link io.ffmpegqueue.FfmpegQueue}, {@link io.ffmpegqueue.FfmpegQueueClient},
 * {@link FakeFfmpegRunner}, {@link ManualClock}, {@link RecordingTaskListener}, {@link InMemoryStorage} or
 * {@link FakeInputFetcher} as a parameter of a test, {@code @BeforeEach} or {@code @AfterEach} method;
 * within one test they all belong to the same queue.
 *
 * <pre>{@code
 * @FfmpegQueueTest
 * class ThumbnailsTest {
 *   @Test
 *   void a_thumbnail_is_stored(FfmpegQueueHarness queue, InMemoryStorage storage) { ... }
 * }
 * }</pre>
 *
 * To set queue options, register {@link FfmpegQueueExtension#configure} with {@code @RegisterExtension}
 * instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FfmpegQueueExtension.class)
public @interface FfmpegQueueTest {}
