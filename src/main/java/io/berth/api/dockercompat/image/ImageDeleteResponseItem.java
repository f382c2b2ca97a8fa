package io.berth.api.dockercompat.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One item of {@code DELETE /images/{name}}: {@code {"Untagged":...}} or {@code {"Deleted":...}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ImageDeleteResponseItem(@JsonProperty("Untagged") String untagged, @JsonProperty("Deleted") String deleted) {
}
