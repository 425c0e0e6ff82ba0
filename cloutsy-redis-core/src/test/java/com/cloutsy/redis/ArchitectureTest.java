package com.cloutsy.redis;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The package rules of core: a capability builds only on the shared packages (root, config, keys, script, codec),
 * never on another capability; nothing in core uses Spring; packages form no cycle.
 */
class ArchitectureTest {

  private static final String ROOT = "com.cloutsy.redis";

  /** Core's own main classes only: not its tests, not the embedded module on the test class path. */
  private static final JavaClasses CORE = new ClassFileImporter()
      .importLocations(Set.of(Location.of(RedisService.class.getProtectionDomain().getCodeSource().getLocation())));

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cache", "health", "login", "otp", "pubsub", "ratelimit", "session"})
  void aCapabilityDependsOnlyOnTheSharedPackages(String capability) {
    classes().that().resideInAPackage(ROOT + "." + capability + "..")
        .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(
            ROOT, ROOT + ".config..", ROOT + ".keys..", ROOT + ".script..", ROOT + ".codec..",
            ROOT + "." + capability + "..")))
        .check(CORE);
  }

  @Test
  void coreHasNoSpring() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(CORE);
  }

  @Test
  void corePackagesFormNoCycle() {
    slices().matching("com.cloutsy.(**)").should().beFreeOfCycles().check(CORE);
  }
}
