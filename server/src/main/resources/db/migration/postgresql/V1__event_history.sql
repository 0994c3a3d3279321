-- Event history of the Project Index Event Hub (PROTOCOL.md section 9).
-- The columns and indexes of the original design, plus positions (seq = offset, epoch),
-- idempotency (content_hash), delivery priority, and the original text of data that JSONB
-- cannot keep verbatim (event_data_raw, normally NULL).

CREATE TABLE project_index_event_streams (
    project_id      UUID PRIMARY KEY,
    epoch           VARCHAR(16) NOT NULL,
    top_offset      BIGINT NOT NULL DEFAULT 0,
    last_ts         TIMESTAMP WITH TIME ZONE,
    removed_through BIGINT NOT NULL DEFAULT 0,
    removed_until   TIMESTAMP WITH TIME ZONE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE TABLE project_index_event_history (
    id                UUID PRIMARY KEY,
    project_id        UUID NOT NULL,
    event_type        VARCHAR(50) NOT NULL,
    event_data        JSONB NOT NULL,
    correlation_id    VARCHAR(36) NOT NULL,
    persistence_level VARCHAR(20) NOT NULL,
    checksum          VARCHAR(64) NOT NULL,
    client_delivered  JSONB,
    replay_count      INTEGER DEFAULT 0,
    created_at        TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    expires_at        TIMESTAMP WITH TIME ZONE,
    seq               BIGINT NOT NULL,
    epoch             VARCHAR(16) NOT NULL,
    priority          VARCHAR(10) NOT NULL,
    content_hash      VARCHAR(64) NOT NULL,
    event_data_raw    TEXT,
    CONSTRAINT uq_event_history_position UNIQUE (project_id, seq)
);

CREATE INDEX idx_event_history_project_id ON project_index_event_history(project_id);
CREATE INDEX idx_event_history_event_type ON project_index_event_history(event_type);
CREATE INDEX idx_event_history_correlation_id ON project_index_event_history(correlation_id);
CREATE INDEX idx_event_history_persistence_level ON project_index_event_history(persistence_level);
CREATE INDEX idx_event_history_created_at ON project_index_event_history(created_at);
CREATE INDEX idx_event_history_expires_at ON project_index_event_history(expires_at);
CREATE INDEX idx_event_history_project_created ON project_index_event_history(project_id, created_at);
CREATE INDEX idx_event_history_project_type ON project_index_event_history(project_id, event_type);
CREATE INDEX idx_event_history_expires_level ON project_index_event_history(expires_at, persistence_level);
