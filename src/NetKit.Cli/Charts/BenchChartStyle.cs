using ScottPlot;

namespace NetKit.Cli.Charts;

/// <summary>Sizes and the font every panel shares, chosen to read well in a PNG at 100 % on a README.</summary>
internal static class BenchChartStyle
{
    public const float TitleSize = 20;
    public const float AxisLabelSize = 16;
    public const float TickLabelSize = 13;
    public const float LegendSize = 14;
    public const float LineWidth = 2.5f;

    /// <summary>Sans-serif families found on a headless Linux (Debian's fonts-dejavu-core first), then elsewhere.</summary>
    private static readonly string[] Families = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "Segoe UI"];

    /// <summary>
    /// Makes every panel's text a sans-serif family that is installed: left alone, ScottPlot picks the first
    /// family it finds, which on a bare Debian is DejaVu Serif. With no font at all the text would be drawn as
    /// nothing, so that is an error naming the package to install.
    /// </summary>
    public static void UseReadableFont()
    {
        var installed = SkiaSharp.SKFontManager.Default.GetFontFamilies();
        string? family = Families.FirstOrDefault(f => installed.Contains(f, StringComparer.OrdinalIgnoreCase));
        if (family is null && installed.Length == 0)
        {
            throw new CliException(NetKit.Transport.ExitCodes.Failure,
                "bench chart: no font is installed to draw text with (on Debian: apt-get install fonts-dejavu-core)");
        }

        if (family is not null)
        {
            Fonts.Default = family;
        }
    }

    public static void Apply(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.Legend.FontSize = LegendSize;
        plot.Font.Set(Fonts.Default);
    }

    /// <summary>The colour of run <paramref name="index"/>: the same in every panel of a chart.</summary>
    public static Color ColorOf(int index) => new ScottPlot.Palettes.Category10().GetColor(index);
}
