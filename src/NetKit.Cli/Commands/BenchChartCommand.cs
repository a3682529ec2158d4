using System.CommandLine;
using System.Globalization;
using NetKit.Transport;

namespace NetKit.Cli.Commands;

/// <summary>
/// <c>netkit bench chart A.json B.json ... --out FILE.png|svg</c>: draws runs saved with <c>netkit bench
/// --json</c> — throughput bars and HDR-style latency-by-percentile curves, or a connection-count sweep —
/// with ScottPlot, headless. The native binary leaves the drawing out (see NetKit.Cli.csproj) and says so.
/// </summary>
internal static class BenchChartCommand
{
    /// <summary>What the native binary says instead of drawing.</summary>
    public const string NotInNativeBuild =
        "bench chart: not in the native binary (ScottPlot needs SkiaSharp's native libraries beside it); " +
        "use the .NET build: the NetKit.Cli dotnet tool, or dotnet netkit.dll bench chart ...";

    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Files written by netkit bench ... --json, one run each.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "The image to write: FILE.png or FILE.svg.",
            HelpName = "file",
            Required = true,
        };
        var labels = new Option<string[]>("--label")
        {
            Description = "What to call each run, once per file in the files' order (default: the run's --label, " +
                          "else its workload, with the connection count when the runs differ in it).",
            HelpName = "text",
        };
        var kind = new Option<string>("--kind")
        {
            Description = "both (throughput bars beside latency curves), throughput, latency, or sweep (requests/s " +
                          "against connections, a line per label).",
            DefaultValueFactory = _ => "both",
        };
        kind.AcceptOnlyFromAmong("both", "throughput", "latency", "sweep");
        var title = new Option<string?>("--title") { Description = "A title above the chart.", HelpName = "text" };
        var width = new Option<int>("--width") { Description = "Image width in pixels (0 = by kind).", DefaultValueFactory = _ => 0 };
        var height = new Option<int>("--height") { Description = "Image height in pixels.", DefaultValueFactory = _ => 600 };

        var command = new Command("chart",
            "Draw runs saved with --json: requests/s bars and latency-by-percentile curves (PNG or SVG). Not in the native binary.")
        {
            files, output, labels, kind, title, width, height,
        };
        command.SetAction(Run);
        return command;

        int Run(ParseResult result)
        {
#if NETKIT_CHARTS
            string path = result.GetValue(output)!;
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is not (".png" or ".svg"))
            {
                throw CliException.Usage($"bench chart: --out must name a .png or .svg file (got {path})");
            }

            BenchChartKind chartKind = result.GetValue(kind) switch
            {
                "throughput" => BenchChartKind.Throughput,
                "latency" => BenchChartKind.Latency,
                "sweep" => BenchChartKind.Sweep,
                _ => BenchChartKind.Both,
            };
            int w = result.GetValue(width) is > 0 and var given ? given : chartKind is BenchChartKind.Both or BenchChartKind.Sweep ? 1600 : 1000;
            int h = result.GetValue(height);
            if (w is < 200 or > 10_000 || h is < 200 or > 10_000)
            {
                throw CliException.Usage($"bench chart: --width and --height must be from 200 to 10000 pixels (got {w}x{h})");
            }

            var runs = BenchChartFiles.Read(result.GetValue(files) ?? [], result.GetValue(labels) ?? []);
            byte[] image = Charts.BenchChartPainter.Draw(runs, chartKind, result.GetValue(title), w, h, svg: extension == ".svg");
            try
            {
                File.WriteAllBytes(path, image);
            }
            catch (DirectoryNotFoundException)
            {
                throw new CliException(ExitCodes.Failure, $"cannot write {path}: no such directory");
            }
            catch (UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.PermissionDenied, $"cannot write {path}: permission denied");
            }
            catch (IOException ex)
            {
                throw new CliException(ExitCodes.Failure, $"cannot write {path}: {ex.Message}");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path} ({runs.Count} run{(runs.Count == 1 ? "" : "s")}, {image.Length:N0} bytes)"));
            return ExitCodes.Success;
#else
            throw new CliException(ExitCodes.Failure, NotInNativeBuild);
#endif
        }
    }
}
