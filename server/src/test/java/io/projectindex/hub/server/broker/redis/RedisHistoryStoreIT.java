package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.HistoryStoreContract;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.testing.FakeClock;
import io.projectindex.hub.server.testing.RedisServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history contract on Redis alone (no durable store), on a private redis-server, plus what
 * Redis-only history promises about trimming and lost data.
 */
class RedisHistoryStoreIT extends HistoryStoreContract {
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
        return RedisFixtures.store(vertx, redis.url(), clock, null, 10_000, Duration.ofDays(1000));
    }

    @Override
    protected long removed(CleanupResult r) {
        assertThat(r.databaseCleaned()).isZero();
        return r.memoryCleaned();
    }

    @Test
    void aLogTrimmedToItsMaximumReportsWhatLeftIt() {
        await(store.close());
        store = RedisFixtures.store(vertx, redis.url(), clock, null, 3, Duration.ofDays(1000));
        UUID p = UUID.randomUUID();
        List<AppendResult> stored = append(progress(p), progress(p), progress(p), progress(p), progress(p));
        ReadResult r = read(ReadRequest.afterOffset(p, 0, null, 100));
        assertThat(offsets(r.events())).containsExactly(3L, 4L, 5L);
        assertThat(r.removedThrough()).isEqualTo(2);
        assertThat(r.removedUntil()).isEqualTo(stored.get(1).event().timestamp());
        assertThat(r.completeAfter(1)).isFalse();
        assertThat(r.completeAfter(2)).isTrue();
    }

    @Test
    void aNodeThatDeliveredMoreThanRedisKnowsStartsANewEpochAndReusedOffsetsDoSoAlways() throws Exception {
        RedisHistoryStore redisStore = (RedisHistoryStore) store;
        UUID p = UUID.randomUUID();
        StreamPosition head = append(progress(p), progress(p), progress(p)).get(2).event().position();
        assertThat(await(redisStore.position(p, head))).as("Redis knows what was delivered").isEqualTo(head);
        StreamPosition behind = await(redisStore.position(p, new StreamPosition(head.epoch(), 9)));
        assertThat(behind.epoch()).as("Redis lost delivered writes: its history is not one stream any more")
                .isNotEqualTo(head.epoch());
        assertThat(behind.offset()).isZero();

        StreamPosition next = appendOne(progress(p)).position();
        StreamPosition forked = await(redisStore.position(p, next, true));
        assertThat(forked.epoch()).isNotEqualTo(next.epoch());
        assertThat(await(redisStore.position(p, next, true))).as("another node reporting the same fork changes nothing")
                .isEqualTo(forked);
    }

    @Test
    void losingRedisDataStartsANewEpochWhenThereIsNoDurableStore() throws Exception {
        UUID p = UUID.randomUUID();
        StreamPosition before = appendOne(progress(p)).position();
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
        StreamPosition after = await(store.position(p));
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(after.offset()).isZero();
        assertThat(appendOne(progress(p)).position()).isEqualTo(new StreamPosition(after.epoch(), 1));
    }
}
