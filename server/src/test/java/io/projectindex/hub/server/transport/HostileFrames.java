package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.RawWebSocket;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Hostile client frames from a seed, each with the outcome the protocol requires of the hub:
 * random bytes and text, invalid UTF-8, deep nesting, huge numbers, wrong types, truncated and
 * garbled JSON, oversized messages and frames, framing violations, binary frames, fragmented
 * messages, and mutations of valid messages of every action. The same seed gives the same frames.
 * Not thread-safe.
 */
final class HostileFrames {

    /** What the hub must do with a frame. */
    enum Outcome {
        /** Exactly one reply (an ack or an error), connection open. */
        REPLY,
        /** A {@code MESSAGE_TOO_LARGE} error, then close 1009. */
        TOO_LARGE,
        /** Close 1009 without a reply (the frame is over the WebSocket layer's read limit). */
        CLOSE_1009,
        /** Close 1007 without a reply (text that is not UTF-8). */
        CLOSE_1007,
        /** Close 1002 without a reply (the WebSocket framing rules were broken). */
        CLOSE_1002
    }

    /** One message to send: its fragments (or an oversized frame start), and the required outcome. */
    record Hostile(String kind, int opcode, List<byte[]> fragments, long declaredLength, Outcome outcome,
                   int firstByte, boolean masked) {

        void sendTo(RawWebSocket ws) {
            if (declaredLength > 0) {
                ws.sendOversizedFrameStart(opcode, declaredLength, fragments.get(0));
            } else if (firstByte >= 0) {
                ws.sendFrameBits(firstByte, masked, fragments.get(0));
            } else {
                for (int i = 0; i < fragments.size(); i++) {
                    ws.sendFrame(i == 0 ? opcode : RawWebSocket.CONTINUATION, i == fragments.size() - 1, fragments.get(i));
                }
            }
        }

        @Override
        public String toString() {
            StringBuilder all = new StringBuilder();
            for (byte[] f : fragments) {
                all.append(new String(f, StandardCharsets.UTF_8));
            }
            String text = all.length() > 160 ? all.substring(0, 160) + "…(" + all.length() + " chars)" : all.toString();
            return kind + " [" + outcome + ", " + fragments.size() + " fragment(s)] " + text.replace("\n", "\\n");
        }
    }

    private static final String[] TYPES = {"project_index_updated", "analysis_progress", "dependency_changed",
            "context_optimized", "nope", ""};

    private final Random random;
    private final int maxBytes;
    private final List<String> templates;

    /**
     * @param maxBytes  the hub's max_message_bytes
     * @param templates valid messages, at least one per action
     */
    HostileFrames(long seed, int maxBytes, List<String> templates) {
        this.random = new Random(seed);
        this.maxBytes = maxBytes;
        this.templates = templates;
    }

    Hostile next() {
        int roll = random.nextInt(100);
        if (roll < 20) {
            return text("valid", template());
        } else if (roll < 40) {
            return text("wrong type", wrongType());
        } else if (roll < 52) {
            return text("garbled", garble(template()));
        } else if (roll < 57) {
            return text("truncated", truncate(template()));
        } else if (roll < 62) {
            return text("deep nesting", deepNesting());
        } else if (roll < 67) {
            return text("huge number", hugeNumber());
        } else if (roll < 72) {
            return text("random text", randomText(random.nextInt(300)));
        } else if (roll < 75) {
            return bytes("random bytes", RawWebSocket.TEXT, randomBytes(random.nextInt(200)));
        } else if (roll < 79) {
            return bytes("bit flips", RawWebSocket.TEXT, flipBits(template().getBytes(StandardCharsets.UTF_8)));
        } else if (roll < 82) {
            return bytes("binary", RawWebSocket.BINARY, randomBytes(random.nextInt(600)));
        } else if (roll < 87) {
            return fragmented(template());
        } else if (roll < 90) {
            return text("not an object", pick("[]", "\"subscribe\"", "42", "null", "true", "{}", "", "  \n\t ",
                    "{\"action\":42}", "{\"action\":null}", "{\"action\":\"nope\"}", "{\"action\":[\"ping\"]}",
                    "{\"action\":\"ping\",\"action\":\"ping\"}", "{\"action\":\"ping\"} {}", "\uFEFF{\"action\":\"ping\"}"));
        } else if (roll < 94) {
            return oversized();
        } else if (roll < 97) {
            return farOversized();
        } else {
            return framingViolation();
        }
    }

