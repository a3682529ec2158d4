using System.Globalization;
using System.Text.Json;

namespace NetKit.Cli.Commands;

/// <summary>Reads the <c>netkit bench --json</c> files a chart draws, and names their runs. A file that is
/// missing or not such a file is a usage error, reported in one line naming it.</summary>
internal static class BenchChartFiles
{
    /// <param name="labels">One per file, in order, or none: then each run is named from its file.</param>
    public static IReadOnlyList<BenchChartRun> Read(IReadOnlyList<string> paths, IReadOnlyList<string> labels)
    {
        if (labels.Count > 0 && labels.Count != paths.Count)
        {
            throw CliException.Usage(
                $"bench chart: {labels.Count} --label for {paths.Count} files: give one --label per file, in the files' order");
        }

        var documents = paths.Select(Load).ToArray();
        // The connection count is worth a place in a label only when the runs differ in it.
        bool connectionsDiffer = documents.Select(d => d.Options.Connections).Distinct().Count() > 1;
        var runs = new BenchChartRun[documents.Length];
        for (int i = 0; i < documents.Length; i++)
        {
            BenchJsonOptions options = documents[i].Options;
            BenchJsonResults results = documents[i].Results;
            string series = labels.Count > 0 ? labels[i] : string.IsNullOrWhiteSpace(options.Label) ? Workload(options) : options.Label;
            string label = labels.Count > 0 ? labels[i]
                : string.IsNullOrWhiteSpace(options.Label) || connectionsDiffer ? $"{series} c={Text(options.Connections)}" : series;
            runs[i] = new BenchChartRun(label, series, options.Connections, results.RequestsPerSecond,
                results.RequestsPerServerCpuSecond, Distribution(documents[i]));
        }

        return runs;
    }

    private static BenchJsonDocument Load(string path)
    {
        BenchJsonDocument? document;
        if (Directory.Exists(path))
        {
            throw CliException.Usage($"bench chart: cannot read {path}: is a directory");
        }

        try
        {
            using var file = File.OpenRead(path);
            document = JsonSerializer.Deserialize(file, BenchJsonContext.Default.BenchJsonDocument);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CliException.Usage($"bench chart: cannot read {path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw CliException.Usage($"bench chart: cannot read {path}: permission denied");
        }
        catch (IOException ex)
        {
            throw CliException.Usage($"bench chart: cannot read {path}: {ex.Message}");
        }
        catch (JsonException ex)
        {
            throw CliException.Usage($"bench chart: {path} is not a `netkit bench --json` file: {ex.Message}");
        }

        if (document?.Options is null || document.Results is null)
        {
            throw CliException.Usage($"bench chart: {path} is not a `netkit bench --json` file: it has no options or no results");
        }

        return document;
    }

    private static string Workload(BenchJsonOptions options)
    {
        string workload = options.Workload ?? options.Target ?? "run";
        return options.Pipeline > 1 ? $"{workload} P={Text(options.Pipeline)}" : workload;
    }

    /// <summary>The file's distribution, or, from a file written before it was kept, the percentiles of its
    /// results: enough for a coarse curve.</summary>
    private static IReadOnlyList<BenchJsonPercentile> Distribution(BenchJsonDocument document)
    {
        if (document.LatencyDistribution is { Count: > 0 } distribution)
        {
            return distribution;
        }

        BenchJsonResults r = document.Results;
        return r.Requests == 0 ? [] :
        [
            new(50, r.P50Us), new(90, r.P90Us), new(99, r.P99Us), new(99.9, r.P999Us), new(99.99, r.P9999Us), new(100, r.MaxUs),
        ];
    }

    private static string Text(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
