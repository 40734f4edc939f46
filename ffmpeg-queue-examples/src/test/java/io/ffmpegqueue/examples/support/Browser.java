package io.ffmpegqueue.examples.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.TaskJson;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium driven by Selenium through Debian's {@code /usr/bin/chromedriver} (never a downloaded
 * driver), with the browser's performance log on, so a test can list every request the pages made.
 */
public final class Browser implements AutoCloseable {
  /** Debian's driver, installed with the {@code chromium-driver} package. */
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  /** Debian's browser. */
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final ChromeDriver driver;
  private final List<String> requested = new ArrayList<>();

  /** Starts a browser whose profile lives in {@code dir}. */
  public Browser(Path dir) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,900", "--no-first-run", "--disable-extensions", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("chromium-profile"));
    o.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().withLogFile(dir.resolve("chromedriver.log").toFile()).build();
    this.driver = new ChromeDriver(service, o);
  }

  /** Whether Debian's chromium and chromedriver are installed. */
  public static boolean installed() {
    return Files.isExecutable(DRIVER) && Files.isExecutable(CHROMIUM);
  }

  /** The driver. */
  public ChromeDriver driver() {
    return driver;
  }

  /** Every URL the pages requested so far (from the performance log's {@code Network.requestWillBeSent}). */
  public List<String> requestedUrls() {
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      try {
        JsonNode m = TaskJson.mapper().readTree(e.getMessage()).path("message");
        if (m.path("method").asText().equals("Network.requestWillBeSent")) {
          requested.add(m.at("/params/request/url").asText());
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return List.copyOf(requested);
  }

  /** Saves a screenshot of the page as {@code folder/name.png}, when {@code folder} is not {@code null}. */
  public void screenshot(Path folder, String name) {
    if (folder == null) {
      return;
    }
    try {
      Files.createDirectories(folder);
      File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(png.toPath(), folder.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
