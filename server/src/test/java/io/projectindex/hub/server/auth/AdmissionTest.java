package io.projectindex.hub.server.auth;

import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.projectindex.hub.server.auth.Admission.Verdict.ADMITTED;
import static io.projectindex.hub.server.auth.Admission.Verdict.RATE_LIMITED;
import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void anAddressGetsItsBurstThenTheRefillRate() {
        Admission a = new Admission(clock, 2, 3, true, 0, 100);
        assertThat(a.handshake("203.0.113.7", false)).isEqualTo(ADMITTED);
        assertThat(a.handshake("203.0.113.7", false)).isEqualTo(ADMITTED);
        assertThat(a.handshake("203.0.113.7", false)).isEqualTo(ADMITTED);
        assertThat(a.handshake("203.0.113.7", false)).isEqualTo(RATE_LIMITED);
        assertThat(a.retryAfterMillis("203.0.113.7")).isEqualTo(500);
        assertThat(a.handshake("198.51.100.1", false)).as("other addresses have their own bucket").isEqualTo(ADMITTED);

        clock.advanceMillis(499);
        assertThat(a.handshake("203.0.113.7", false)).isEqualTo(RATE_LIMITED);
        clock.advanceMillis(1);
        assertThat(a.handshake("203.0.113.7", false)).isEqualTo(ADMITTED);
        assertThat(a.handshake("203.0.113.7", false)).isEqualTo(RATE_LIMITED);
    }

    @Test
    void loopbackClientsAreExemptUnlessConfigured() {
        Admission exempt = new Admission(clock, 1, 1, false, 0, 100);
        for (int i = 0; i < 10; i++) {
            assertThat(exempt.handshake("127.0.0.1", true)).isEqualTo(ADMITTED);
        }
        Admission limited = new Admission(clock, 1, 1, true, 0, 100);
        assertThat(limited.handshake("127.0.0.1", true)).isEqualTo(ADMITTED);
        assertThat(limited.handshake("127.0.0.1", true)).isEqualTo(RATE_LIMITED);
    }

    @Test
    void rateZeroMeansUnlimited() {
        Admission a = new Admission(clock, 0, 1, true, 0, 100);
        for (int i = 0; i < 100; i++) {
            assertThat(a.handshake("203.0.113.7", false)).isEqualTo(ADMITTED);
        }
        assertThat(a.trackedAddresses()).isZero();
    }

    @Test
    void aFullAddressTableForgetsRefilledAddressesAndOtherwiseRefusesNewOnes() {
        Admission a = new Admission(clock, 1, 2, true, 0, 3);
        for (String ip : new String[] {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
            assertThat(a.handshake(ip, false)).isEqualTo(ADMITTED);
        }
        assertThat(a.handshake("10.0.0.4", false)).as("table full of recently active addresses").isEqualTo(RATE_LIMITED);
        assertThat(a.handshake("10.0.0.1", false)).as("known addresses keep their bucket").isEqualTo(ADMITTED);

        clock.advanceMillis(2_000);
        assertThat(a.handshake("10.0.0.4", false)).isEqualTo(ADMITTED);
        assertThat(a.trackedAddresses()).isEqualTo(1);
    }

    @Test
    void eachUserHoldsAtMostTheConfiguredConnections() {
        Admission a = new Admission(clock, 0, 1, false, 2, 100);
        assertThat(a.acquire("alice")).isTrue();
        assertThat(a.acquire("alice")).isTrue();
        assertThat(a.acquire("alice")).isFalse();
        assertThat(a.acquire("bob")).isTrue();
        assertThat(a.connections("alice")).isEqualTo(2);

        a.release("alice");
        assertThat(a.acquire("alice")).isTrue();
        a.release("alice");
        a.release("alice");
        a.release("bob");
        assertThat(a.connections("alice")).isZero();
        assertThat(a.connections("bob")).isZero();
    }

    @Test
    void thePerUserLimitAppliesOnlyWithAuthenticationOn() {
        Admission off = Admission.of(HubConfig.of(Map.of("WEBSOCKET_MAX_CONNECTIONS_PER_USER", "1")).auth(), clock);
        assertThat(off.acquire("anonymous")).isTrue();
        assertThat(off.acquire("anonymous")).as("without auth everyone is one user").isTrue();

        Admission on = Admission.of(HubConfig.of(Map.of("WEBSOCKET_MAX_CONNECTIONS_PER_USER", "1",
                "AUTH_JWT_SECRET", "a-secret-that-is-long-enough-for-hs256!")).auth(), clock);
        assertThat(on.acquire("alice")).isTrue();
        assertThat(on.acquire("alice")).isFalse();
    }
}
