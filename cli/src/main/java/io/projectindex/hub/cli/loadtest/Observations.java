package io.projectindex.hub.cli.loadtest;

/**
 * The raw readings of one run, taken by {@link LoadTest} and turned into a report by
 * {@link ReportAssembler}. Server samples are null when the hub's pid is unknown; {@code windowStart}
 * also when nothing was published. "Self" is the load generator.
 *
 * @param serverSubscribed right after the fleet subscribed; {@code serverIdle} after the hold
 * @param windowSeconds the measured window: from the end of the warm-up until drained
 * @param drainSeconds from the last publish answer until everything expected had arrived
 */
record Observations(String startedAt, String loadBefore, String loadAfter, double connectSeconds,
                    ProcessSample serverBefore, ProcessSample serverSubscribed, ProcessSample serverIdle,
                    ProcessSample windowStart, ProcessSample serverEnd, ProcessSample selfStart, ProcessSample selfEnd,
                    MachineSample machineStart, MachineSample machineEnd, long expected, long deliveredInWindow,
                    double windowSeconds, double drainSeconds, boolean drained) {
}
