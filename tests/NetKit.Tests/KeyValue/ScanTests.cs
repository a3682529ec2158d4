using System.Text.RegularExpressions;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

public partial class ScanTests
{
    [Fact]
    public void EmptyDatabaseScansToZeroAtOnce()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", kv.Run("SCAN", "0"));
    }

    [Fact]
    public void ScanReturnsEveryKeyExactlyOnceWhenNothingChanges()
    {
        using var kv = new RespCommandRunner();
        for (int i = 0; i < 100; i++)
        {
            kv.Run("SET", $"key:{i}", "v");
        }

        var (seen, calls) = ScanAll(kv, "COUNT", "7");
        Assert.Equal(100, seen.Count);
        Assert.Equal(100, seen.Distinct().Count());
        Assert.InRange(calls, 15, 20);
    }

    [Fact]
    public void DefaultCountIsTen()
    {
        using var kv = new RespCommandRunner();
        for (int i = 0; i < 25; i++)
        {
            kv.Run("SET", $"k{i}", "v");
        }

        var (cursor, keys) = ParseScan(kv.Run("SCAN", "0"));
        Assert.NotEqual("0", cursor);
        Assert.InRange(keys.Count, 10, 11); // more only if keys share the boundary hash
    }

    [Fact]
    public void ScanCompletesWhileKeysComeAndGo()
    {
        using var kv = new RespCommandRunner();
        using var other = new RespCommandRunner(kv.Database);
        for (int i = 0; i < 1000; i++)
        {
            kv.Run("SET", $"orig:{i}", "v");
        }

        // Every third original key is deleted during the iteration; thousands of others are added (forcing
        // the dictionary to grow) and some removed again.
        var seen = new HashSet<string>();
        string cursor = "0";
        int calls = 0, churn = 0;
        do
        {
            var (next, keys) = ParseScan(kv.Run("SCAN", cursor, "COUNT", "7"));
            seen.UnionWith(keys);
            cursor = next;
            calls++;
            for (int j = 0; j < 30; j++, churn++)
            {
                other.Run("SET", $"new:{churn}", "v");
            }

            other.Run("DEL", $"new:{churn / 2}", $"orig:{(calls * 3) % 1000}");
        }
        while (cursor != "0" && calls < 10_000);

        Assert.Equal("0", cursor);
        var deleted = Enumerable.Range(1, calls).Select(c => (c * 3) % 1000).ToHashSet();
        var missing = Enumerable.Range(0, 1000).Where(i => !deleted.Contains(i) && !seen.Contains($"orig:{i}")).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void TwoInterleavedIterationsBothComplete()
    {
        using var kv = new RespCommandRunner();
        for (int i = 0; i < 200; i++)
        {
            kv.Run("SET", $"k{i}", "v");
        }

        var first = new HashSet<string>();
        var second = new HashSet<string>();
        string c1 = "0", c2 = "0";
        bool started2 = false;
        for (int step = 0; step < 1000 && (c1 != "0" || step == 0 || !started2 || c2 != "0"); step++)
        {
            if (step == 0 || c1 != "0")
            {
                var (n1, k1) = ParseScan(kv.Run("SCAN", c1, "COUNT", "5"));
                first.UnionWith(k1);
                c1 = n1;
            }

            if (step >= 3 && (!started2 || c2 != "0"))
            {
                started2 = true;
                var (n2, k2) = ParseScan(kv.Run("SCAN", c2, "COUNT", "3"));
                second.UnionWith(k2);
                c2 = n2;
                kv.Run("SET", $"extra{step}", "v");
            }
        }

        Assert.Equal(200, first.Count(k => k.StartsWith('k')));
        Assert.Equal(200, second.Count(k => k.StartsWith('k')));
    }

    [Fact]
    public void ScanMatchFiltersTheKeysVisited()
    {
        using var kv = new RespCommandRunner();
        for (int i = 0; i < 50; i++)
        {
            kv.Run("SET", $"user:{i}", "v");
            kv.Run("SET", $"order:{i}", "v");
        }

        var (seen, _) = ScanAll(kv, "MATCH", "user:*", "COUNT", "9");
        Assert.Equal(50, seen.Count);
        Assert.All(seen, k => Assert.StartsWith("user:", k));
        Assert.Empty(ScanAll(kv, "TYPE", "list").Keys);
        Assert.Equal(100, ScanAll(kv, "type", "string").Keys.Count);
    }

    [Fact]
    public void ScanArgumentErrors()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("-ERR invalid cursor\r\n", kv.Run("SCAN", "abc"));
        Assert.Equal("-ERR invalid cursor\r\n", kv.Run("SCAN", "-1"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SCAN", "0", "COUNT", "0"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SCAN", "0", "COUNT"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SCAN", "0", "FOO", "1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", kv.Run("SCAN", "0", "COUNT", "x"));
        Assert.Equal("-ERR wrong number of arguments for 'scan' command\r\n", kv.Run("SCAN"));
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", kv.Run("SCAN", "18446744073709551615"));
    }

    private static (List<string> Keys, int Calls) ScanAll(RespCommandRunner kv, params string[] options)
    {
        var keys = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var (next, page) = ParseScan(kv.Run(["SCAN", cursor, .. options]));
            keys.AddRange(page);
            cursor = next;
            calls++;
        }
        while (cursor != "0" && calls < 100_000);

        return (keys, calls);
    }

    private static (string Cursor, List<string> Keys) ParseScan(string reply)
    {
        Match head = ScanHead().Match(reply);
        Assert.True(head.Success, reply);
        string cursor = head.Groups[1].Value;
        var keys = KeyCommandTests.ParseArray(reply[head.Length..]);
        return (cursor, keys);
    }

    [GeneratedRegex(@"^\*2\r\n\$\d+\r\n(\d+)\r\n")]
    private static partial Regex ScanHead();
}
