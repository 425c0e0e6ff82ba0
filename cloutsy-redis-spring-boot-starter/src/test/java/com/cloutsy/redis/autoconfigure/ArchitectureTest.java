package com.cloutsy.redis.autoconfigure;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The package rules of the starter: its packages (auto-configuration, actuator, web) form no cycle. */
class ArchitectureTest {

  @Test
  void starterPackagesFormNoCycle() {
    JavaClasses starter = new ClassFileImporter().importLocations(Set.of(
        Location.of(CloutsyRedisAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation())));
    slices().matching("com.cloutsy.redis.(**)").should().beFreeOfCycles().check(starter);
  }
}
