package io.projectindex.hub.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A uniquely named database on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust
 * auth), created for one test class and dropped by {@link #close()}.
 */
public final class PostgresDatabase implements AutoCloseable {
    private static final String SERVER = "127.0.0.1:5432";
    private static final String USER = "postgres";

    private final String name;

    private PostgresDatabase(String name) {
        this.name = name;
    }

    public static PostgresDatabase create() {
        String name = "hub_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        admin("CREATE DATABASE " + name);
        return new PostgresDatabase(name);
    }

    public String name() {
        return name;
    }

    /** The {@code DATABASE_URL} form. */
    public String url() {
        return "postgresql://" + USER + "@" + SERVER + "/" + name;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + SERVER + "/" + name + "?user=" + USER;
    }

    /** A direct connection, for tests that look or tamper behind the hub's back. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + SERVER + "/postgres?user=" + USER);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
