package io.projectindex.hub.server.broker.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One Lua script of the Redis layout (a resource next to this class), run by its SHA-1 with
 * {@code EVALSHA}. A server that does not know the script yet (first use, restart, failover, a
 * cluster node that never saw it) answers {@code NOSCRIPT}; the call is then repeated once with
 * {@code EVAL}, which also makes the server cache it. Immutable, thread-safe.
 */
final class Script {
    static final Script PUBLISH = load("publish.lua");
    static final Script ENSURE = load("ensure.lua");
    static final Script READ = load("read.lua");
    static final Script CLEANUP = load("cleanup.lua");
    static final Script MARK = load("mark.lua");
    static final Script RATE_LIMIT = load("ratelimit.lua");
    static final Script REPAIR = load("repair.lua");

    private final String name;
    private final String source;
    private final String sha;

    private Script(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    String name() {
        return name;
    }

    String sha() {
        return sha;
    }

    /** Runs the script with {@code keys} and {@code args} (each a String, byte[] or Long). */
    Future<Response> run(RedisLink link, List<String> keys, List<Object> args) {
        return link.send(request(Command.EVALSHA, sha, keys, args)).recover(t -> {
            if (t instanceof ErrorType e && e.is("NOSCRIPT")) {
                return link.send(request(Command.EVAL, source, keys, args));
            }
            return Future.failedFuture(t);
        });
    }

    private static Request request(Command command, String script, List<String> keys, List<Object> args) {
        Request r = Request.cmd(command).arg(script).arg(keys.size());
        for (String k : keys) {
            r.arg(k);
        }
        for (Object a : args) {
            if (a instanceof byte[] b) {
                r.arg(b);
            } else if (a instanceof Long l) {
                r.arg(l);
            } else if (a instanceof Integer i) {
                r.arg(i.longValue());
            } else {
                r.arg(String.valueOf(a));
            }
        }
        return r;
    }

    private static Script load(String name) {
        try (InputStream in = Script.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new Script(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required", e);
        }
    }
}
