package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.delivery.InboundLimiter.Decision;
import io.projectindex.hub.server.delivery.InboundLimiter.Verdict;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InboundLimiterTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void aFloodGetsRateLimitedWithARetryHintAndThenIsClosedWith4029() {
        // defaults: 50 messages/s, burst 100, 20 rejections within 10 s is abuse
        InboundLimiter limiter = InboundLimiter.of(HubConfig.of(Map.of()).websocket(), clock);

        for (int i = 0; i < 100; i++) {
            assertThat(limiter.onMessage()).as("message %d of the burst", i).isEqualTo(Decision.ACCEPTED);
        }
        Decision first = limiter.onMessage();
        assertThat(first.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(first.retryAfterMillis()).as("one token at 50/s").isEqualTo(20);

        for (int i = 2; i < 20; i++) {
            clock.advanceMillis(1);
            assertThat(limiter.onMessage().verdict()).as("rejection %d", i).isEqualTo(Verdict.REJECT);
        }
        clock.advanceMillis(1);
        assertThat(limiter.onMessage().verdict()).isEqualTo(Verdict.CLOSE);
        assertThat(limiter.rejected()).isEqualTo(20);

        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.onMessage().verdict()).as("the close verdict stays").isEqualTo(Verdict.CLOSE);
    }

    @Test
    void theRetryHintSaysWhenTheNextMessageWillBeAccepted() {
        InboundLimiter limiter = new InboundLimiter(4.0, 1, 100, Duration.ofSeconds(10), clock);
        assertThat(limiter.onMessage()).isEqualTo(Decision.ACCEPTED);

        clock.advanceMillis(100);
        Decision d = limiter.onMessage();
        assertThat(d).isEqualTo(new Decision(Verdict.REJECT, 150));

        clock.advanceMillis(149);
        assertThat(limiter.onMessage().retryAfterMillis()).isEqualTo(1);
        clock.advanceMillis(1);
        assertThat(limiter.onMessage()).isEqualTo(Decision.ACCEPTED);
    }

    @Test
    void occasionalRejectionsSpreadOverTimeAreNotAbuse() {
        InboundLimiter limiter = new InboundLimiter(1.0, 1, 3, Duration.ofSeconds(10), clock);
        for (int round = 0; round < 10; round++) {
            assertThat(limiter.onMessage().verdict()).isEqualTo(Verdict.ACCEPT);
            assertThat(limiter.onMessage().verdict()).as("round %d", round).isEqualTo(Verdict.REJECT);
            clock.advanceMillis(6_000);
        }
        assertThat(limiter.rejected()).isEqualTo(10);
        assertThat(limiter.abusive()).isFalse();
    }

    @Test
    void theAbuseWindowSlidesOverTheLastRejections() {
        InboundLimiter limiter = new InboundLimiter(0.001, 1, 3, Duration.ofSeconds(10), clock);
        limiter.onMessage();
        assertThat(limiter.onMessage().verdict()).isEqualTo(Verdict.REJECT); // t=0
        clock.advanceMillis(6_000);
        assertThat(limiter.onMessage().verdict()).isEqualTo(Verdict.REJECT); // t=6
        clock.advanceMillis(6_000);
        assertThat(limiter.onMessage().verdict()).as("3 within 12 s, not 10").isEqualTo(Verdict.REJECT); // t=12
        clock.advanceMillis(1_000);
        assertThat(limiter.onMessage().verdict()).as("t=6,12,13 within 10 s").isEqualTo(Verdict.CLOSE);
    }

    @Test
    void aZeroRateMeansUnlimited() {
        InboundLimiter limiter = new InboundLimiter(0, 1, 1, Duration.ofSeconds(1), clock);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.onMessage()).isEqualTo(Decision.ACCEPTED);
        }
    }
}
