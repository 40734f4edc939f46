package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ffmpegqueue.examples.support.Browser;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestFfmpeg;
import io.ffmpegqueue.examples.support.TestService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real browser (headless Chromium through Debian's chromedriver) against the real service
 * running real ffmpeg. With {@code -Ddashboard.screenshots=docs/images} (relative to the repository root) it
 * also saves a screenshot of each page there, for the docs.
 */
class DashboardIT {
  private static final Duration LONG = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  @BeforeAll
  static void needsChromium() {
    assumeTrue(Browser.installed(), "Debian's chromium and chromium-driver are not installed");
  }

  private static Path screenshots() {
    String s = System.getProperty("dashboard.screenshots");
    if (s == null || s.isBlank()) {
      return null;
    }
    Path p = Path.of(s);
    // Failsafe runs in the module's folder; a relative path names a folder of the repository.
    return p.isAbsolute() ? p : Path.of("").toAbsolutePath().getParent().resolve(p);
  }

  private String task(String input, String extra) {
    return "{\"command\": \"-re -i input.mp4 -c:v libx264 -preset ultrafast -c:a aac output.mp4\", \"input_files\":"
        + " {\"input.mp4\": \"" + TestService.media(dir).resolve(input).toUri() + "\"}, \"output_filename\": \"output.mp4\""
        + extra + "}";
  }

  private static String statusOfRow(WebDriver d, String id) {
    List<WebElement> rows = d.findElements(By.cssSelector("tr[data-task='" + id + "'] .status"));
    return rows.isEmpty() ? "" : rows.get(0).getText();
  }

  @Test
  void the_pages_follow_real_ffmpeg_runs_and_a_retry_from_the_page_runs_the_task_again() throws Exception {
    Path media = TestService.media(dir);
    TestFfmpeg.makeClip(media.resolve("clip.mp4"), 4);
    Files.writeString(media.resolve("broken.mp4"), "not a video", StandardCharsets.UTF_8);
    try (FfmpegService s = TestService.start(dir, Map.of("NUM_WORKERS", "2"), b -> { });
        Browser browser = new Browser(dir)) {
      Http http = new Http(s.port(), null);
      String base = "http://127.0.0.1:" + s.port();
      WebDriver d = browser.driver();

      // The list shows a registered task, and its completion.
      d.get(base + "/dashboard/tasks");
      String listed = http.post("/ffmpeg/register", task("clip.mp4", ", \"tenant\": \"studio\"")).json()
          .get("task_id").asText();
      waitFor().until(() -> List.of("pending", "running").contains(statusOfRow(d, listed)));
      waitFor().until(() -> statusOfRow(d, listed).equals("completed"));
      browser.screenshot(screenshots(), "dashboard-tasks");

      // The detail page's progress bar moves while ffmpeg runs.
      String running = http.post("/ffmpeg/register", task("clip.mp4", "")).json().get("task_id").asText();
      d.get(base + "/dashboard/tasks/" + running);
      waitFor().until(() -> progress(d) > 0 && progress(d) < 100);
      double first = progress(d);
      browser.screenshot(screenshots(), "dashboard-task");
      waitFor().until(() -> progress(d) > first);
      assertThat(d.findElement(By.id("progress-text")).getText()).contains("fps");
      waitFor().until(() -> d.findElement(By.id("task-status")).getText().equals("completed"));

      // A failed task retried from its page runs again (its input was repaired meanwhile).
      String failing = http.post("/ffmpeg/register", task("broken.mp4", ", \"max_attempts\": 1")).json()
          .get("task_id").asText();
      waitFor().until(() -> http.get("/ffmpeg/tasks/" + failing).json().get("status").asText().equals("failed"));
      Files.copy(media.resolve("clip.mp4"), media.resolve("broken.mp4"), StandardCopyOption.REPLACE_EXISTING);
      d.get(base + "/dashboard/tasks/" + failing);
      WebElement retry = d.findElement(By.id("act-retry"));
      waitFor().until(retry::isDisplayed);
      retry.click();
      waitFor().until(() -> d.findElement(By.id("task-status")).getText().equals("completed"));
      assertThat(http.get("/ffmpeg/tasks/" + failing + "/attempts").json().get("series")).hasSize(2);
      waitFor().until(() -> d.findElements(By.cssSelector("#attempts tbody tr")).size() == 2);
      browser.screenshot(screenshots(), "dashboard-task-retried");

      d.get(base + "/dashboard/workers");
      waitFor().until(() -> !d.findElements(By.cssSelector("#workers tbody tr")).isEmpty());
      browser.screenshot(screenshots(), "dashboard-workers");
      d.get(base + "/");
      waitFor().until(() -> !d.findElements(By.cssSelector("#counts div")).isEmpty()
          && !d.findElements(By.cssSelector("#workers tbody tr")).isEmpty());
      assertThat(d.getCurrentUrl()).isEqualTo(base + "/dashboard/");
      browser.screenshot(screenshots(), "dashboard-overview");

      // Every request the pages made went to the service itself.
      // Only network requests can leave: data: URLs (the date picker's icons) and the browser's own chrome://
      // pages are read in place.
      List<String> urls = browser.requestedUrls().stream()
          .filter(u -> !u.startsWith("chrome://") && !u.startsWith("data:")).toList();
      assertThat(urls).isNotEmpty().allSatisfy(u -> assertThat(u).startsWith(base + "/"));
      assertThat(urls).anyMatch(u -> u.endsWith("/events")).anyMatch(u -> u.endsWith("/dashboard/assets/app.js"));
    }
  }

  /** Awaits in a page that redraws: an element read as it is replaced is read again. */
  private static org.awaitility.core.ConditionFactory waitFor() {
    return await().atMost(LONG).ignoreException(org.openqa.selenium.StaleElementReferenceException.class);
  }

  private static double progress(WebDriver d) {
    String v = d.findElement(By.id("progress")).getAttribute("value");
    return v == null ? 0 : Double.parseDouble(v);
  }

  @Test
  void the_token_prompt_keeps_a_visitor_without_the_token_out() {
    String token = "dashboard-test-token-0123456789";
    try (FfmpegService s = TestService.start(dir, Map.of("NUM_WORKERS", "0", "API_TOKEN", token), b -> { });
        Browser browser = new Browser(dir)) {
      String base = "http://127.0.0.1:" + s.port();
      WebDriver d = browser.driver();
      new Http(s.port(), token).post("/ffmpeg/register", TestService.taskJson(dir, "secret-output.mp4"));

      d.get(base + "/dashboard/tasks");
      assertThat(d.getCurrentUrl()).isEqualTo(base + "/dashboard/login");
      browser.screenshot(screenshots(), "dashboard-login");
      d.findElement(By.id("token")).sendKeys("not-the-token");
      d.findElement(By.cssSelector("button[type=submit]")).click();
      // the answer comes after the click: wait for it rather than look at once (CI caught the page before it)
      waitFor().until(() -> d.findElements(By.id("login-error")).stream()
          .anyMatch(e -> e.getText().contains("Wrong token")));
      assertThat(d.getPageSource()).doesNotContain("secret-output");
      d.get(base + "/dashboard/tasks");
      assertThat(d.getCurrentUrl()).isEqualTo(base + "/dashboard/login");

      d.findElement(By.id("token")).sendKeys(token);
      d.findElement(By.cssSelector("button[type=submit]")).click();
      waitFor().until(() -> d.getCurrentUrl().equals(base + "/dashboard/"));
      d.get(base + "/dashboard/tasks");
      waitFor().until(() -> d.findElements(By.cssSelector("#task-table td.cmd")).stream()
          .anyMatch(e -> e.getText().contains("secret-output")));
      assertThat(browser.requestedUrls()).noneMatch(u -> u.contains(token));
    }
  }
}
