package io.berth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;

import io.berth.persistence.PlainQueryEnhancerSelector;

/** The Berth daemon: the Docker Engine API on a unix socket and the dashboard on {@code server.port}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableJpaRepositories(queryEnhancerSelector = PlainQueryEnhancerSelector.class)
public class BerthApplication {

	public static void main(String[] args) {
		StartupChecks.run();
		SpringApplication.run(BerthApplication.class, args);
	}

}
