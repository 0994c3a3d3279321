package io.projectindex.hub.server.testing;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Headless Debian Chromium driven by chromedriver, for browser tests. Needs the packages
 * {@code chromium} and {@code chromium-driver}; on a machine without them it installs them with
 * apt-get once (as {@code .ci/run} does), so {@code ./mvnw verify} works on a fresh machine.
 */
public final class Browser {
    private Browser() {
    }

    private static synchronized void install() {
        try {
            System.err.println("browser tests: installing chromium and chromium-driver with apt-get");
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y -q"
                    + " chromium chromium-driver || (apt-get update -q && DEBIAN_FRONTEND=noninteractive"
                    + " apt-get install -y -q chromium chromium-driver)").inheritIO();
            pb.start().waitFor();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot install chromium", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static ChromeDriver start() {
        File chromium = new File("/usr/bin/chromium");
        File driver = new File("/usr/bin/chromedriver");
        if (!chromium.canExecute() || !driver.canExecute()) {
            install();
        }
        if (!chromium.canExecute() || !driver.canExecute()) {
            throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver"
                    + " (apt-get install chromium chromium-driver; .ci/run does it)");
        }
        try {
            Path profile = Files.createTempDirectory("chromium-profile");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver)
                    .usingAnyFreePort().build();
            return new ChromeDriver(service, options);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
