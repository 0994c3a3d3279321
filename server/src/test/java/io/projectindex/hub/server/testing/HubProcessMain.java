package io.projectindex.hub.server.testing;

import io.projectindex.hub.server.HubServer;
import io.projectindex.hub.server.config.HubConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a hub in a process of its own, for tests that kill it: arguments are settings
 * ({@code NAME=value}, environment names); prints {@code HUB_PORT=<port>} once listening, then
 * runs until killed.
 */
public final class HubProcessMain {
    private HubProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("HUB_PORT", "0");
        settings.put("WEBSOCKET_LOG_LEVEL", "warn");
        for (String a : args) {
            int eq = a.indexOf('=');
            settings.put(a.substring(0, eq), a.substring(eq + 1));
        }
        HubServer server = HubServer.start(HubConfig.of(settings)).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        System.out.println("HUB_PORT=" + server.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
