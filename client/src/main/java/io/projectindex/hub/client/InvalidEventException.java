package io.projectindex.hub.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * HTTP 400 on publish: nothing of the request was accepted. {@link #problems()} lists every
 * problem the hub found ({@code details.errors = [{index, field, message}]}); for a body that was
 * not JSON at all the list may be empty and {@link #getMessage()} says why.
 */
public final class InvalidEventException extends HubErrorException {
    /** One problem: the event's index in the request (null for the request as a whole), the field path and why. */
    public record Problem(Integer index, String field, String message) {
    }

    private final List<Problem> problems;

    public InvalidEventException(String error, String message, Map<String, Object> details) {
        super(error, message, details, 400, null);
        this.problems = readProblems(details);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static List<Problem> readProblems(Map<String, Object> details) {
        Object errors = details == null ? null : details.get("errors");
        if (!(errors instanceof List<?> list)) {
            Object field = details == null ? null : details.get("field");
            return field == null ? List.of() : List.of(new Problem(null, field.toString(), ""));
        }
        List<Problem> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o instanceof Map<?, ?> m) {
                Object index = m.get("index");
                out.add(new Problem(index instanceof Number n ? n.intValue() : null,
                        String.valueOf(m.get("field")), String.valueOf(m.get("message"))));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
