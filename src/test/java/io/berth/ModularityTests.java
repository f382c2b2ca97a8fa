package io.berth;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import jakarta.persistence.Entity;

import org.springframework.web.bind.annotation.RequestMapping;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Checks that the daemon's packages are split by feature with dependencies pointing one way, as
 * {@code docs/architecture.md} describes them.
 */
@AnalyzeClasses(packages = "io.berth", importOptions = ImportOption.DoNotIncludeTests.class)
class ModularityTests {

	/**
	 * The top-level packages under {@code io.berth}, top tier first. A package may depend only on packages in lower
	 * tiers, never on one in its own tier or above; a lower feature that must call a higher one declares a narrow
	 * interface that the higher one implements (as {@code image.ImageUsage} is implemented by containers).
	 */
	private static final List<List<String>> TIERS = List.of(List.of("api", "dashboard"), List.of("system"), List.of("build"),
			List.of("container"),
			List.of("image", "volume", "network"), List.of("content", "events", "logs", "stats", "runtime", "users"),
			List.of("host", "paths", "error", "persistence"));

	@ArchTest
	static final ArchRule topLevelPackagesAreFreeOfCycles = slices().matching("io.berth.(*)..")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule everyPackageIsFreeOfCycles = slices().matching("io.berth.(**)").should().beFreeOfCycles();

	@ArchTest
	static final ArchRule dependenciesPointDownTheTiers = tieredArchitecture();

	@ArchTest
	static final ArchRule featuresDoNotDependOnTheApi = noClasses().that()
		.resideOutsideOfPackage("io.berth.api..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.berth.api..")
		.because("the Docker API is one front end over the features and the dashboard is another");

	@ArchTest
	static final ArchRule apiTransportDoesNotKnowTheDockerEndpoints = noClasses().that()
		.resideInAPackage("io.berth.api.transport..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.berth.api.dockercompat..")
		.because("the socket front reaches hijacking endpoints only through HijackHandler");

	@ArchTest
	static final ArchRule apiFieldsHoldNoEntities = fields().that()
		.areDeclaredInClassesThat()
		.resideInAPackage("io.berth.api..")
		.should(new ArchCondition<JavaField>("not hold a JPA entity") {
			@Override
			public void check(JavaField field, ConditionEvents events) {
				reportEntities(field, field.getType(), events);
			}
		})
		.because("wire records and views are built from entities, never wrap them, so the JSON shape stays Docker's");

	@ArchTest
	static final ArchRule apiHandlersReturnNoEntities = methods().that()
		.areDeclaredInClassesThat()
		.resideInAPackage("io.berth.api..")
		.and()
		.areMetaAnnotatedWith(RequestMapping.class)
		.should(new ArchCondition<JavaMethod>("not return a JPA entity") {
			@Override
			public void check(JavaMethod method, ConditionEvents events) {
				reportEntities(method, method.getReturnType(), events);
			}
		})
		.because("Jackson would serialise the entity's Java shape instead of Docker's");

	private static LayeredArchitecture tieredArchitecture() {
		LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers()
			.withOptionalLayers(true)
			.ensureAllClassesAreContainedInArchitectureIgnoring("io.berth");
		for (List<String> tier : TIERS) {
			for (String name : tier) {
				architecture = architecture.layer(name).definedBy("io.berth." + name + "..");
			}
		}
		List<String> below = new ArrayList<>();
		for (int i = TIERS.size() - 1; i >= 0; i--) {
			for (String name : TIERS.get(i)) {
				architecture = below.isEmpty() ? architecture.whereLayer(name).mayNotAccessAnyLayer()
						: architecture.whereLayer(name).mayOnlyAccessLayers(below.toArray(String[]::new));
			}
			below.addAll(TIERS.get(i));
		}
		return architecture.whereLayer("api").mayNotBeAccessedByAnyLayer();
	}

	private static void reportEntities(JavaMember member, JavaType type, ConditionEvents events) {
		for (JavaClass involved : type.getAllInvolvedRawTypes()) {
			if (involved.isAnnotatedWith(Entity.class)) {
				events.add(SimpleConditionEvent.violated(member,
						member.getDescription() + " involves the JPA entity " + involved.getName()));
			}
		}
	}

}
