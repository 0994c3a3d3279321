package io.projectindex.hub.server.stream;

import java.time.Instant;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Events of one project in offset order, in a growable circular array: append at the end,
 * evict from the front, binary search by offset or timestamp (timestamps never go backwards),
 * and removal of arbitrary events (expiry) by compaction. Not thread-safe.
 */
final class OffsetLog {
    private StoredEvent[] items = new StoredEvent[8];
    private int head;
    private int size;

    int size() {
        return size;
    }

    StoredEvent get(int i) {
        return items[(head + i) & (items.length - 1)];
    }

    StoredEvent first() {
        return size == 0 ? null : get(0);
    }

    void add(StoredEvent e) {
        if (size == items.length) {
            grow();
        }
        items[(head + size) & (items.length - 1)] = e;
        size++;
    }

    StoredEvent removeFirst() {
        StoredEvent e = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return e;
    }

    /** Index of the first event with offset > {@code offset} (size if none). */
    int indexAfterOffset(long offset) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (get(mid).offset() <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the first event with timestamp strictly after {@code time} (size if none). */
    int indexAfterTime(Instant time) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (!get(mid).timestamp().isAfter(time)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Removes every event matching {@code remove}, calling {@code removed} for each; keeps order. */
    int removeIf(Predicate<StoredEvent> remove, java.util.function.Consumer<StoredEvent> removed) {
        StoredEvent[] kept = new StoredEvent[items.length];
        int n = 0;
        int count = 0;
        for (int i = 0; i < size; i++) {
            StoredEvent e = get(i);
            if (remove.test(e)) {
                removed.accept(e);
                count++;
            } else {
                kept[n++] = e;
            }
        }
        if (count > 0) {
            items = kept;
            head = 0;
            size = n;
        }
        return count;
    }

    private void grow() {
        StoredEvent[] bigger = new StoredEvent[items.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        Arrays.fill(items, null);
        items = bigger;
        head = 0;
    }
}
