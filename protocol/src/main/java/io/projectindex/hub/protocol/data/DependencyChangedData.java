package io.projectindex.hub.protocol.data;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.JsonFields;

import java.util.List;
import java.util.UUID;

/** {@code dependency_changed}: a file's dependency relationships changed. Required: project_id, file_path, change_type. */
public record DependencyChangedData(
        UUID projectId,
        String filePath,
        ChangeType changeType,
        DependencyDetails dependencyDetails,
        ImpactAnalysis impactAnalysis,
        FileMetadata fileMetadata) implements EventData {

    @Override
    public EventType type() {
        return EventType.DEPENDENCY_CHANGED;
    }

    /** The file's language from {@code file_metadata.language}, or null. */
    public String language() {
        return fileMetadata == null ? null : fileMetadata.language();
    }

    /** {@code dependency_details}. */
    public record DependencyDetails(String targetFile, String targetExternal, RelationshipType relationshipType,
                                    Long lineNumber, Boolean isCircular) {
        static DependencyDetails read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new DependencyDetails(f.stringLenient("target_file"), f.stringLenient("target_external"),
                    f.enumValue("relationship_type", RelationshipType::fromWire, RelationshipType.WIRE_NAMES, false),
                    f.integerLenient("line_number"), f.boolLenient("is_circular"));
        }
    }

    /** {@code impact_analysis}. */
    public record ImpactAnalysis(List<String> affectedFiles, List<String> potentialIssues, List<String> recommendations) {
        public ImpactAnalysis {
            affectedFiles = affectedFiles == null ? List.of() : List.copyOf(affectedFiles);
            potentialIssues = potentialIssues == null ? List.of() : List.copyOf(potentialIssues);
            recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
        }

        static ImpactAnalysis read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new ImpactAnalysis(f.stringListLenient("affected_files"), f.stringListLenient("potential_issues"),
                    f.stringListLenient("recommendations"));
        }
    }

    /** {@code file_metadata}. */
    public record FileMetadata(String language, Long fileSize, String lastModified) {
        static FileMetadata read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new FileMetadata(f.stringLenient("language"), f.count("file_size"), f.stringLenient("last_modified"));
        }
    }

    static DependencyChangedData read(JsonFields f) {
        return new DependencyChangedData(
                f.uuid("project_id", true),
                f.string("file_path", true, 4096),
                f.enumValue("change_type", ChangeType::fromWire, ChangeType.WIRE_NAMES, true),
                DependencyDetails.read(f.objectLenient("dependency_details")),
                ImpactAnalysis.read(f.objectLenient("impact_analysis")),
                FileMetadata.read(f.objectLenient("file_metadata")));
    }
}
