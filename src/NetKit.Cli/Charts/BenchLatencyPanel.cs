using System.Globalization;
using NetKit.Cli.Commands;
using ScottPlot;

namespace NetKit.Cli.Charts;

/// <summary>
/// Latency by percentile as HdrHistogram's plotter draws it: x is 1/(1-p) on a log scale, so 90 %, 99 %,
/// 99.9 % ... are evenly spaced and the tail, where runs differ, gets as much room as the body; y is
/// milliseconds. A curve per run, in the run's colour.
/// </summary>
internal static class BenchLatencyPanel
{
    public static Plot Create(IReadOnlyList<BenchChartRun> runs)
    {
        var plot = new Plot();
        double furthest = 2, highest = 0;
        for (int i = 0; i < runs.Count; i++)
        {
            // 100 % is at infinity on this axis; the last point short of it is the tail's end.
            var points = runs[i].Latency.Where(p => p.Percentile < 100).ToArray();
            double[] xs = points.Select(p => X(p.Percentile)).ToArray();
            double[] ys = points.Select(p => p.LatencyUs / 1000.0).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, BenchChartStyle.ColorOf(i));
            line.LineWidth = BenchChartStyle.LineWidth;
            line.LegendText = runs[i].Label;
            if (xs.Length > 0)
            {
                furthest = Math.Max(furthest, xs[^1]);
                highest = Math.Max(highest, ys.Max());
            }
        }

        int decades = (int)Math.Ceiling(furthest - 1e-9);
        plot.Axes.Bottom.TickGenerator = Ticks(decades);
        // A little past the last decade, so its label is not cut at the edge.
        plot.Axes.SetLimitsX(0, decades + 0.2);
        plot.Axes.SetLimitsY(0, highest > 0 ? highest * 1.05 : 1);
        BenchChartStyle.Apply(plot, "Latency by percentile", "percentile", "latency (ms)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>Where percentile <paramref name="percentile"/> sits: log10 of 1/(1-p).</summary>
    internal static double X(double percentile) => -Math.Log10(1 - percentile / 100);

    private static ScottPlot.TickGenerators.NumericManual Ticks(int decades)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        ticks.AddMajor(0, "0%");
        ticks.AddMajor(Math.Log10(2), "50%");
        for (int k = 1; k <= decades; k++)
        {
            // 90%, 99%, 99.9%, ...: k - 1 nines after the nine before the point.
            ticks.AddMajor(k, (100 - 100 / Math.Pow(10, k)).ToString("0." + new string('#', Math.Max(0, k - 2)), CultureInfo.InvariantCulture) + "%");
        }

        for (int d = 0; d < decades; d++)
        {
            for (int m = 3; m <= 9; m++)
            {
                ticks.AddMinor(d + Math.Log10(m));
            }

            if (d > 0)
            {
                ticks.AddMinor(d + Math.Log10(2));
            }
        }

        return ticks;
    }
}
