package com.cloutsy.redis.resilience;

import java.nio.file.Path;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes the reliability report once every test has run; registered through {@code META-INF/services}. The path
 * comes from the system property {@code cloutsy.resilience.report}, which the module's pom sets.
 */
public final class ReportWriter implements TestExecutionListener {

  /** Created by the JUnit launcher. */
  public ReportWriter() {}

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    String target = System.getProperty("cloutsy.resilience.report");
    if (target != null && !target.isBlank() && !Reliability.isEmpty()) {
      Reliability.write(Path.of(target));
    }
  }
}
