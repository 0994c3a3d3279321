package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error status of the publish API maps to its exception, from literal answer bodies. */
class HttpPublisherTest {

    private static HubErrorException map(int status, String body, String retryAfter) {
        return HttpPublisher.error(status, Json.readTree(body), retryAfter);
    }

    @Test
    void eachStatusMapsToItsTypedExceptionWithTheHubsCodeAndDetails() {
        // status, body, Retry-After header, expected class, expected retry-after millis (-1 = not applicable)
        Object[][] table = {
                {400, "{\"error\":\"INVALID_EVENT\",\"message\":\"m\",\"details\":{\"errors\":[{\"index\":0,\"field\":\"type\",\"message\":\"is required\"}]}}",
                        null, InvalidEventException.class, -1L},
                {409, "{\"error\":\"CONFLICT\",\"message\":\"m\",\"details\":{\"id\":\"x\"}}", null, ConflictException.class, -1L},
                {413, "{\"error\":\"MESSAGE_TOO_LARGE\",\"message\":\"m\"}", null, PayloadTooLargeException.class, -1L},
                {429, "{\"error\":\"RATE_LIMITED\",\"message\":\"m\",\"details\":{\"retry_after_ms\":1500}}", "2",
                        RateLimitedException.class, 1500L},
                {429, "{\"error\":\"RATE_LIMITED\",\"message\":\"m\"}", "3", RateLimitedException.class, 3000L},
                {503, "{\"error\":\"UNAVAILABLE\",\"message\":\"shutting down\",\"details\":{\"retry_after_ms\":1000}}", "1",
                        HubUnavailableException.class, 1000L},
                {503, "{}", null, HubUnavailableException.class, 0L},
                {403, "{\"error\":\"FORBIDDEN\",\"message\":\"m\"}", null, HubErrorException.class, -1L},
        };
        for (Object[] row : table) {
            HubErrorException e = map((int) row[0], (String) row[1], (String) row[2]);
            assertThat(e).as("HTTP %s", row[0]).isExactlyInstanceOf((Class<?>) row[3]);
            assertThat(e.httpStatus()).isEqualTo(row[0]);
            if ((long) row[4] >= 0) {
                assertThat(((RetryLaterException) e).retryAfter()).isEqualTo(Duration.ofMillis((long) row[4]));
            }
        }
    }

    @Test
    void aValidationErrorListsEachProblem() {
        InvalidEventException e = (InvalidEventException) map(400, "{\"error\":\"INVALID_EVENT\",\"message\":\"2 problems\","
                + "\"details\":{\"errors\":[{\"index\":0,\"field\":\"data.status\",\"message\":\"is required\"},"
                + "{\"index\":null,\"field\":\"events\",\"message\":\"x\"}]}}", null);

        assertThat(e.problems()).containsExactly(new InvalidEventException.Problem(0, "data.status", "is required"),
                new InvalidEventException.Problem(null, "events", "x"));
        assertThat(e.code()).isPresent();
        assertThat(e.getMessage()).isEqualTo("HTTP 400 INVALID_EVENT: 2 problems");
    }
}
