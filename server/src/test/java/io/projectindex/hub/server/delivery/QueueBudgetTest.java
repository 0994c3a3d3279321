package io.projectindex.hub.server.delivery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class QueueBudgetTest {

    @Test
    void theBudgetNeverHandsOutMoreThanItsCapacityAcrossThreads() throws InterruptedException {
        QueueBudget budget = new QueueBudget(1000);
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                int held = 0;
                for (int i = 0; i < 200_000; i++) {
                    if (held < 400 && budget.tryAcquire()) {
                        held++;
                        granted.incrementAndGet();
                        maxSeen.accumulateAndGet(budget.used(), Math::max);
                    } else if (held > 0) {
                        budget.release(1);
                        held--;
                    }
                }
                budget.release(held);
            });
            threads.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(maxSeen.get()).isLessThanOrEqualTo(1000);
        assertThat(granted.get()).isGreaterThan(1000);
        assertThat(budget.refused()).as("four threads wanting 400 each hit the bound").isPositive();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aFullBudgetRefusesUntilAUnitIsReturned() {
        QueueBudget budget = new QueueBudget(2);
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.tryAcquire()).isFalse();
        budget.release(1);
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.refused()).isEqualTo(1);
    }
}
