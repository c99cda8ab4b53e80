package org.mailhive.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Writes a run's JSON result file and its PNG chart (JFreeChart, headless) of throughput and p99 over time. */
public final class ResultFiles {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 500;

  private ResultFiles() {}

  public static void writeJson(Object result, Path file) throws IOException {
    createParent(file);
    JSON.writeValue(file.toFile(), result);
  }

  public static RunResult readJson(Path file) throws IOException {
    return JSON.readValue(file.toFile(), RunResult.class);
  }

  public static void writeChart(RunResult r, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    createParent(file);
    XYSeries throughput = new XYSeries("completions per second");
    XYSeries p99 = new XYSeries("p99 latency (ms)");
    for (TimelinePoint p : r.timeline()) {
      throughput.add(p.elapsedSeconds(), p.perSecond());
      p99.add(p.elapsedSeconds(), p.p99Ms());
    }
    XYPlot plot = new XYPlot();
    plot.setDomainAxis(new NumberAxis("elapsed (s)"));
    plot.setRangeAxis(0, new NumberAxis("per second"));
    plot.setRangeAxis(1, new NumberAxis("p99 (ms)"));
    plot.setDataset(0, new XYSeriesCollection(throughput));
    plot.setDataset(1, new XYSeriesCollection(p99));
    plot.mapDatasetToRangeAxis(0, 0);
    plot.mapDatasetToRangeAxis(1, 1);
    plot.setRenderer(0, renderer(new Color(0x1f77b4)));
    plot.setRenderer(1, renderer(new Color(0xd62728)));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(r.scenario() + " against " + r.target(), JFreeChart.DEFAULT_TITLE_FONT, plot,
        true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
  }

  private static XYLineAndShapeRenderer renderer(Color color) {
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, color);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    return renderer;
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
