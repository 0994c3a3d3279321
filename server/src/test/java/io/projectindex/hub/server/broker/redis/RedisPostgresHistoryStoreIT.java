package io.projectindex.hub.server.broker.redis;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.HistoryStoreContract;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.stream.jdbc.PostgresHistoryStore;
import io.projectindex.hub.server.testing.FakeClock;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TcpProxy;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The history contract on Redis in front of PostgreSQL, with a Redis log of only 4 events so that
 * most reads need the durable store; plus epoch continuity when Redis loses its data, and the
 * durable write that fails after Redis stored the event.
 */
class RedisPostgresHistoryStoreIT extends HistoryStoreContract {
    private static RedisServer redis;
    private static Vertx vertx;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        redis.close();
    }

    @Override
    protected HistoryStore newStore(FakeClock clock) throws Exception {
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
        return open(database().url());
    }

    private RedisHistoryStore open(String databaseUrl) {
        return RedisFixtures.store(vertx, redis.url(), clock,
                PostgresHistoryStore.openBlocking(databaseUrl, 4, clock, new SimpleMeterRegistry()), 4, Duration.ofHours(2));
    }

    @Override
    protected long removed(CleanupResult r) {
        return r.databaseCleaned();
    }

    @Test
    void losingRedisDataKeepsTheEpochAndOffsetsOfTheDurableStore() throws Exception {
        UUID p = UUID.randomUUID();
        List<AppendResult> before = append(progress(p), progress(p), progress(p), progress(p), progress(p), progress(p));
        String epoch = before.get(0).event().epoch();
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");

        assertThat(await(store.position(p))).isEqualTo(new StreamPosition(epoch, 6));
        assertThat(appendOne(progress(p)).position()).isEqualTo(new StreamPosition(epoch, 7));
        ReadResult all = read(ReadRequest.afterOffset(p, 0, null, 100));
        assertThat(offsets(all.events())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(all.head()).isEqualTo(new StreamPosition(epoch, 7));
        assertThat(all.completeAfter(0)).isTrue();

        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
        StoredEvent next = appendOne(progress(p));
        assertThat(next.position()).isEqualTo(new StreamPosition(epoch, 8));
        assertThat(append(before.get(2).event().source()).get(0).duplicate())
                .as("ids published before Redis lost its data are unknown to it: a republish is a new event").isFalse();
    }

    @Test
    void offsetsRedisHandsOutAgainAfterLosingWritesAreRefusedAndTheStreamMovesPastTheDurableTop() throws Exception {
        UUID p = UUID.randomUUID();
        List<AppendResult> before = append(progress(p), progress(p), progress(p), progress(p), progress(p), progress(p));
        String epoch = before.get(0).event().epoch();
        // Redis comes back with older data (a snapshot, a failover before replication): top 3.
        RedisKeys keys = new RedisKeys(16);
        assertThat(redis.command("HSET " + keys.meta(p) + " t 3")).isEqualTo(":0");
        assertThat(redis.command("DEL " + keys.log(p))).isEqualTo(":1");

        NewEvent reused = progress(p);
        assertThatThrownBy(() -> append(reused)).isInstanceOf(HistoryUnavailableException.class)
                .hasMessageContaining("already taken in durable history");
        StoredEvent again = append(reused).get(0).event();
        assertThat(again.position()).as("its republish gets an offset past the durable top").isEqualTo(new StreamPosition(epoch, 7));
        ReadResult all = read(ReadRequest.afterOffset(p, 0, null, 100));
        assertThat(all.events()).extracting(StoredEvent::id).containsExactly(before.get(0).event().id(),
                before.get(1).event().id(), before.get(2).event().id(), before.get(3).event().id(),
                before.get(4).event().id(), before.get(5).event().id(), reused.id());
    }

    @Test
    void aTopThatWentBackWhileTheLogKeptLaterOffsetsIsMovedPastThem() throws Exception {
        UUID p = UUID.randomUUID();
        StreamPosition last = append(progress(p), progress(p), progress(p)).get(2).event().position();
        RedisKeys keys = new RedisKeys(16);
        assertThat(redis.command("HSET " + keys.meta(p) + " t 1")).isEqualTo(":0");
        assertThat(appendOne(progress(p)).position()).isEqualTo(new StreamPosition(last.epoch(), 4));
    }

    @Test
    void aFailedDurableWriteIsA503AndARepublishWithTheSameIdsCompletesIt() throws Exception {
        try (TcpProxy proxy = new TcpProxy(5432)) {
            await(store.close());
            store = open("postgresql://postgres@127.0.0.1:" + proxy.port() + "/" + database().name());
            UUID p = UUID.randomUUID();
            StoredEvent first = appendOne(progress(p));
            proxy.cut();
            NewEvent second = progress(p);
            announced.clear();
            assertThatThrownBy(() -> append(second)).isInstanceOf(HistoryUnavailableException.class)
                    .hasMessageContaining("stored in Redis and delivered");
            assertThat(offsets(announced)).as("fanned out before the durable write").containsExactly(2L);
            proxy.restore();

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> append(second).get(0).duplicate());
            AppendResult again = append(second).get(0);
            assertThat(again.event().position()).isEqualTo(new StreamPosition(first.epoch(), 2));
            // Past the 4 events Redis keeps, the read comes from PostgreSQL alone.
            for (int i = 0; i < 5; i++) {
                appendOne(progress(p));
            }
            ReadResult fromDurable = read(ReadRequest.afterOffset(p, 0, null, 3));
            assertThat(offsets(fromDurable.events())).containsExactly(1L, 2L, 3L);
            assertThat(fromDurable.events().get(1).id()).isEqualTo(second.id());
        }
    }
}
