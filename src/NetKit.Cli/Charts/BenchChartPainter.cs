using NetKit.Cli.Commands;
using ScottPlot;
using SkiaSharp;

namespace NetKit.Cli.Charts;

/// <summary>Lays out the panels of one chart and renders them to PNG or SVG bytes, off screen.</summary>
internal static class BenchChartPainter
{
    public static byte[] Draw(IReadOnlyList<BenchChartRun> runs, BenchChartKind kind, string? title, int width, int height, bool svg)
    {
        BenchChartStyle.UseReadableFont();
        Plot[] panels = kind switch
        {
            BenchChartKind.Throughput => [BenchThroughputPanel.Create(runs, legend: true)],
            BenchChartKind.Latency => [BenchLatencyPanel.Create(runs)],
            BenchChartKind.Sweep => BenchSweepPanel.Create(runs),
            _ => [BenchThroughputPanel.Create(runs, legend: false), BenchLatencyPanel.Create(runs)],
        };
        if (!string.IsNullOrWhiteSpace(title))
        {
            // Over the first panel: a figure-wide title would need a panel of its own.
            panels[0].Title(panels.Length == 1 ? title : $"{title}: {panels[0].Axes.Title.Label.Text}", BenchChartStyle.TitleSize);
            for (int i = 1; i < panels.Length; i++)
            {
                panels[i].Title($"{title}: {panels[i].Axes.Title.Label.Text}", BenchChartStyle.TitleSize);
            }
        }

        var figure = new Multiplot();
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        figure.RemovePlot(figure.GetPlot(0));
        foreach (var panel in panels)
        {
            figure.AddPlot(panel);
        }

        return svg ? RenderSvg(figure, width, height) : figure.Render(width, height).GetImageBytes(ImageFormat.Png, 100);
    }

    private static byte[] RenderSvg(Multiplot figure, int width, int height)
    {
        // The first render of a plot lays its axes out and draws again once they are sized: a raster canvas is
        // cleared between the passes, an SVG one keeps both. A throwaway raster render settles the layout, so
        // the SVG gets one pass.
        using (figure.Render(width, height))
        {
        }

        using var stream = new MemoryStream();
        // The SVG canvas writes its document when it is disposed, before the stream is read.
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
        {
            figure.Render(canvas, new PixelRect(new PixelSize(width, height)));
        }

        return stream.ToArray();
    }
}
