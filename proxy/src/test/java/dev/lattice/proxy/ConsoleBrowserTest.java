package dev.lattice.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lattice.proxy.console.ConsoleServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (headless Chromium through Selenium): log in, watch a paused
 * replica fall behind and catch up after its buttons are clicked, and see a session wait for
 * another's lock. Each step leaves a screenshot under target/console-screenshots/; with
 * -Dlattice.refreshDocs=true the lock step also refreshes docs/console.png, the README's picture.
 * In CI it must run; elsewhere it skips when Chromium is not installed.
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final Path README_SHOT = Path.of("..", "docs", "console.png");
    private static final List<String> LEVELS = List.of("EVENTUAL", "CAUSAL", "READ_YOUR_WRITES", "STRONG",
            "LINEARIZABLE");

    private static RunningProxy proxy;
    private static ConsoleServer console;
    private static WebDriver browser;
    private static Path profile;
    private static final AtomicBoolean trafficOn = new AtomicBoolean(true);
    private static final AtomicLong writes = new AtomicLong();
    private static final List<Thread> traffic = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("CI") != null) {
            assertTrue(present, "CI must run the console's browser test: install Debian's chromium and chromium-driver"
                    + " (.ci/run does)");
        }
        Assumptions.assumeTrue(present, "ConsoleBrowserTest skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                + " is missing (apt-get install chromium chromium-driver)");
        proxy = RunningProxy.start("console-browser", Map.of("cluster",
                Map.of("url", "jdbc:lattice:mem:console-browser;NON_KEYWORDS=VALUE?replicas=2&lockTimeout=60000")));
        console = ConsoleServer.start(proxy.server, "127.0.0.1", 0);
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("create table orders (id int primary key, amount int)");
            for (int i = 1; i <= 20; i++) {
                s.execute("insert into orders values (" + i + ", " + i * 10 + ")");
            }
        }
        startTraffic();
        Files.createDirectories(SHOTS);
        profile = Files.createTempDirectory("lattice-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1480,1650", "--hide-scrollbars",
                "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** Reads at a few levels and a trickle of writes, so the charts and lag have something to show. */
    private static void startTraffic() {
        for (String level : LEVELS) {
            traffic.add(daemon(() -> work(level, false)));
        }
        traffic.add(daemon(() -> work("CAUSAL", true)));
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "console-traffic");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void work(String level, boolean writer) {
        try (Connection c = proxy.connect(); Statement s = c.createStatement()) {
            s.execute("SET CONSISTENCY " + level);
            int i = 0;
            while (trafficOn.get()) {
                i++;
                if (writer) {
                    s.executeUpdate("update orders set amount = amount + 1 where id = " + (1 + i % 19));
                    writes.incrementAndGet();
                    Thread.sleep(20);
                } else {
                    s.executeQuery("select amount from orders where id = " + (1 + i % 19)).close();
                    Thread.sleep(level.equals("EVENTUAL") ? 4 : 12);
                }
            }
        } catch (SQLException | InterruptedException e) {
            if (trafficOn.get()) {
                throw new IllegalStateException(e);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        trafficOn.set(false);
        for (Thread t : traffic) {
            t.join(5000);
        }
        if (browser != null) {
            browser.quit();
        }
        if (console != null) {
            console.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    }

    private static void shot(String name) throws IOException {
        File f = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static WebElement card(String node) {
        return browser.findElement(By.cssSelector("article.node[data-node='" + node + "']"));
    }

    private static long lag(String node) {
        String v = card(node).getAttribute("data-lag");
        return v == null || v.isEmpty() ? -1 : Long.parseLong(v);
    }

    private static double barWidth(String node) {
        String w = card(node).findElement(By.cssSelector(".bar-fill")).getAttribute("style");
        int at = w.indexOf("width:");
        return at < 0 ? 0 : Double.parseDouble(w.substring(at + 6, w.indexOf('%', at)).trim());
    }

    @Test
    void anOperatorLogsInPausesAReplicaWatchesItsLagAndSeesALockWait() throws Exception {
        browser.get("http://127.0.0.1:" + console.port() + "/");
        waiting(15).until(d -> d.findElement(By.id("login-form")).isDisplayed());
        shot("01-login");

        // a wrong password is refused on the page
        browser.findElement(By.id("user")).sendKeys("lattice");
        browser.findElement(By.id("password")).sendKeys("nope");
        browser.findElement(By.id("login-button")).click();
        waiting(10).until(d -> !d.findElement(By.id("login-error")).getText().isEmpty());

        browser.findElement(By.id("password")).sendKeys("lattice");
        browser.findElement(By.id("login-button")).click();
        waiting(15).until(d -> d.findElements(By.cssSelector("article.node")).size() == 3);
        assertEquals(List.of("PRIMARY", "REPLICA", "REPLICA"), browser.findElements(By.cssSelector("article.node .role"))
                .stream().map(WebElement::getText).toList());
        // let the routing charts gather a few seconds of history
        waiting(20).until(d -> d.findElements(By.cssSelector(".level[data-level='EVENTUAL'] svg path")).size() >= 3);
        Thread.sleep(3000);
        shot("02-cluster");

        // pause replica1 with its button; writes go on, so its lag bar grows and its state reads PAUSED
        String replica = "replica1";
        card(replica).findElement(By.cssSelector("button.pause")).click();
        waiting(10).until(d -> "PAUSED".equals(card(replica).getAttribute("data-state")));
        assertEquals("PAUSED", card(replica).findElement(By.cssSelector(".state")).getText());
        waiting(20).until(d -> lag(replica) > 0 && barWidth(replica) > 0);
        double first = barWidth(replica);
        long firstLag = lag(replica);
        waiting(20).until(d -> lag(replica) > firstLag + 20 && barWidth(replica) > first);
        Thread.sleep(600); // the bar's width eases in over half a second
        shot("03-replica-paused");
        assertEquals("ONLINE", card("replica2").getAttribute("data-state"));

        // resume it: the lag goes back to zero and the bar empties
        card(replica).findElement(By.cssSelector("button.resume")).click();
        waiting(20).until(d -> "ONLINE".equals(card(replica).getAttribute("data-state")) && lag(replica) == 0
                && barWidth(replica) == 0);
        Thread.sleep(600);
        shot("04-replica-resumed");

        // two SERIALIZABLE sessions: one holds an X lock on a row in an open transaction, the other waits for it
        try (Connection holder = proxy.connect(); Connection waiter = proxy.connect()) {
            for (Connection conn : List.of(holder, waiter)) {
                try (Statement s = conn.createStatement()) {
                    s.execute("SET CONSISTENCY SERIALIZABLE");
                }
                conn.setAutoCommit(false);
            }
            try (Statement s = holder.createStatement()) {
                s.executeUpdate("update orders set amount = 0 where id = 20");
            }
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try (Statement s = waiter.createStatement()) {
                    return s.executeUpdate("update orders set amount = 1 where id = 20");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            waiting(20).until(d -> !d.findElements(By.cssSelector("#sessions tr[data-state='waiting']")).isEmpty()
                    && !d.findElements(By.cssSelector("#edges .edge")).isEmpty());
            WebElement row = browser.findElement(By.cssSelector("#sessions tr[data-state='waiting']"));
            assertTrue(row.getText().contains("update orders set amount = 1 where id = 20"), row.getText());
            assertTrue(row.getText().contains("X on"), row.getText());
            WebElement edge = browser.findElement(By.cssSelector("#edges .edge"));
            assertEquals(row.getAttribute("data-session"), edge.getAttribute("data-waiter"));
            assertTrue(browser.findElement(By.id("locks")).getText().contains("WAITING"));
            // for the README: a lock wait and a replica behind, in one picture
            card("replica2").findElement(By.cssSelector("button.pause")).click();
            waiting(20).until(d -> lag("replica2") > 30);
            Thread.sleep(1200);
            shot("05-lock-wait");
            if (Boolean.getBoolean("lattice.refreshDocs")) {
                // only on request: a test run must not change a tracked file
                Files.createDirectories(README_SHOT.getParent());
                Files.copy(SHOTS.resolve("05-lock-wait.png"), README_SHOT, StandardCopyOption.REPLACE_EXISTING);
            }
            card("replica2").findElement(By.cssSelector("button.resume")).click();

            holder.commit();
            assertEquals(1, blocked.get(20, TimeUnit.SECONDS));
            waiter.commit();
            waiting(20).until(d -> d.findElements(By.cssSelector("#sessions tr[data-state='waiting']")).isEmpty()
                    && d.findElements(By.cssSelector("#edges .edge")).isEmpty());
            shot("06-lock-released");
        }
    }
}
