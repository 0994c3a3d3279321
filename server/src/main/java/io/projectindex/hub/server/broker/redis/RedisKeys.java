package io.projectindex.hub.server.broker.redis;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Key and channel names of the Redis layout, partitioned by project.
 *
 * <p>Every project belongs to one of {@code partitions} partitions ({@link #partition}); all keys of
 * the projects of a partition and the partition's fan-out channel carry the partition's hash tag,
 * so in a Redis Cluster they share one slot. That is what lets one Lua script assign a project's
 * offsets, append to its log and publish the event on its partition's channel atomically (a
 * cluster script may only touch keys, and sharded channels, of its own slot). The tags are chosen
 * so the partitions' slots spread evenly over the 16,384 slots, hence over the cluster's nodes:
 * <pre>
 *   pih:{tag}:&lt;project&gt;:meta   hash: e epoch, t top offset, s last timestamp ms, rt/ru removed markers
 *   pih:{tag}:&lt;project&gt;:log    stream, entry id &lt;offset&gt;-0: m message, y type, s timestamp ms, x expiry ms
 *   pih:{tag}:id:&lt;event id&gt;      string: offset, timestamp, epoch, content hash (idempotency)
 *   pih:{tag}:projects           sorted set: projects of the partition by last write (cleanup walks it)
 *   pih:{tag}:events             the partition's fan-out channel
 *   pih:dl:&lt;event id&gt;            hash: delivery marks (Redis-only history)
 *   pih:config                   hash: layout settings all nodes must share
 * </pre>
 * Immutable, thread-safe.
 */
public final class RedisKeys {
    public static final String PREFIX = "pih:";
    private static final int SLOTS = 16_384;

    private final int partitions;
    private final String[] tags;

    public RedisKeys(int partitions) {
        if (partitions < 1 || partitions > 1024) {
            throw new IllegalArgumentException("partitions must be 1..1024, was " + partitions);
        }
        this.partitions = partitions;
        this.tags = new String[partitions];
        for (int p = 0; p < partitions; p++) {
            tags[p] = balancedTag(p, partitions);
        }
    }

    public int partitions() {
        return partitions;
    }

    /** The partition of a project; the same on every node (UUID hash codes are specified). */
    public int partition(UUID project) {
        return Math.floorMod(project.hashCode(), partitions);
    }

    /** The hash tag of partition {@code p}, braces included. */
    public String tag(int p) {
        return "{" + tags[p] + "}";
    }

    public String meta(UUID project) {
        return PREFIX + tag(partition(project)) + ":" + project + ":meta";
    }

    public String log(UUID project) {
        return PREFIX + tag(partition(project)) + ":" + project + ":log";
    }

    public String idempotency(UUID project, UUID eventId) {
        return PREFIX + tag(partition(project)) + ":id:" + eventId;
    }

    public String projects(int partition) {
        return PREFIX + tag(partition) + ":projects";
    }

    public String channel(int partition) {
        return PREFIX + tag(partition) + ":events";
    }

    public String channel(UUID project) {
        return channel(partition(project));
    }

    public static String deliveries(UUID eventId) {
        return PREFIX + "dl:" + eventId;
    }

    public static String config() {
        return PREFIX + "config";
    }

    /** The cluster slot of a key or channel (CRC16 of its hash tag, as Redis computes it). */
    public static int slot(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        int end = b.length;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '{') {
                for (int j = i + 1; j < b.length; j++) {
                    if (b[j] == '}') {
                        if (j > i + 1) {
                            start = i + 1;
                            end = j;
                        }
                        break;
                    }
                }
                break;
            }
        }
        return crc16(b, start, end) & (SLOTS - 1);
    }

    /** CRC16-CCITT (XModem), the checksum Redis Cluster hashes keys with. */
    static int crc16(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (b[i] & 0xff) << 8;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }

    /** The first tag {@code <p>.<k>} whose slot falls in partition p's share of the slot range. */
    private static String balancedTag(int p, int partitions) {
        int from = (int) ((long) p * SLOTS / partitions);
        int to = (int) ((long) (p + 1) * SLOTS / partitions);
        for (int k = 0; ; k++) {
            String tag = p + "." + k;
            int slot = slot("{" + tag + "}");
            if (slot >= from && slot < to) {
                return tag;
            }
        }
    }
}
