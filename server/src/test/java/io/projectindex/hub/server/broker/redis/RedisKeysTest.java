package io.projectindex.hub.server.broker.redis;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Key layout: Redis Cluster slots, balanced partition tags, one slot per project's keys. */
class RedisKeysTest {

    @Test
    void slotsAreComputedAsRedisClusterDoesIncludingHashTags() {
        // Values from CLUSTER KEYSLOT on redis-server 7.0.
        assertThat(RedisKeys.slot("foo")).isEqualTo(12182);
        assertThat(RedisKeys.slot("{p1}")).isEqualTo(11819);
        assertThat(RedisKeys.slot("pih:{p2}:x")).isEqualTo(7752);
        assertThat(RedisKeys.slot("x{p2}y{p1}")).isEqualTo(RedisKeys.slot("{p2}"));
    }

    @Test
    void everyPartitionTagFallsInItsOwnShareOfTheSlots() {
        for (int partitions : new int[]{1, 3, 16, 128, 1024}) {
            RedisKeys keys = new RedisKeys(partitions);
            Set<Integer> slots = new HashSet<>();
            for (int p = 0; p < partitions; p++) {
                int slot = RedisKeys.slot(keys.tag(p));
                assertThat(slot).isBetween(p * 16384 / partitions, (p + 1) * 16384 / partitions - 1);
                slots.add(slot);
            }
            assertThat(slots).hasSize(partitions);
        }
    }

    @Test
    void allKeysOfAProjectAndItsChannelShareOneSlot() {
        RedisKeys keys = new RedisKeys(16);
        UUID project = UUID.fromString("9a1b2c3d-0000-4000-8000-000000000002");
        int slot = RedisKeys.slot(keys.meta(project));
        assertThat(RedisKeys.slot(keys.log(project))).isEqualTo(slot);
        assertThat(RedisKeys.slot(keys.idempotency(project, UUID.randomUUID()))).isEqualTo(slot);
        assertThat(RedisKeys.slot(keys.channel(project))).isEqualTo(slot);
        assertThat(RedisKeys.slot(keys.projects(keys.partition(project)))).isEqualTo(slot);
        assertThat(keys.partition(project)).as("stable across nodes").isEqualTo(Math.floorMod(project.hashCode(), 16));
    }
}
