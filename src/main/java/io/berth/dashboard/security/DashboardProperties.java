package io.berth.dashboard.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's web settings.
 *
 * @param allowedOrigins origins besides the dashboard's own that may post and open sockets, e.g. a reverse proxy's
 * {@code https://berth.example.com}
 */
@ConfigurationProperties("berth.dashboard")
public record DashboardProperties(@DefaultValue List<String> allowedOrigins) {

}
