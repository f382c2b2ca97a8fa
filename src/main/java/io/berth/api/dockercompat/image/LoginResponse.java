package io.berth.api.dockercompat.image;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of a successful {@code POST /auth}. */
record LoginResponse(@JsonProperty("Status") String status, @JsonProperty("IdentityToken") String identityToken) {
}
