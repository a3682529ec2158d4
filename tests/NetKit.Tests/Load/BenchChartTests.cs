using System.Buffers.Binary;
using System.Globalization;
using System.Xml.Linq;
using NetKit.Tests.Cli;
using NetKit.Transport;

namespace NetKit.Tests.Load;

/// <summary>
/// <c>netkit bench chart</c> end to end on the JIT build (the native binary leaves charts out; see
/// <see cref="BenchCommandTests"/>): small <c>--json</c> files in, a real PNG or SVG out, and files it cannot
/// use refused in one line with the usage code.
/// </summary>
public sealed class BenchChartTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _directory = Directory.CreateTempSubdirectory("netkit-chart-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_runs_draw_a_png_of_the_size_asked_for()
    {
        string a = WriteRun(_directory, "a.json", "netkit epoll", 100, 152_757, 177_614, withDistribution: true);
        string b = WriteRun(_directory, "b.json", "c floor", 100, 172_535, null, withDistribution: false);
        string png = Path.Combine(_directory, "echo.png");

        NetkitResult result = await NetkitProcess.RunAsync(["bench", "chart", a, b, "--out", png, "--width", "1200", "--height", "500"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        byte[] bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal(PngSignature, bytes[..8]);
        // IHDR, the first chunk: width and height, big-endian, after its length and type.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(1200, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(500, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        // Bars, curves and text compress to far more than a blank image of that size (about 5 KB).
        Assert.True(bytes.Length > 30_000, $"{bytes.Length} bytes");
        Assert.Contains(result.StdoutLines, l => l.StartsWith($"wrote {png} (2 runs, ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_svg_holds_each_runs_label_and_the_percentile_axis()
    {
        string a = WriteRun(_directory, "a.json", "netkit epoll", 1000, 151_045, 168_954, withDistribution: true);
        string b = WriteRun(_directory, "b.json", "rust", 1000, 67_986, 74_929, withDistribution: true);
        string svg = Path.Combine(_directory, "echo.svg");

        NetkitResult result = await NetkitProcess.RunAsync(
            ["bench", "chart", a, b, "--out", svg, "--label", "epoll", "--label", "rust std", "--title", "echo, 1,000 connections"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        XDocument document = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", document.Root!.Name);
        Assert.Equal("1600", document.Root.Attribute("width")?.Value);
        Assert.Equal("600", document.Root.Attribute("height")?.Value);
        var texts = document.Descendants(ns + "text").Select(t => t.Value.Trim()).ToHashSet();
        // The --label overrides, not the files' own labels; the HDR axis; the bars' compact values.
        Assert.Contains("epoll", texts);
        Assert.Contains("rust std", texts);
        Assert.DoesNotContain("netkit epoll", texts);
        Assert.Contains("99.9%", texts);
        Assert.Contains("151k", texts);
        Assert.Contains("echo, 1,000 connections: Throughput", texts);
        Assert.True(document.Descendants(ns + "path").Count() > 4);
    }

    [Fact]
    public async Task A_sweep_draws_a_line_per_label_across_connection_counts()
    {
        var files = new List<string>();
        foreach (int connections in new[] { 100, 1000, 10_000 })
        {
            files.Add(WriteRun(_directory, $"epoll-{connections}.json", "epoll", connections, 150_000 - connections, 160_000, withDistribution: true));
            files.Add(WriteRun(_directory, $"async-{connections}.json", "async", connections, 80_000 - connections, 75_000, withDistribution: true));
        }

        string svg = Path.Combine(_directory, "sweep.svg");
        NetkitResult result = await NetkitProcess.RunAsync(["bench", "chart", .. files, "--kind", "sweep", "--out", svg]);

        Assert.True(result.ExitCode == 0, result.ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = XDocument.Load(svg).Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();
        // One legend entry per series, not per run; the connection counts as the x axis.
        Assert.Equal(1, texts.Count(t => t == "epoll"));
        Assert.Equal(1, texts.Count(t => t == "async"));
        Assert.Contains("10,000", texts);
        Assert.Contains("requests per server CPU-second", texts);
    }

    [Fact]
    public async Task A_missing_file_is_one_line_and_the_usage_code()
    {
        string a = WriteRun(_directory, "a.json", "epoll", 100, 1000, null, withDistribution: true);
        string missing = Path.Combine(_directory, "missing.json");
        string png = Path.Combine(_directory, "out.png");

        NetkitResult result = await NetkitProcess.RunAsync(["bench", "chart", a, missing, "--out", png]);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Equal([$"netkit: bench chart: cannot read {missing}: no such file"], result.StderrLines);
        Assert.False(File.Exists(png));
    }

    [Fact]
    public async Task An_output_in_a_missing_directory_is_one_line_and_a_failure()
    {
        string a = WriteRun(_directory, "a.json", "epoll", 100, 1000, null, withDistribution: true);
        string png = Path.Combine(_directory, "no-such-directory", "out.png");

        NetkitResult result = await NetkitProcess.RunAsync(["bench", "chart", a, "--out", png]);

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Equal([$"netkit: cannot write {png}: no such directory"], result.StderrLines);
    }

    [Fact]
    public async Task A_directory_for_a_file_is_one_line_and_the_usage_code()
    {
        NetkitResult result = await NetkitProcess.RunAsync(["bench", "chart", _directory, "--out", Path.Combine(_directory, "out.svg")]);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Equal([$"netkit: bench chart: cannot read {_directory}: is a directory"], result.StderrLines);
    }

    [Theory]
    [InlineData("{ \"options\": ", "is not a `netkit bench --json` file: ")]
    [InlineData("[1, 2, 3]", "is not a `netkit bench --json` file: ")]
    [InlineData("{ \"environment\": {} }", "is not a `netkit bench --json` file: it has no options or no results")]
    public async Task A_malformed_file_is_one_line_and_the_usage_code(string content, string expected)
    {
        string bad = Path.Combine(_directory, "bad.json");
        await File.WriteAllTextAsync(bad, content);
        string png = Path.Combine(_directory, "out.png");

        NetkitResult result = await NetkitProcess.RunAsync(["bench", "chart", bad, "--out", png]);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith($"netkit: bench chart: {bad} {expected}", line, StringComparison.Ordinal);
        Assert.False(File.Exists(png));
    }

    [Theory]
    [InlineData("out.jpg", new string[0], "--out must name a .png or .svg file")]
    [InlineData("out.png", new[] { "--label", "only one" }, "1 --label for 2 files")]
    public async Task Arguments_it_cannot_follow_are_one_line_and_the_usage_code(string output, string[] extra, string expected)
    {
        string a = WriteRun(_directory, "a.json", "epoll", 100, 1000, null, withDistribution: true);
        string b = WriteRun(_directory, "b.json", "async", 100, 900, null, withDistribution: true);

        NetkitResult result = await NetkitProcess.RunAsync(
            ["bench", "chart", a, b, "--out", Path.Combine(_directory, output), .. extra]);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains(expected, Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    /// <summary>A small file in the format <c>netkit bench --json</c> writes (snake_case), with or without the
    /// latency distribution (older files have none: the chart falls back on the results' percentiles).</summary>
    internal static string WriteRun(string directory, string name, string label, int connections, double rps, double? perCpu, bool withDistribution)
    {
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        string distribution = withDistribution
            ? ", \"latency_distribution\": [" + string.Join(", ", new[] { (0.0, 40), (50.0, 600), (90.0, 900), (99.0, 2000), (99.9, 4000), (99.99, 9000), (100.0, 12000) }
                .Select(p => $"{{ \"percentile\": {F(p.Item1)}, \"latency_us\": {(long)(p.Item2 * (1 + rps / 1e6))} }}")) + "]"
            : string.Empty;
        string cpu = perCpu is double c ? $", \"requests_per_server_cpu_second\": {F(c)}, \"server_cpu_seconds\": 1" : string.Empty;
        string json = $$"""
            {
              "environment": { "machine": "test", "cores": 2, "load_average": [1.5, 1.2, 1.0] },
              "options": { "label": "{{label}}", "target": "echo", "workload": "echo", "connect": "127.0.0.1:7878",
                           "connections": {{connections}}, "pipeline": 1, "size": 64 },
              "results": { "connections_opened": {{connections}}, "requests": {{F(rps * 5)}}, "measured_seconds": 5,
                           "requests_per_second": {{F(rps)}}, "p50_us": 600, "p90_us": 900, "p99_us": 2000, "p999_us": 4000,
                           "p9999_us": 9000, "max_us": 12000{{cpu}} }{{distribution}}
            }
            """;
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, json);
        return path;
    }
}
