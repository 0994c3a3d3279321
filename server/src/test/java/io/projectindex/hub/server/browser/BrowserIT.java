package io.projectindex.hub.server.browser;

import io.projectindex.hub.server.testing.Browser;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A real browser: the original design's client snippet works unchanged, and the dashboard shows live events. */
class BrowserIT {
    private static TestHub hub;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOriginalDesignsBrowserSnippetReceivesExactlyTheSubscribedEvents() {
        UUID project = UUID.randomUUID();
        browser.get(hub.baseUrl() + "/");
        String snippet = """
                window.received = [];
                const ws = new WebSocket('ws://127.0.0.1:%d/api/v1/project-index/websocket');
                ws.onopen = function(event) {
                    ws.send(JSON.stringify({
                        action: 'subscribe',
                        event_types: ['project_index_updated', 'analysis_progress'],
                        project_id: '%s'
                    }));
                };
                ws.onmessage = function(event) {
                    const message = JSON.parse(event.data);
                    switch (message.type) {
                        case 'project_index_updated': window.received.push('updated:' + message.data.status); break;
                        case 'analysis_progress': window.received.push('progress:' + message.data.progress_percentage); break;
                        case 'dependency_changed': window.received.push('dependency'); break;
                        case 'context_optimized': window.received.push('context'); break;
                        case 'subscription_ack': window.subscribed = true; break;
                    }
                };
                """.formatted(hub.port(), project);
        ((JavascriptExecutor) browser).executeScript(snippet);
        waiting().until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.subscribed === true")));
        hub.publish(Events.progress(project, UUID.randomUUID(), 50));
        hub.publish(Events.dependency(project, "src/a.py"));
        hub.publish(Events.updated(UUID.randomUUID()));
        hub.publish(Events.context(project));
        hub.publish(Events.updated(project));
        waiting().until(d -> ((List<Object>) ((JavascriptExecutor) d).executeScript("return window.received")).size() >= 2);
        List<Object> got = (List<Object>) ((JavascriptExecutor) browser).executeScript("return window.received");
        assertThat(got).containsExactly("progress:50", "updated:completed");
    }

    @Test
    void theDashboardShowsLiveEventsForAProject() {
        UUID project = UUID.randomUUID();
        browser.get(hub.baseUrl() + "/?project=" + project);
        waiting().until(d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
        waiting().until(d -> d.findElement(By.id("subscription")).getText().contains(project.toString()));
        UUID session = UUID.randomUUID();
        hub.publish(Events.progress(project, session, 40));
        hub.publish(Events.dependency(project, "src/x.py"));
        hub.publish(Events.dependency(UUID.randomUUID(), "src/other.py"));
        waiting().until(d -> d.findElement(By.cssSelector("#counts tr[data-type=dependency_changed] .live")).getText().equals("1"));
        assertThat(browser.findElement(By.cssSelector("#counts tr[data-type=analysis_progress] .live")).getText()).isEqualTo("1");
        assertThat(browser.findElement(By.id("session-" + session)).getText()).contains("40%");
        assertThat(browser.findElement(By.id("feed")).getText()).contains("modified src/x.py").doesNotContain("other.py");
        assertThat(browser.findElement(By.id("position")).getText()).endsWith(":2");
        waiting().until(d -> "ready".equals(d.findElement(By.id("ready")).getText()));
    }
}
