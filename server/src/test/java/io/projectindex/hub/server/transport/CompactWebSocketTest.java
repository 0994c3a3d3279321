package io.projectindex.hub.server.transport;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.impl.WebSocketImplBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the reflective swap in {@link CompactWebSocket}: if a Vert.x upgrade renames the fields or
 * the direct queue, this fails at build time instead of the hub silently using more memory.
 */
class CompactWebSocketTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theSwapIsAvailableWithThePinnedVertx() {
        assertThat(CompactWebSocket.available()).isTrue();
    }

    @ParameterizedTest(name = "through a Vert.x Web router: {0}")
    @ValueSource(booleans = {false, true})
    void anAcceptedWebSocketGetsTheDirectQueueAndStillCarriesFramesBothWays(boolean throughRouter) throws Exception {
        CompletableFuture<String> before = new CompletableFuture<>();
        CompletableFuture<String> after = new CompletableFuture<>();
        CompletableFuture<Boolean> swapped = new CompletableFuture<>();
        CompletableFuture<Boolean> factoryBefore = new CompletableFuture<>();
        CompletableFuture<Boolean> factoryAfter = new CompletableFuture<>();
        Handler<HttpServerRequest> upgrade = request -> request.toWebSocket().onSuccess(ws -> {
            before.complete(queueType(ws));
            factoryBefore.complete(keepsFactory(ws));
            swapped.complete(CompactWebSocket.compact(ws));
            after.complete(queueType(ws));
            factoryAfter.complete(keepsFactory(ws));
            ws.textMessageHandler(text -> ws.writeTextMessage("echo:" + text));
        });
        Handler<HttpServerRequest> handler = upgrade;
        if (throughRouter) {
            Router router = Router.router(vertx);
            router.route("/").handler(routing -> upgrade.handle(routing.request()));
            handler = router;
        }
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
                .requestHandler(handler);
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();

        WebSocketClient client = vertx.createWebSocketClient();
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/"))
                .onSuccess(ws -> {
                    ws.textMessageHandler(text -> {
                        received.add(text);
                        if (received.size() == 3) {
                            done.complete(null);
                        }
                    });
                    ws.writeTextMessage("a");
                    ws.writeTextMessage("b");
                    ws.writeTextMessage("c");
                })
                .onFailure(done::completeExceptionally);
        done.get(10, TimeUnit.SECONDS);

        assertThat(before.get()).endsWith("InternalMessageChannel");
        assertThat(swapped.get()).isTrue();
        assertThat(after.get()).endsWith("DirectOutboundMessageQueue");
        assertThat(factoryBefore.get()).as("the handler keeps the handshake factory before").isTrue();
        assertThat(factoryAfter.get()).as("the handler keeps the handshake factory after").isFalse();
        assertThat(received).containsExactly("echo:a", "echo:b", "echo:c");
    }

    private static String queueType(ServerWebSocket ws) {
        try {
            Field queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
            queue.setAccessible(true);
            return queue.get(connection(ws)).getClass().getName();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean keepsFactory(ServerWebSocket ws) {
        try {
            Field factory = VertxHandler.class.getDeclaredField("connectionFactory");
            factory.setAccessible(true);
            return factory.get(connection(ws).channelHandlerContext().handler()) != null;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static VertxConnection connection(ServerWebSocket ws) throws ReflectiveOperationException {
        while (!(ws instanceof WebSocketImplBase)) {
            Field delegate = ws.getClass().getDeclaredField("delegate");
            delegate.setAccessible(true);
            ws = (ServerWebSocket) delegate.get(ws);
        }
        Field conn = WebSocketImplBase.class.getDeclaredField("conn");
        conn.setAccessible(true);
        return (VertxConnection) conn.get(ws);
    }
}
