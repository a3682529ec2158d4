using NetKit.Tests.KeyValue.Server;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>A set's encoding as Redis 7.0 chooses it (intset or hashtable, set-max-intset-entries), its random
/// members (SPOP, SRANDMEMBER) and SSCAN's paging.</summary>
public class SetEncodingTests
{
    private const string Intset = "$6\r\nintset\r\n";
    private const string Hashtable = "$9\r\nhashtable\r\n";

    [Theory]
    [InlineData("a")]
    [InlineData("01")] // not an integer's canonical form: Redis keeps it as text
    [InlineData("+1")]
    [InlineData("-0")]
    [InlineData(" 1")]
    [InlineData("9223372036854775808")]
    public void AMemberThatIsNotACanonicalIntegerMakesAHashtable(string member)
    {
        using var kv = new RespCommandRunner();
        kv.Run("SADD", "s", "1", "-9223372036854775808", "9223372036854775807");
        Assert.Equal(Intset, kv.Run("OBJECT", "ENCODING", "s"));
        Assert.Equal(":1\r\n", kv.Run("SADD", "s", member));
        Assert.Equal(Hashtable, kv.Run("OBJECT", "ENCODING", "s"));
        Assert.Equal(":1\r\n", kv.Run("SISMEMBER", "s", member));
        Assert.Equal(":1\r\n", kv.Run("SISMEMBER", "s", "-9223372036854775808"));
        // As in Redis, a hashtable never turns back into an intset.
        kv.Run("SREM", "s", member);
        Assert.Equal(Hashtable, kv.Run("OBJECT", "ENCODING", "s"));
        Assert.Equal(":3\r\n", kv.Run("SCARD", "s"));
    }

