package io.berth.api.transport;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the Docker Engine API listens.
 *
 * @param socket path of the unix socket; created with mode 0660, owned by root (default
 * {@code /run/berth/berth.sock})
 */
@ConfigurationProperties("berth.api")
public record ApiProperties(@DefaultValue("/run/berth/berth.sock") String socket) {
}
