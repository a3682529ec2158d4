using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NetKit.Hosting;
using NetKit.Tests.Cli;
using NetKit.Tests.Transport;
using NetKit.Transport;

namespace NetKit.Tests.Load;

/// <summary><c>netkit bench</c> end to end: the report lines the bench scripts parse, the JSON file, and
/// a non-zero exit when nothing was answered.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task A_run_prints_the_report_lines_and_writes_the_json_file()
    {
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        string json = Path.Combine(Path.GetTempPath(), $"netkit-bench-{Guid.NewGuid():N}.json");
        try
        {
            NetkitResult result = await NetkitProcess.RunAsync(
            [
                "bench", "echo", "--connect", $"127.0.0.1:{EndPointPort.Of(server.LocalEndPoint)}", "-c", "4", "--warmup", "0",
                "-d", "30", "--max-requests", "300", "--json", json, "--server-pid", Environment.ProcessId.ToString(),
            ]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Matches(@"^round trips/s: \d+   p50: \d+ us   p99: \d+ us   p99\.9: \d+ us   max: \d+ us   errors: 0$", result.StdoutLines[1]);
            Assert.Contains(result.StdoutLines, l => l.StartsWith("latency: p90 ", StringComparison.Ordinal) && l.Contains("requests: 300", StringComparison.Ordinal));
            Assert.Contains(result.StdoutLines, l => l.StartsWith("cpu: server ", StringComparison.Ordinal) && l.Contains("per server cpu-second: ", StringComparison.Ordinal));

            using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            JsonElement root = document.RootElement;
            Assert.Equal(300, root.GetProperty("results").GetProperty("requests").GetInt64());
            Assert.Equal(4, root.GetProperty("options").GetProperty("connections").GetInt32());
            Assert.Equal(Environment.ProcessorCount, root.GetProperty("environment").GetProperty("cores").GetInt32());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Csv_prints_a_header_and_one_row_with_the_json_files_results()
    {
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        string json = Path.Combine(Path.GetTempPath(), $"netkit-bench-{Guid.NewGuid():N}.json");
        const string Label = "netkit \"epoll\", 3 connections";
        try
        {
            NetkitResult result = await NetkitProcess.RunAsync(
            [
                "bench", "echo", "--connect", $"127.0.0.1:{EndPointPort.Of(server.LocalEndPoint)}", "-c", "3", "--warmup", "0",
                "-d", "30", "--max-requests", "200", "--csv", "--label", Label, "--json", json,
            ]);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(2, result.StdoutLines.Length);
            string[][] rows = ParseCsv(result.Stdout);
            Assert.Equal(2, rows.Length);
            string[] header = rows[0];
            var row = header.Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
            Assert.Equal(header.Length, rows[1].Length);
            Assert.Equal(Label, row["label"]);
            Assert.Equal("echo", row["target"]);
            Assert.Equal("3", row["connections"]);

            // Every field of the JSON file's results is a column, with the same value.
            using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal(Label, document.RootElement.GetProperty("options").GetProperty("label").GetString());
            JsonElement results = document.RootElement.GetProperty("results");
            foreach (JsonProperty field in results.EnumerateObject())
            {
                Assert.True(row.ContainsKey(field.Name), $"no column {field.Name} in {string.Join(',', header)}");
                if (field.Value.ValueKind == JsonValueKind.Number)
                {
                    Assert.Equal(field.Value.GetDouble(), double.Parse(row[field.Name], System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            Assert.Equal("200", row["requests"]);
            Assert.Equal("0", row["errors"]);
            Assert.Equal(string.Empty, row["first_error"]);
            Assert.True(document.RootElement.GetProperty("latency_distribution").GetArrayLength() > 0);
        }
        finally
        {
            File.Delete(json);
        }
    }

    /// <summary>Run against both builds by CI: the JIT one draws; the native one leaves charts out (they would
    /// need SkiaSharp's native libraries beside it) and must say so in one line, not fail some other way.</summary>
    [Fact]
    public async Task Bench_chart_draws_or_in_the_native_binary_says_which_build_does()
    {
        string directory = Directory.CreateTempSubdirectory("netkit-chart-").FullName;
        try
        {
            string run = BenchChartTests.WriteRun(directory, "a.json", "epoll", 100, 150_000, 160_000, withDistribution: true);
            string png = Path.Combine(directory, "a.png");
            NetkitResult result = await NetkitProcess.RunAsync(["bench", "chart", run, "--out", png]);

            bool native = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NetkitProcess.CliVariable));
            if (native && result.ExitCode != 0)
            {
                Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
                string line = Assert.Single(result.StderrLines);
                Assert.StartsWith("netkit: bench chart: not in the native binary", line, StringComparison.Ordinal);
                Assert.Contains("dotnet", line, StringComparison.Ordinal);
                Assert.False(File.Exists(png));
            }
            else
            {
                Assert.True(result.ExitCode == 0, result.ToString());
                Assert.Equal(0x89, (await File.ReadAllBytesAsync(png))[0]);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_run_with_every_reply_wrong_exits_with_the_protocol_violation_code()
    {
        await using var server = TestServers.Start(NetKitServices.Echo, new ServiceSettings());
        NetkitResult result = await NetkitProcess.RunAsync(
            ["bench", "lines", "--connect", $"127.0.0.1:{EndPointPort.Of(server.LocalEndPoint)}", "-c", "2", "--warmup", "0", "-d", "20"]);

        Assert.True(result.ExitCode == ExitCodes.ProtocolViolation, result.ToString());
        Assert.Contains(result.StderrLines, l => l == "netkit: bench lines: no request was answered");
    }

    [Fact]
    public async Task A_closed_port_exits_with_the_connection_refused_code()
    {
        using Socket reserved = LoadGeneratorTests.BoundNotListening();
        int port = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        NetkitResult result = await NetkitProcess.RunAsync(["bench", "kv", "--connect", $"127.0.0.1:{port}", "-c", "3"]);

        Assert.True(result.ExitCode == ExitCodes.ConnectionRefused, result.ToString());
        Assert.Contains(result.StderrLines, l => l == $"netkit: cannot connect to 127.0.0.1:{port}: connection refused");
    }

    /// <summary>RFC 4180 through the framework's own parser, not ours: quoted fields, doubled quotes.</summary>
    private static string[][] ParseCsv(string text)
    {
        using var parser = new Microsoft.VisualBasic.FileIO.TextFieldParser(new StringReader(text))
        {
            TextFieldType = Microsoft.VisualBasic.FileIO.FieldType.Delimited,
            HasFieldsEnclosedInQuotes = true,
            TrimWhiteSpace = false,
        };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData)
        {
            rows.Add(parser.ReadFields()!);
        }

        return [.. rows];
    }
}