    [Fact]
    public void TheIntsetLimitIsSetMaxIntsetEntries()
    {
        using var kv = new RespCommandRunner();
        kv.Run(["SADD", "s", .. Enumerable.Range(0, 512).Select(i => $"{i}")]);
        Assert.Equal(Intset, kv.Run("OBJECT", "ENCODING", "s"));
        kv.Run("SADD", "s", "512");
        Assert.Equal(Hashtable, kv.Run("OBJECT", "ENCODING", "s"));
        Assert.Equal(":513\r\n", kv.Run("SCARD", "s"));

        Assert.Equal(Array("set-max-intset-entries", "512"), kv.Run("CONFIG", "GET", "set-max-intset-entries"));
        Assert.Equal("+OK\r\n", kv.Run("CONFIG", "SET", "set-max-intset-entries", "2"));
        Assert.Equal(Array("set-max-intset-entries", "2"), kv.Run("CONFIG", "GET", "set-max-intset-entries"));
        kv.Run("SADD", "small", "1", "2");
        Assert.Equal(Intset, kv.Run("OBJECT", "ENCODING", "small"));
        kv.Run("SADD", "small", "3");
        Assert.Equal(Hashtable, kv.Run("OBJECT", "ENCODING", "small"));
        // A stored result follows the limit too.
        kv.Run("SUNIONSTORE", "u", "s");
        Assert.Equal(Hashtable, kv.Run("OBJECT", "ENCODING", "u"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - argument must be between 0 and 9223372036854775807 inclusive\r\n",
            kv.Run("CONFIG", "SET", "set-max-intset-entries", "-1"));
        Assert.Equal("-ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - argument couldn't be parsed into an integer\r\n",
            kv.Run("CONFIG", "SET", "set-max-intset-entries", "a"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("a")]
    public void SpopTakesEachMemberOnce(string extra)
    {
        using var session = new RespSession();
        string[] members = [.. Enumerable.Range(100, 50).Select(i => $"{i}"), extra];
        session.Call(["SADD", "s", .. members]);
        var popped = new List<string>();
        popped.Add(session.Call("SPOP", "s").Text!);
        popped.AddRange(session.Call("SPOP", "s", "20").Items!.Select(m => m.Text!));
        Assert.Empty(session.Call("SPOP", "s", "0").Items!);
        Assert.Equal(30, session.Call("SCARD", "s").Integer);
        popped.AddRange(session.Call("SPOP", "s", "1000").Items!.Select(m => m.Text!));
        Assert.Equal(members.Order(), popped.Order());
        Assert.Equal(0, session.Call("EXISTS", "s").Integer);
    }

    [Fact]
    public void SrandmemberFollowsRedisCountRules()
    {
        using var session = new RespSession();
        string[] members = [.. Enumerable.Range(0, 40).Select(i => $"m{i}")];
        session.Call(["SADD", "s", .. members]);
        // Negative: that many independent picks, so repeats; positive: distinct; at least the size: the whole set.
        var repeated = session.Call("SRANDMEMBER", "s", "-500").Items!.Select(m => m.Text!).ToList();
        Assert.Equal(500, repeated.Count);
        Assert.Subset(members.ToHashSet(), repeated.ToHashSet());
        Assert.True(repeated.Distinct().Count() < 500);
        foreach (int count in new[] { 5, 30, 39 }) // the two paths: picks, and a partial shuffle
        {
            var distinct = session.Call("SRANDMEMBER", "s", $"{count}").Items!.Select(m => m.Text!).ToList();
            Assert.Equal(count, distinct.Distinct().Count());
            Assert.Subset(members.ToHashSet(), distinct.ToHashSet());
        }

        Assert.Equal(members.Order(), session.Call("SRANDMEMBER", "s", "100").Items!.Select(m => m.Text!).Order());
        Assert.Empty(session.Call("SRANDMEMBER", "s", "0").Items!);
        Assert.Contains(session.Call("SRANDMEMBER", "s").Text!, members);
        Assert.Equal(40, session.Call("SCARD", "s").Integer);

        // Every member comes up, and none far more often than the others (5,000 picks of 40: 125 each expected).
        var counts = session.Call("SRANDMEMBER", "s", "-5000").Items!.GroupBy(m => m.Text!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(40, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 60, 200));
    }

    [Fact]
    public void SscanPagesAGrowingHashtableCompletelyAndWithoutDuplicates()
    {
        using var session = new RespSession();
        session.Call(["SADD", "s", .. Enumerable.Range(0, 1000).Select(i => $"m{i}")]);
        var seen = new List<string>();
        string cursor = "0";
        int calls = 0;
        do
        {
            var reply = session.Call("SSCAN", "s", cursor, "COUNT", "7");
            cursor = reply[0].Text!;
            seen.AddRange(reply[1].Items!.Select(m => m.Text!));
            Assert.InRange(reply[1].Items!.Count, 0, 9);
            session.Call("SADD", "s", $"new{calls}", $"new{calls}b");
            calls++;
            Assert.True(calls < 10_000, "SSCAN did not finish");
        }
        while (cursor != "0");

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Subset(seen.ToHashSet(), Enumerable.Range(0, 1000).Select(i => $"m{i}").ToHashSet());
        Assert.InRange(calls, 1000 / 9, 2500 / 7);

        var matched = new List<string>();
        cursor = "0";
        do
        {
            var reply = session.Call("SSCAN", "s", cursor, "MATCH", "m1?", "COUNT", "100");
            cursor = reply[0].Text!;
            matched.AddRange(reply[1].Items!.Select(m => m.Text!));
        }
        while (cursor != "0");

        Assert.Equal(Enumerable.Range(10, 10).Select(i => $"m{i}").Order(), matched.Order());
    }

    [Fact]
    public void SscanReturnsAnIntsetWholeWithCursorZero()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SADD", "s", "3", "-1", "10");
        Assert.Equal("*2\r\n$1\r\n0\r\n*3\r\n$2\r\n-1\r\n$1\r\n3\r\n$2\r\n10\r\n", kv.Run("SSCAN", "s", "0", "COUNT", "1"));
        Assert.Equal("*2\r\n$1\r\n0\r\n*1\r\n$2\r\n10\r\n", kv.Run("SSCAN", "s", "0", "MATCH", "1*"));
    }
}
