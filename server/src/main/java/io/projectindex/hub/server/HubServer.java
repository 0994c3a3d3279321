package io.projectindex.hub.server;

import ch.qos.logback.classic.Level;
import io.projectindex.hub.server.audit.AuditLog;
import io.projectindex.hub.server.auth.Admission;
import io.projectindex.hub.server.auth.Authenticator;
import io.projectindex.hub.server.auth.JwtAuthenticator;
import io.projectindex.hub.server.broker.Broker;
import io.projectindex.hub.server.broker.Cluster;
import io.projectindex.hub.server.broker.LocalBroker;
import io.projectindex.hub.server.broker.LocalPresence;
import io.projectindex.hub.server.broker.LocalPublishLimiter;
import io.projectindex.hub.server.broker.PublishLimiter;
import io.projectindex.hub.server.broker.redis.RedisNode;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.delivery.QueueBudget;
import io.projectindex.hub.server.filter.GlobalFilters;
import io.projectindex.hub.server.hub.Hub;
import io.projectindex.hub.server.monitor.AlertNotifier;
import io.projectindex.hub.server.monitor.AlertRules;
import io.projectindex.hub.server.monitor.HubHealthChecks;
import io.projectindex.hub.server.monitor.HubMetrics;
import io.projectindex.hub.server.monitor.MemoryStatus;
import io.projectindex.hub.server.monitor.Monitor;
import io.projectindex.hub.server.monitor.WebhookNotifier;
import io.projectindex.hub.server.publish.Publisher;
import io.projectindex.hub.server.redact.Redaction;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.HistoryStores;
import io.projectindex.hub.server.time.HubClock;
import io.projectindex.hub.server.transport.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wires the hub by hand (no container) and runs it: history store, broker, fan-out, publisher,
 * and one {@link HttpVerticle} per event loop on a shared port. {@link #stop()} is the graceful
 * shutdown: stop admitting work, let in-flight publishes finish, send every connection a
 * {@code notice} and close it with 1001, then close the backends.
 */
public final class HubServer {
    private static final Logger log = LoggerFactory.getLogger(HubServer.class);

    private final Vertx vertx;
    private final HubServices services;
    private final List<HttpVerticle> verticles;
    private final List<String> deployments;
    private final long cleanupTimer;
    private final long monitorTimer;
    private final long healthTimer;
    private final int port;
    private Future<Void> stopping;

    private HubServer(Vertx vertx, HubServices services, List<HttpVerticle> verticles, List<String> deployments, int port) {
        this.vertx = vertx;
        this.services = services;
        this.verticles = verticles;
        this.deployments = deployments;
        this.port = port;
        long interval = services.config().history().cleanupInterval().toMillis();
        this.cleanupTimer = vertx.setPeriodic(interval, interval, id -> cleanup());
        // Sampling reads a few counters and /proc/self/status: on a worker, in order, off the event loops.
        long sample = services.config().monitoring().interval().toMillis();
        this.monitorTimer = vertx.setPeriodic(sample, sample, id -> vertx.executeBlocking(() -> services.monitor().tick(), true)
                .onFailure(t -> log.warn("monitoring sample failed: {}", t.toString())));
        long health = services.config().monitoring().healthCheckInterval().toMillis();
        this.healthTimer = vertx.setPeriodic(health, health, id -> services.monitor().checkHealth());
    }

    /** Starts a hub with the system clock. */
    public static Future<HubServer> start(HubConfig config) {
        return start(config, HubClock.SYSTEM);
    }

    public static Future<HubServer> start(HubConfig config, HubClock clock) {
        applyLogLevel(config.server().logLevel());
        checkBinding(config);
        Authenticator authenticator = JwtAuthenticator.create(config.auth(), clock);
        GlobalFilters globalFilters = GlobalFilters.from(config);
        Redaction redaction = Redaction.from(config);
        if (!redaction.isEmpty()) {
            log.info("redacting {} for {}", redaction.paths(), config.auth().enabled() ? "non-admin clients" : "every client");
        }
        AlertRules.from(config); // validates the alert_rules section before anything is started
        logAuthentication(config);
        int loops = config.server().effectiveEventLoops();
        HubMetrics metrics = new HubMetrics();
        QueueBudget queueBudget = new QueueBudget(config.delivery().totalQueueEvents());
        metrics.bindQueueSize(queueBudget::used);
        AuditLog audit = AuditLog.open(config.auth().auditDestination(), clock, config.server().nodeId(), metrics.registry());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
        Hub hub = new Hub();
        HistoryStore history;
        RedisNode redis;
        try {
            // Multi-node mode: Redis assigns positions and fans out; PostgreSQL (if any) is the shared durable tier.
            redis = config.redis().enabled() ? RedisNode.create(vertx, config, clock,
                    HistoryStores.openDurableForRedisBlocking(config, clock, metrics.registry()), hub) : null;
            history = redis != null ? redis.history() : createHistory(config, clock, metrics);
        } catch (RuntimeException e) {
            audit.close();
            vertx.close();
            throw e;
        }
        Broker broker = redis != null ? redis.broker() : new LocalBroker(history, hub);
        Cluster cluster = redis != null ? redis.cluster() : new Cluster(config.publish().rateLimited()
                ? new LocalPublishLimiter(clock, config.publish().rateLimitPerSecond(), config.publish().rateBurst())
                : PublishLimiter.NONE, new LocalPresence(config.server().nodeId()));
        Publisher publisher = new Publisher(broker, metrics, clock, history.backend());
        AlertNotifier notifier = config.monitoring().alertWebhookUrl()
                .<AlertNotifier>map(url -> new WebhookNotifier(url, metrics)).orElse(AlertNotifier.NONE);
        Monitor monitor = Monitor.create(config, clock, metrics, samples -> HubHealthChecks.standard(samples,
                config.monitoring().interval(), metrics::activeConnections, config.websocket().maxConnections(),
                history.backend(), () -> history.ping().toCompletionStage(),
                redis == null ? Optional.empty() : Optional.of(() -> broker.ping().toCompletionStage()), MemoryStatus::read),
                notifier);
        HubServices services = new HubServices(config, clock, history, broker, publisher, hub, metrics,
                authenticator, Admission.of(config.auth(), clock), audit, new AtomicInteger(), new Lifecycle(), monitor,
                globalFilters, redaction, queueBudget, new AtomicReference<>(CleanupResult.NONE), config.server().nodeId(),
                version(), cluster);

        List<HttpVerticle> verticles = new ArrayList<>();
        List<String> deployments = new ArrayList<>();
        // Every instance listens on the same port and Vert.x spreads accepted connections across
        // them. Port 0 is written as -1 so that all instances share one random port.
        int listenPort = config.server().port() == 0 ? -1 : config.server().port();
        // A JWKS is fetched before listening so the first clients are not refused for want of keys;
        // the fetch completes (successfully or not) within its own timeout.
        Future<Void> chain = authenticator instanceof JwtAuthenticator jwt
                ? Future.fromCompletionStage(jwt.ready()) : Future.succeededFuture();
        if (redis != null) {
            // Subscribed to the fan-out before the first client can subscribe (a subscribe reads a
            // position; every event after it must arrive through the channels).
            chain = chain.compose(v -> redis.start());
        }
        for (int i = 0; i < loops; i++) {
            HttpVerticle v = new HttpVerticle(services, i, listenPort);
            verticles.add(v);
            chain = chain.compose(x -> vertx.deployVerticle(v, new DeploymentOptions()).map(d -> {
                deployments.add(d);
                return null;
            }));
        }
        return chain.map(x -> new HubServer(vertx, services, verticles, deployments, verticles.get(0).actualPort()))
                .onSuccess(server -> log.info("hub {} {} listening on http://{}:{} (event loops={}, history={}, broker={}, auth={})",
                        services.nodeId(), services.version(), config.server().host(), server.port, loops,
                        history.backend(), broker.name(), services.authenticator().enabled() ? "on" : "off"))
                .recover(t -> {
                    audit.close();
                    return broker.close().eventually(history::close).eventually(vertx::close)
                            .transform(x -> Future.failedFuture(t));
                });
    }

    private static HistoryStore createHistory(HubConfig config, HubClock clock, HubMetrics metrics) {
        return HistoryStores.openBlocking(config, clock, metrics.registry());
    }

    /** Without authentication the hub only binds loopback addresses, unless told --insecure. */
    private static void checkBinding(HubConfig config) {
        if (config.auth().enabled()) {
            return;
        }
        String host = config.server().host();
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new ConfigException("HUB_HOST cannot be resolved, was '" + host + "'");
        }
        if (!loopback && !config.server().insecure()) {
            throw new ConfigException("HUB_HOST " + host + " is not a loopback address and authentication is off;"
                    + " configure authentication or pass --insecure (HUB_INSECURE=true) to serve it unauthenticated");
        }
        if (!loopback) {
            log.warn("serving {} WITHOUT authentication (--insecure): anyone who can reach it can read and publish", host);
        }
    }

    private static void logAuthentication(HubConfig config) {
        if (config.auth().enabled()) {
            log.info("authentication ON: tokens verified with {}; clock skew {} s; audit log: {}", config.auth().describe(),
                    config.auth().clockSkew().toSeconds(), config.auth().auditDestination());
        } else {
            log.info("authentication OFF: every client may read and publish every project, so the hub serves {}{}."
                            + " Set AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL to turn it on.",
                    config.server().host(), config.server().insecure() ? " (--insecure)" : " (loopback only)");
        }
    }

    private static void applyLogLevel(String level) {
        org.slf4j.Logger root = LoggerFactory.getLogger("io.projectindex");
        if (root instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(Level.toLevel(level, Level.INFO));
        }
    }

    static String version() {
        try (InputStream in = HubServer.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    private void cleanup() {
        services.history().cleanup(services.clock().now()).onSuccess(r -> {
            services.lastCleanup().set(r);
            services.metrics().cleanedFromMemory().increment(r.memoryCleaned());
            services.metrics().cleanedFromDatabase().increment(r.databaseCleaned());
            if (r.memoryCleaned() + r.databaseCleaned() > 0) {
                log.info("history cleanup removed {} events from memory, {} from the database", r.memoryCleaned(),
                        r.databaseCleaned());
            }
        }).onFailure(t -> log.warn("history cleanup failed: {}", t.toString()));
    }

    public int port() {
        return port;
    }

    public Vertx vertx() {
        return vertx;
    }

    public HubServices services() {
        return services;
    }

    public CleanupResult lastCleanup() {
        return services.lastCleanup().get();
    }

    /** Graceful shutdown; idempotent. */
    public synchronized Future<Void> stop() {
        if (stopping != null) {
            return stopping;
        }
        Duration grace = services.config().server().shutdownGrace();
        log.info("shutting down: draining publishes, closing {} connections", services.metrics().activeConnections());
        services.lifecycle().startDraining();
        vertx.cancelTimer(cleanupTimer);
        vertx.cancelTimer(monitorTimer);
        vertx.cancelTimer(healthTimer);
        Future<Void> publishes = withTimeout(services.publisher().drain(), grace, "in-flight publishes");
        stopping = publishes
                .compose(v -> Future.join(verticles.stream().map(HttpVerticle::closeConnections).toList()).mapEmpty())
                .compose(v -> withTimeout(connectionsClosed(), grace, "connections to close"))
                .compose(v -> undeployAll())
                .eventually(() -> services.cluster().presence().close())
                .eventually(() -> services.broker().close())
                .eventually(() -> services.history().close())
                .eventually(() -> vertx.close())
                .eventually(() -> {
                    services.audit().close();
                    return Future.succeededFuture();
                })
                .andThen(ar -> services.metrics().close())
                .onComplete(ar -> log.info("hub stopped"))
                .mapEmpty();
        return stopping;
    }

    private Future<Void> undeployAll() {
        Future<Void> chain = Future.succeededFuture();
        for (String id : deployments) {
            chain = chain.compose(v -> vertx.undeploy(id).otherwiseEmpty());
        }
        return chain;
    }

    private Future<Void> connectionsClosed() {
        Promise<Void> done = Promise.promise();
        vertx.setPeriodic(20, id -> {
            if (services.connectionSlots().get() <= 0) {
                vertx.cancelTimer(id);
                done.tryComplete();
            }
        });
        return done.future();
    }

    private Future<Void> withTimeout(Future<Void> f, Duration timeout, String what) {
        Promise<Void> p = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
            if (p.tryComplete()) {
                log.warn("shutdown: gave up waiting for {} after {} ms", what, timeout.toMillis());
            }
        });
        f.onComplete(ar -> {
            vertx.cancelTimer(timer);
            p.tryComplete();
        });
        return p.future();
    }
}
