package io.projectindex.hub.cli;

import io.projectindex.hub.client.HubErrorException;
import io.projectindex.hub.client.HubException;
import io.projectindex.hub.client.InvalidEventException;
import io.projectindex.hub.client.RetryLaterException;

import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How client commands report a failed request: one readable message on stderr and exit code 1. */
final class CliErrors {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private CliErrors() {
    }

    /** Prints {@code failure} for {@code command} and returns {@link #FAILED}. */
    static int report(PrintWriter err, String command, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            err.println("hub " + command + ": interrupted");
        } else if (t instanceof HubException) {
            err.println("hub " + command + ": " + t.getMessage());
            if (t instanceof InvalidEventException invalid) {
                for (InvalidEventException.Problem p : invalid.problems()) {
                    err.println("  " + (p.index() == null ? "" : "events[" + p.index() + "].") + p.field()
                            + (p.message().isEmpty() ? "" : ": " + p.message()));
                }
            } else if (t instanceof RetryLaterException retry && !retry.retryAfter().isZero()) {
                err.println("  retry after " + retry.retryAfter().toMillis() + " ms");
            } else if (t instanceof HubErrorException e && !e.details().isEmpty()) {
                err.println("  details: " + e.details());
            }
        } else {
            err.println("hub " + command + ": " + t);
        }
        err.flush();
        return FAILED;
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
