package io.projectindex.hub.server.delivery;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node-wide bound on live events waiting in connections' outbound queues
 * ({@code WEBSOCKET_QUEUE_SIZE}). Every {@link OutboundQueue} of the node holds one unit per live
 * event it keeps waiting and returns it when the event is written, conflated away or dropped at
 * close. A queue that cannot get a unit closes its connection as a slow consumer (4008): memory
 * stays bounded however many connections fall behind at once. Events written straight to the
 * socket never touch the budget.
 *
 * <p>Thread-safe: shared by the connections of every event loop.
 */
public final class QueueBudget {
    private final int capacity;
    private final AtomicInteger used = new AtomicInteger();
    private final LongAdder refused = new LongAdder();

    public QueueBudget(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue budget must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Takes one unit if the budget has one left. */
    public boolean tryAcquire() {
        while (true) {
            int u = used.get();
            if (u >= capacity) {
                refused.increment();
                return false;
            }
            if (used.compareAndSet(u, u + 1)) {
                return true;
            }
        }
    }

    /** Returns {@code n} units taken earlier. */
    public void release(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot release " + n + " units");
        }
        if (n > 0) {
            used.addAndGet(-n);
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Live events waiting right now, across the node. */
    public int used() {
        return used.get();
    }

    /** Times a queue could not get a unit (each closed its connection with 4008). */
    public long refused() {
        return refused.sum();
    }

    @Override
    public String toString() {
        return "QueueBudget[" + used.get() + "/" + capacity + "]";
    }
}
