package io.projectindex.hub.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's one dispatcher thread: runs every task in the order it was posted. All client
 * state lives on this thread, and every listener callback and request future runs here.
 * Thread-safe (tasks may be posted from any thread).
 *
 * <p>The queue is bounded: frames are limited by the socket reader's demand (at most
 * {@code maxFrames} in the queue), tasks from application calls by {@code maxCalls}, and the
 * few lifecycle tasks (connection opened, closed, timers) by a fixed slack. A call over its limit
 * is refused (the caller fails its future); an internal task that does not fit is a bug and is
 * reported by {@link #post} returning false.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int LIFECYCLE_SLACK = 64;
    private static final Runnable STOP = () -> { };

    private final LinkedBlockingQueue<Runnable> queue;
    private final int maxCalls;
    private final AtomicInteger calls = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopping;

    Dispatcher(String name, int maxFrames, int maxCalls) {
        this.queue = new LinkedBlockingQueue<>(maxFrames + maxCalls + LIFECYCLE_SLACK);
        this.maxCalls = maxCalls;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean inDispatcher() {
        return Thread.currentThread() == thread;
    }

    /** Posts an internal task (a frame or a lifecycle step); false if stopped or (a bug) full. */
    boolean post(Runnable task) {
        if (stopping) {
            return false;
        }
        boolean ok = queue.offer(task);
        if (!ok) {
            log.error("dispatcher queue full ({} tasks): internal task dropped", queue.size());
        }
        return ok;
    }

    /** Posts a task for an application call; false if the client is stopping or {@code maxCalls} are waiting. */
    boolean submit(Runnable task) {
        if (stopping) {
            return false;
        }
        if (calls.incrementAndGet() > maxCalls) {
            calls.decrementAndGet();
            return false;
        }
        boolean ok = queue.offer(() -> {
            calls.decrementAndGet();
            task.run();
        });
        if (!ok) {
            calls.decrementAndGet();
        }
        return ok;
    }

    /** Tasks already posted still run; later posts are refused; then the thread ends. */
    void stop() {
        stopping = true;
        if (!queue.offer(STOP)) {
            thread.interrupt();
        }
    }

    private void loop() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                log.error("hub client: unexpected failure on the dispatcher thread", t);
            }
        }
    }
}
