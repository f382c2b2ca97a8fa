package io.berth.api.dockercompat;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Docker's error body: {@code {"message": "..."}}. */
record ErrorResponse(@JsonProperty("message") String message) {
}
