package io.projectindex.hub.server.stream;

/** What one cleanup pass removed, per tier. */
public record CleanupResult(long memoryCleaned, long databaseCleaned) {
    public static final CleanupResult NONE = new CleanupResult(0, 0);

    public CleanupResult plus(CleanupResult other) {
        return new CleanupResult(memoryCleaned + other.memoryCleaned, databaseCleaned + other.databaseCleaned);
    }
}
