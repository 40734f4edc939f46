package io.ffmpegqueue.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * On a {@code @SpringBootTest} class: the auto-configured queue runs no ffmpeg but the testing kit's
 * {@link io.ffmpegqueue.testing.FakeFfmpegRunner}, a bean the test injects to script outcomes and read the
 * commands tasks ran. Needs {@code io.ffmpegqueue:ffmpeg-queue-testing} (test scope).
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureFakeFfmpegRunner
 * class TranscodeTest {
 *   @Autowired FakeFfmpegRunner ffmpeg;
 *   @Autowired FfmpegQueue queue;
 *   ...
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(FakeFfmpegRunnerConfiguration.class)
public @interface AutoConfigureFakeFfmpegRunner {}
