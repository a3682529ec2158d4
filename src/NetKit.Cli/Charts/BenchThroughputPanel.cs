using System.Globalization;
using NetKit.Cli.Commands;
using ScottPlot;

namespace NetKit.Cli.Charts;

/// <summary>Throughput as grouped bars: a group for requests/s and, when any run measured its server's CPU,
/// one for requests per server CPU-second; in each a bar per run, in the run's colour, its value on top.</summary>
internal static class BenchThroughputPanel
{
    public static Plot Create(IReadOnlyList<BenchChartRun> runs, bool legend)
    {
        var plot = new Plot();
        bool perCpu = runs.Any(r => r.RequestsPerServerCpuSecond is > 0);
        string[] groups = perCpu ? ["per second", "per server CPU-second"] : ["per second"];
        int n = runs.Count;
        for (int i = 0; i < n; i++)
        {
            BenchChartRun run = runs[i];
            var bars = new List<Bar> { BarAt(i, run.RequestsPerSecond, i) };
            if (run.RequestsPerServerCpuSecond is > 0 and var cpu)
            {
                // A run without the figure leaves a gap rather than a zero bar that reads as "none".
                bars.Add(BarAt((n + 1) + i, cpu, i));
            }

            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = run.Label;
            plottable.ValueLabelStyle.FontSize = BenchChartStyle.TickLabelSize;
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int g = 0; g < groups.Length; g++)
        {
            ticks.AddMajor(g * (n + 1) + (n - 1) / 2.0, groups[g]);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.12);
        BenchChartStyle.Apply(plot, "Throughput", string.Empty, "requests");
        plot.Grid.XAxisStyle.IsVisible = false;
        if (legend)
        {
            plot.ShowLegend(Alignment.UpperRight);
        }
        else
        {
            plot.HideLegend();
        }

        return plot;
    }

    private static Bar BarAt(double position, double value, int run) => new()
    {
        Position = position,
        Value = value,
        FillColor = BenchChartStyle.ColorOf(run),
        LineWidth = 0,
        Label = Compact(value),
    };

    /// <summary>153k, 1.63M: a bar's value in the few characters that fit over it.</summary>
    internal static string Compact(double value) => value switch
    {
        >= 10_000_000 => (value / 1_000_000).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 1_000_000 => (value / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (value / 1_000).ToString("0", CultureInfo.InvariantCulture) + "k",
        >= 1_000 => (value / 1_000).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0", CultureInfo.InvariantCulture),
    };
}
