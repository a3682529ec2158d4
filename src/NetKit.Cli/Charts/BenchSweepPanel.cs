using System.Globalization;
using NetKit.Cli.Commands;
using ScottPlot;

namespace NetKit.Cli.Charts;

/// <summary>A connection-count sweep: requests/s against connections (log scale), a line per series (runs
/// that share a label), and beside it the same per server CPU-second when the runs measured it.</summary>
internal static class BenchSweepPanel
{
    public static Plot[] Create(IReadOnlyList<BenchChartRun> runs)
    {
        var series = runs.Select(r => r.Series).Distinct().ToArray();
        int[] counts = runs.Select(r => r.Connections).Where(c => c > 0).Distinct().Order().ToArray();
        var panels = new List<Plot> { Panel(runs, series, counts, r => r.RequestsPerSecond, "Throughput by connections", "requests per second") };
        if (runs.Any(r => r.RequestsPerServerCpuSecond is > 0))
        {
            panels.Add(Panel(runs, series, counts, r => r.RequestsPerServerCpuSecond ?? 0,
                "Per server CPU-second", "requests per server CPU-second"));
        }

        panels[0].ShowLegend(Alignment.LowerLeft);
        return [.. panels];
    }

    private static Plot Panel(IReadOnlyList<BenchChartRun> runs, string[] series, int[] counts, Func<BenchChartRun, double> value,
        string title, string yLabel)
    {
        var plot = new Plot();
        for (int s = 0; s < series.Length; s++)
        {
            var points = runs.Where(r => r.Series == series[s] && r.Connections > 0 && value(r) > 0)
                .OrderBy(r => r.Connections).ToArray();
            var line = plot.Add.Scatter(points.Select(r => Math.Log10(r.Connections)).ToArray(), points.Select(value).ToArray(),
                BenchChartStyle.ColorOf(s));
            line.LineWidth = BenchChartStyle.LineWidth;
            line.MarkerSize = 9;
            line.LegendText = series[s];
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int c in counts)
        {
            ticks.AddMajor(Math.Log10(c), c.ToString("N0", CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(horizontal: 0.08, vertical: 0.1);
        plot.Axes.SetLimitsY(0, runs.Select(value).DefaultIfEmpty(1).Max() * 1.12);
        BenchChartStyle.Apply(plot, title, "connections", yLabel);
        plot.HideLegend();
        return plot;
    }
}
