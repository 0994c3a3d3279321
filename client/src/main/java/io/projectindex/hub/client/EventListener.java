package io.projectindex.hub.client;

import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.data.AnalysisProgressData;
import io.projectindex.hub.protocol.data.ContextOptimizedData;
import io.projectindex.hub.protocol.data.DependencyChangedData;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.protocol.data.ProjectIndexUpdatedData;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Receives the events of one subscription. Methods run on the client's dispatcher thread, one at
 * a time, in the order the hub sent the events (per project that is offset order). A listener
 * that blocks delays every subscription of the client; if it blocks long enough the hub closes
 * the connection as a slow consumer and the client resumes where it left off. An exception thrown
 * by a listener is logged and counted, and delivery continues with the next event.
 *
 * <p>A lambda implements {@link #onEvent}; {@link #builder()} gives typed per-type callbacks.
 */
@FunctionalInterface
public interface EventListener {

    /** One event, at most once per subscription, in order. */
    void onEvent(Event event);

    /** The subscription resumed with a possible gap ({@code recovered:false}); see {@link ResumeFailure}. */
    default void onResumeFailed(ResumeFailure failure) {
    }

    /** The hub refused to re-establish the subscription after a reconnect; it has been removed. */
    default void onSubscriptionLost(HubErrorException error) {
    }

    static Builder builder() {
        return new Builder();
    }

    /** Builds a listener with one callback per event type. Not thread-safe; the listener it builds is immutable. */
    final class Builder {
        private final Map<EventType, Consumer<Event>> handlers = new EnumMap<>(EventType.class);
        private Consumer<Event> otherwise = e -> { };
        private Consumer<ResumeFailure> resumeFailed = f -> { };
        private Consumer<HubErrorException> lost = e -> { };

        private Builder() {
        }

        public Builder on(EventType type, Consumer<Event> handler) {
            handlers.put(type, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        public Builder onProjectIndexUpdated(BiConsumer<Event, ProjectIndexUpdatedData> handler) {
            return typed(EventType.PROJECT_INDEX_UPDATED, ProjectIndexUpdatedData.class, handler);
        }

        public Builder onAnalysisProgress(BiConsumer<Event, AnalysisProgressData> handler) {
            return typed(EventType.ANALYSIS_PROGRESS, AnalysisProgressData.class, handler);
        }

        public Builder onDependencyChanged(BiConsumer<Event, DependencyChangedData> handler) {
            return typed(EventType.DEPENDENCY_CHANGED, DependencyChangedData.class, handler);
        }

        public Builder onContextOptimized(BiConsumer<Event, ContextOptimizedData> handler) {
            return typed(EventType.CONTEXT_OPTIMIZED, ContextOptimizedData.class, handler);
        }

        /** Events of types without a handler of their own. */
        public Builder otherwise(Consumer<Event> handler) {
            this.otherwise = Objects.requireNonNull(handler, "handler");
            return this;
        }

        public Builder onResumeFailed(Consumer<ResumeFailure> handler) {
            this.resumeFailed = Objects.requireNonNull(handler, "handler");
            return this;
        }

        public Builder onSubscriptionLost(Consumer<HubErrorException> handler) {
            this.lost = Objects.requireNonNull(handler, "handler");
            return this;
        }

        private <T extends EventData> Builder typed(EventType type, Class<T> dataType, BiConsumer<Event, T> handler) {
            Objects.requireNonNull(handler, "handler");
            handlers.put(type, e -> e.data(dataType).ifPresent(d -> handler.accept(e, d)));
            return this;
        }

        public EventListener build() {
            Map<EventType, Consumer<Event>> byType = new EnumMap<>(handlers);
            Consumer<Event> fallback = otherwise;
            Consumer<ResumeFailure> onResumeFailed = resumeFailed;
            Consumer<HubErrorException> onLost = lost;
            return new EventListener() {
                @Override
                public void onEvent(Event event) {
                    byType.getOrDefault(event.type(), fallback).accept(event);
                }

                @Override
                public void onResumeFailed(ResumeFailure failure) {
                    onResumeFailed.accept(failure);
                }

                @Override
                public void onSubscriptionLost(HubErrorException error) {
                    onLost.accept(error);
                }
            };
        }
    }
}
