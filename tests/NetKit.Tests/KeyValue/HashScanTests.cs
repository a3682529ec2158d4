using System.Text.RegularExpressions;

namespace NetKit.Tests.KeyValue;

/// <summary>HSCAN honours its cursor and COUNT on a hashtable, and returns a listpack whole, as Redis does.</summary>
public partial class HashScanTests
{
    [Fact]
    public void AHashtableComesInPagesOfAboutCount()
    {
        using var kv = new RespCommandRunner();
        for (int i = 0; i < 1000; i += 100)
        {
            kv.Run(["HSET", "h", .. Enumerable.Range(i, 100).SelectMany(n => new[] { $"field:{n}", $"v{n}" })]);
        }

        Assert.Equal("$9\r\nhashtable\r\n", kv.Run("OBJECT", "ENCODING", "h"));
        var (pairs, calls, largest) = ScanAll(kv, "h", "COUNT", "7");
        Assert.Equal(Enumerable.Range(0, 1000).Select(n => $"field:{n}=v{n}").Order(), pairs.Order());
        Assert.InRange(calls, 1000 / 8, 1000 / 7 + 2);
        Assert.InRange(largest, 7, 9); // COUNT, plus any fields sharing the last one's hash

        // The default COUNT is 10; MATCH filters each page.
        Assert.InRange(ScanAll(kv, "h").Calls, 1000 / 11, 1000 / 10 + 2);
        var matched = ScanAll(kv, "h", "MATCH", "field:1?", "COUNT", "50").Pairs;
        Assert.Equal(Enumerable.Range(10, 10).Select(n => $"field:{n}=v{n}").Order(), matched.Order());
    }

    [Fact]
    public void FieldsPresentThroughoutAreReturnedWhateverChangesMeanwhile()
    {
        using var kv = new RespCommandRunner();
        kv.Run(["HSET", "h", .. Enumerable.Range(0, 300).SelectMany(n => new[] { $"f{n}", "x" })]);
        var seen = new HashSet<string>();
        string cursor = "0";
        int step = 0;
        do
        {
            var (next, page) = ParseScan(kv.Run("HSCAN", "h", cursor, "COUNT", "5"));
            seen.UnionWith(page.Where((_, i) => i % 2 == 0));
            // Between calls: fields 0-99 deleted, new fields added; fields 100-299 stay.
            kv.Run("HDEL", "h", $"f{step % 100}");
            kv.Run("HSET", "h", $"new{step}", "y");
            cursor = next;
            step++;
        }
        while (cursor != "0" && step < 10_000);

        Assert.Equal("0", cursor);
        Assert.Subset(seen, Enumerable.Range(100, 200).Select(n => $"f{n}").ToHashSet());
    }

    [Fact]
    public void AListpackIsReturnedWholeWithCursorZero()
    {
        using var kv = new RespCommandRunner();
        kv.Run("HSET", "small", "a", "1", "b", "2", "c", "3");
        var (cursor, page) = ParseScan(kv.Run("HSCAN", "small", "0", "COUNT", "1"));
        Assert.Equal("0", cursor);
        Assert.Equal(["a", "1", "b", "2", "c", "3"], page.Chunk(2).OrderBy(p => p[0], StringComparer.Ordinal).SelectMany(p => p));
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", kv.Run("HSCAN", "missing", "17"));
        kv.Run(["HSET", "big", .. Enumerable.Range(0, 200).SelectMany(n => new[] { $"f{n}", "x" })]);
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", kv.Run("HSCAN", "big", "18446744073709551615"));
    }

    private static (List<string> Pairs, int Calls, int Largest) ScanAll(RespCommandRunner kv, string key, params string[] options)
    {
        var pairs = new List<string>();
        string cursor = "0";
        int calls = 0, largest = 0;
        do
        {
            var (next, page) = ParseScan(kv.Run(["HSCAN", key, cursor, .. options]));
            pairs.AddRange(page.Chunk(2).Select(p => $"{p[0]}={p[1]}"));
            largest = Math.Max(largest, page.Count / 2);
            cursor = next;
            calls++;
            Assert.True(calls < 10_000, "HSCAN did not finish");
        }
        while (cursor != "0");

        return (pairs, calls, largest);
    }

    private static (string Cursor, List<string> Items) ParseScan(string reply)
    {
        Match head = ScanHead().Match(reply);
        Assert.True(head.Success, reply);
        return (head.Groups[1].Value, KeyCommandTests.ParseArray(reply[head.Length..]));
    }

    [GeneratedRegex(@"^\*2\r\n\$\d+\r\n(\d+)\r\n")]
    private static partial Regex ScanHead();
}
