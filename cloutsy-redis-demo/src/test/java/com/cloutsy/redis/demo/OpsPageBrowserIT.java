package com.cloutsy.redis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The ops page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by Selenium
 * with both paths given, so nothing is looked up or downloaded): it shows UP, finds a user created through the API,
 * revokes one of their sessions with the button, and the API then refuses that session's token. Screenshots at a
 * desktop and a phone width go to {@code target/}. Skipped, saying why, only when no Chromium is installed.
 */
class OpsPageBrowserIT extends DemoContext {

  private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromium.driver", "/usr/bin/chromedriver"));
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void anOperatorSeesUpFindsAUserAndRevokesASessionWhoseTokenTheApiThenRefuses(@TempDir Path profile)
      throws IOException {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      tellTheConsole("SKIPPED the ops page browser test: no " + CHROMIUM + " or " + CHROMEDRIVER + ". Install"
          + " Debian's browser and driver with 'apt-get install -y chromium chromium-driver' (.ci/run does).");
    }
    assumeTrue(present, () -> "no " + CHROMIUM + " or " + CHROMEDRIVER
        + ": apt-get install -y chromium chromium-driver");
    DemoClient client = client();
    String phone = DemoClient.newPhone();
    DemoClient.Login phoneSession = client.loginWithPhone(phone, "pixel-8", "CloutsyApp/3.1 (Android 14)");
    DemoClient.Login laptopSession = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> client.loginWithPhone(phone, "work-laptop",
            "Mozilla/5.0 (X11; Linux x86_64) Chrome/141"), login -> true);

    WebDriver browser = start(profile);
    try {
      browser.get(client.base() + "/ops");
      waitFor(browser, page -> page.findElement(By.id("status")).getText().equals("UP"));
      waitFor(browser, page -> page.findElement(By.id("spark-caption")).getText().startsWith("PING latency over"));
      waitFor(browser, page -> !page.findElements(By.cssSelector("#keyspace tbody td.key")).isEmpty());

      browser.findElement(By.id("user-query")).sendKeys(phone);
      browser.findElement(By.id("user-lookup")).click();
      waitFor(browser, page -> sessionRows(page).size() == 2);
      assertThat(browser.findElement(By.id("user-meta")).getText()).contains(laptopSession.userId(), phone);
      assertThat(browser.findElement(By.id("sessions")).getText()).contains("work-laptop", "pixel-8",
          "CloutsyApp/3.1 (Android 14)");
      assertThat(horizontalOverflow(browser)).as("the desktop page fits its width").isFalse();
      screenshot(browser, "ops-page-desktop.png");

      browser.findElement(By.cssSelector("button.revoke[data-jti='" + laptopSession.jti() + "']")).click();
      waitFor(browser, page -> sessionRows(page).size() == 1);
      assertThat(sessionRows(browser).get(0).getAttribute("data-jti")).isEqualTo(phoneSession.jti());
      DemoClient.Response refused = client.get("/auth/sessions", laptopSession.token());
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.field("error")).isEqualTo("invalid_token");
      assertThat(client.get("/auth/sessions", phoneSession.token()).status()).isEqualTo(200);

      browser.findElement(By.id("clean-index")).click();
      waitFor(browser, page -> page.findElement(By.id("clean-result")).isDisplayed());
      assertThat(browser.findElement(By.id("clean-result")).getText())
          .isEqualTo("Index cleaned: 0 dead entries dropped, 0 sessions over the limit ended, 1 left.");
      assertThat(client.get("/auth/sessions", phoneSession.token()).status()).isEqualTo(200);

      browser.manage().window().setSize(new Dimension(390, 844));
      waitFor(browser, page -> ((Number) ((JavascriptExecutor) page).executeScript("return window.innerWidth"))
          .intValue() <= 400);
      assertThat(horizontalOverflow(browser)).as("the page fits a phone's width").isFalse();
      assertThat(browser.findElement(By.cssSelector("button.revoke")).isDisplayed()).isTrue();
      browser.manage().window().setSize(new Dimension(390, 2600));
      screenshot(browser, "ops-page-phone.png");
    } finally {
      browser.quit();
    }
  }

  /**
   * Writes a line to the test JVM's own standard error, which Maven shows on its console: the test's
   * {@code System.err} goes to a report file, where a skip would pass unnoticed.
   */
  private static void tellTheConsole(String line) {
    PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    console.println(line);
  }

  private static WebDriver start(Path profile) {
    ChromeDriverService driver = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions()
        .setBinary(CHROMIUM.toFile())
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile, "--window-size=1280,1000");
    return new ChromeDriver(driver, options);
  }

  private static List<WebElement> sessionRows(WebDriver page) {
    return page.findElements(By.cssSelector("#sessions tbody tr[data-jti]"));
  }

  private static boolean horizontalOverflow(WebDriver page) {
    return (Boolean) ((JavascriptExecutor) page).executeScript(
        "return document.documentElement.scrollWidth > window.innerWidth");
  }

  private static void waitFor(WebDriver browser, Function<WebDriver, Boolean> condition) {
    await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> condition.apply(browser));
  }

  private static void screenshot(WebDriver browser, String name) throws IOException {
    Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.createDirectories(Path.of("target"));
    Files.copy(shot, Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
  }
}