    // ---------------------------------------------------------------- generators

    private String template() {
        return templates.get(random.nextInt(templates.size()));
    }

    private String wrongType() {
        ObjectNode o = (ObjectNode) Json.readTree(template());
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        names.add("correlation_id");
        names.add("filters");
        names.add("event_types");
        String field = names.get(random.nextInt(names.size()));
        o.set(field, randomValue(3));
        return Json.write(o);
    }

    private JsonNode randomValue(int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(depth > 0 ? 10 : 7)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextInt() - (long) Integer.MAX_VALUE);
            case 3 -> f.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(300)));
            case 4 -> f.textNode(randomText(random.nextInt(40)));
            case 5 -> f.textNode(pick(TYPES));
            case 6 -> f.textNode(java.util.UUID.randomUUID().toString());
            case 7 -> {
                ArrayNode a = f.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomValue(depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = f.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(pick("criteria", "operator", "value", "rules", "min_progress_threshold", "x", ""),
                            randomValue(depth - 1));
                }
                yield o;
            }
        };
    }

    private String garble(String json) {
        StringBuilder s = new StringBuilder(json);
        for (int n = 1 + random.nextInt(4); n > 0 && s.length() > 0; n--) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, pick("{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "\u0000",
                        "\u2028", "💥", "null", "1e999", "-"));
                case 2 -> s.setCharAt(at, (char) (0x20 + random.nextInt(0x5f)));
                case 3 -> s.insert(Math.min(1, s.length()), "\"action\":\"" + pick("ping", "replay", "subscribe") + "\",");
                case 4 -> s.replace(at, Math.min(s.length(), at + 3), "");
                default -> s.insert(at, s.substring(at, Math.min(s.length(), at + 1 + random.nextInt(20))));
            }
        }
        return s.toString();
    }

    private String truncate(String json) {
        return json.substring(0, random.nextInt(json.length()));
    }

    private String deepNesting() {
        int depth = 60 + random.nextInt(Math.max(1, maxBytes / 2 - 200));
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(random.nextInt(4) == 0 ? depth / 2 : depth);
        return random.nextBoolean() ? nested
                : "{\"action\":\"subscribe\",\"filters\":{\"rules\":[{\"criteria\":\"progress\",\"operator\":\"in\","
                + "\"value\":" + nested + "}]}}";
    }

    private String hugeNumber() {
        String digits = "9".repeat(1 + random.nextInt(Math.min(1000, maxBytes - 100)));
        String number = pick(digits, "-" + digits, digits + "." + digits, "1e" + digits, "1e999999", "-0", "1.5e308",
                "4.9e-325", "NaN", "Infinity", "0x10", "01");
        String field = pick("max_events", "since_offset", "correlation_id", "min_progress_threshold", "project_id");
        String action = field.equals("min_progress_threshold") ? "set_preferences" : "replay";
        String value = field.equals("min_progress_threshold") ? "{\"min_progress_threshold\":" + number + "}" : number;
        return "{\"action\":\"" + action + "\",\"project_id\":\"" + java.util.UUID.randomUUID() + "\",\""
                + (action.equals("set_preferences") ? "preferences" : field) + "\":" + value + "}";
    }

    private String randomText(int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            int kind = random.nextInt(10);
            if (kind < 7) {
                s.append((char) (0x20 + random.nextInt(0x5f)));
            } else if (kind < 9) {
                s.append((char) (0xA0 + random.nextInt(0xD000)));
            } else {
                s.appendCodePoint(0x10000 + random.nextInt(0x1000));
            }
        }
        return s.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private byte[] flipBits(byte[] b) {
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            int at = random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private Hostile fragmented(String json) {
        byte[] all = json.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(5) == 0) {
            all = flipBits(all);
        }
        int parts = 2 + random.nextInt(3);
        List<byte[]> fragments = new ArrayList<>();
        int from = 0;
        for (int i = 1; i < parts; i++) {
            int to = Math.min(all.length, from + random.nextInt(Math.max(1, all.length - from)));
            fragments.add(java.util.Arrays.copyOfRange(all, from, to));
            from = to;
        }
        fragments.add(java.util.Arrays.copyOfRange(all, from, all.length));
        return new Hostile("fragmented", RawWebSocket.TEXT, fragments, 0, outcome(RawWebSocket.TEXT, all), -1, true);
    }

    /** Over max_message_bytes but within the read limit: the limit is crossed by the last fragment. */
    private Hostile oversized() {
        String pad = "x".repeat(maxBytes + 1 + random.nextInt(3 * maxBytes - 200));
        byte[] all = ("{\"action\":\"ping\",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
        if (random.nextBoolean()) {
            return bytes("oversized", random.nextInt(4) == 0 ? RawWebSocket.BINARY : RawWebSocket.TEXT, all);
        }
        int cut = maxBytes - random.nextInt(100);
        return new Hostile("oversized fragments", RawWebSocket.TEXT,
                List.of(java.util.Arrays.copyOfRange(all, 0, cut), java.util.Arrays.copyOfRange(all, cut, all.length)),
                0, Outcome.TOO_LARGE, -1, true);
    }

    /** A frame header announcing more than the read limit, with a little of its payload. */
    private Hostile farOversized() {
        long declared = 4L * maxBytes + 1 + random.nextInt(Integer.MAX_VALUE);
        return new Hostile("frame over the read limit", random.nextBoolean() ? RawWebSocket.TEXT : RawWebSocket.BINARY,
                List.of(randomBytes(random.nextInt(200))), declared, Outcome.CLOSE_1009, -1, true);
    }

    private Hostile framingViolation() {
        byte[] payload = "{\"action\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(4)) {
            case 0 -> new Hostile("unmasked frame", RawWebSocket.TEXT, List.of(payload), 0, Outcome.CLOSE_1002,
                    0x80 | RawWebSocket.TEXT, false);
            case 1 -> new Hostile("reserved opcode", 0x3, List.of(payload), 0, Outcome.CLOSE_1002, 0x80 | (3 + random.nextInt(5)),
                    true);
            case 2 -> new Hostile("lone continuation", RawWebSocket.CONTINUATION, List.of(payload), 0, Outcome.CLOSE_1002,
                    0x80, true);
            default -> new Hostile("control frame over 125 bytes", RawWebSocket.PING, List.of(randomBytes(126 + random.nextInt(500))),
                    0, Outcome.CLOSE_1002, 0x80 | RawWebSocket.PING, true);
        };
    }

    // ---------------------------------------------------------------- outcomes

    private Hostile text(String kind, String text) {
        return bytes(kind, RawWebSocket.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    private Hostile bytes(String kind, int opcode, byte[] payload) {
        return new Hostile(kind, opcode, List.of(payload), 0, outcome(opcode, payload), -1, true);
    }

    /** What the protocol requires: the size limit first, then UTF-8 for text, then one reply. */
    private Outcome outcome(int opcode, byte[] payload) {
        if (payload.length > 4L * maxBytes) {
            return Outcome.CLOSE_1009;
        }
        if (payload.length > maxBytes) {
            return Outcome.TOO_LARGE;
        }
        if (opcode == RawWebSocket.TEXT && !isUtf8(payload)) {
            return Outcome.CLOSE_1007;
        }
        return Outcome.REPLY;
    }

    static boolean isUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
