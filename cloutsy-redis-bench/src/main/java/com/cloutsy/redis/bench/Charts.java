package com.cloutsy.redis.bench;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's PNG charts, drawn with XChart: per table, throughput by number of callers, and the latency percentile
 * curve at the highest caller count (HdrHistogram's view: the x axis is -log10(1 - p), spreading the tail: 90 %,
 * 99 %, 99.9 % ...).
 */
final class Charts {

  private static final int WIDTH = 1100;
  private static final int HEIGHT = 520;
  private static final double[] PERCENTILES = {50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};
  /** Ours in blues and greens, references in warm colours, so a reader tells the sides apart at a glance. */
  private static final Color[] OURS = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x17becf),
      new Color(0x9467bd)};
  private static final Color[] THEIRS = {new Color(0xd62728), new Color(0xff7f0e), new Color(0x8c564b),
      new Color(0xe377c2), new Color(0x7f7f7f)};

  private Charts() {}

  /** The files of one table's charts, relative to the report. */
  record Drawn(String throughput, String latency) {}

  /** Draws the charts of every table into {@code folder}, named after the tables. */
  static List<Drawn> draw(Results results, Path folder, String relativeFolder) {
    try {
      Files.createDirectories(folder);
    } catch (IOException unwritable) {
      throw new UncheckedIOException("could not create " + folder, unwritable);
    }
    List<Drawn> drawn = new ArrayList<>();
    for (String group : results.groups()) {
      String slug = slug(group);
      save(throughput(results, group), folder.resolve(slug + "-throughput.png"));
      save(latency(results, group), folder.resolve(slug + "-latency.png"));
      drawn.add(new Drawn(relativeFolder + "/" + slug + "-throughput.png", relativeFolder + "/" + slug
          + "-latency.png"));
    }
    return drawn;
  }

  static String slug(String group) {
    return group.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  private static XYChart throughput(Results results, String group) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(group + ": throughput").xAxisTitle("callers in flight (log scale)")
        .yAxisTitle("operations per second (log scale)").build();
    style(chart.getStyler());
    // x is log2 of the callers, so the axis ticks fall on powers of two: 1, 2, 4 ... 64.
    chart.setCustomXAxisTickLabelsFormatter(position -> Long.toString(Math.round(Math.pow(2, position))));
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisDecimalPattern("#,###");
    List<Color> colors = new ArrayList<>();
    int ours = 0;
    int theirs = 0;
    for (Scenario scenario : results.scenarios(group)) {
      List<Double> callers = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      for (int count : results.callerCounts()) {
        if (results.measured(scenario, count) && results.opsPerSecond(scenario, count) > 0) {
          callers.add(Math.log(count) / Math.log(2));
          rates.add(results.opsPerSecond(scenario, count));
        }
      }
      if (callers.isEmpty()) {
        continue;
      }
      chart.addSeries(scenario.name(), callers, rates).setMarker(SeriesMarkers.CIRCLE);
      colors.add(scenario.role().isRow() ? OURS[ours++ % OURS.length] : THEIRS[theirs++ % THEIRS.length]);
    }
    chart.getStyler().setSeriesColors(colors.toArray(Color[]::new));
    return chart;
  }

  private static XYChart latency(Results results, String group) {
    int callers = results.callerCounts().stream().mapToInt(Integer::intValue).max().orElse(1);
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(group + ": latency at " + callers + " callers").xAxisTitle("percentile")
        .yAxisTitle("latency, µs (log)").build();
    style(chart.getStyler());
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(4.0);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisDecimalPattern("#,###.#");
    chart.setCustomXAxisTickLabelsFormatter(Charts::percentileLabel);
    List<Color> colors = new ArrayList<>();
    int ours = 0;
    int theirs = 0;
    for (Scenario scenario : results.scenarios(group)) {
      if (scenario.load() instanceof Scenario.Load.External || !results.measured(scenario, callers)) {
        continue;
      }
      Histogram latency = results.latency(scenario, callers);
      double[] x = new double[PERCENTILES.length];
      double[] y = new double[PERCENTILES.length];
      for (int i = 0; i < PERCENTILES.length; i++) {
        x[i] = -Math.log10(1 - PERCENTILES[i] / 100);
        y[i] = Math.max(0.1, latency.getValueAtPercentile(PERCENTILES[i]) / 1_000.0);
      }
      XYSeries series = chart.addSeries(scenario.name(), x, y);
      series.setMarker(SeriesMarkers.CIRCLE);
      colors.add(scenario.role().isRow() ? OURS[ours++ % OURS.length] : THEIRS[theirs++ % THEIRS.length]);
    }
    chart.getStyler().setSeriesColors(colors.toArray(Color[]::new));
    return chart;
  }

  /** A tick at -log10(1 - p), labelled with p where that is a whole number: 1 is 90 %, 2 is 99 %. */
  private static String percentileLabel(Double position) {
    if (Math.abs(position - Math.rint(position)) > 1e-9) {
      return "";
    }
    double percentile = 100 * (1 - Math.pow(10, -position));
    return new BigDecimal(String.format(Locale.ROOT, "%.2f", percentile)).stripTrailingZeros().toPlainString() + " %";
  }

  private static void style(Styler styler) {
    styler.setLegendPosition(Styler.LegendPosition.OutsideE);
    styler.setLegendLayout(Styler.LegendLayout.Vertical);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotContentSize(0.92);
  }

  private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) {
    try {
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException unwritable) {
      throw new UncheckedIOException("could not write " + file, unwritable);
    }
  }
}
