using System.Globalization;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

public class ServerCommandTests
{
    [Fact]
    public void DbSizeAndFlush()
    {
        using var session = new RespSession();
        Assert.Equal(0, session.Call("DBSIZE").Integer);
        session.Call("SET", "a", "1");
        session.Call("SET", "b", "2");
        Assert.Equal(2, session.Call("DBSIZE").Integer);
        Assert.Equal("+OK\r\n", session.Raw("FLUSHDB"));
        Assert.Equal(0, session.Call("DBSIZE").Integer);

        session.Call("SET", "a", "1");
        Assert.Equal("+OK\r\n", session.Raw("FLUSHALL", "ASYNC"));
        Assert.True(session.Call("GET", "a").IsNull);
        Assert.Equal("+OK\r\n", session.Raw("flushdb", "sync"));
        session.AssertError("ERR syntax error", "FLUSHALL", "NOW");
        session.AssertError("ERR syntax error", "FLUSHDB", "ASYNC", "SYNC");
        session.AssertError("ERR wrong number of arguments for 'dbsize' command", "DBSIZE", "x");
    }

    [Fact]
    public void TimeIsSecondsAndMicroseconds()
    {
        var now = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567);
        var database = new KeyValueDatabase(store: new KeyValueStore(new FixedTime(now)));
        using var session = new RespSession(database);
        var reply = session.Call("TIME");
        Assert.Equal(2, reply.Items!.Count);
        Assert.Equal('$', reply[0].Type);
        Assert.Equal(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), reply[0].Text);
        Assert.Equal("123456", reply[1].Text);
    }

    [Fact]
    public void TimeFollowsTheClock()
    {
        using var session = new RespSession();
        var reply = session.Call("TIME");
        long seconds = long.Parse(reply[0].Text!, CultureInfo.InvariantCulture);
        long micros = long.Parse(reply[1].Text!, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.InRange(micros, 0, 999_999);
    }

    [Fact]
    public void BgRewriteAofStartsOnceAndNeedsALog()
    {
        using var memoryOnly = new RespSession();
        memoryOnly.AssertError("ERR Background append only file rewriting is not possible", "BGREWRITEAOF");

        var database = new KeyValueDatabase();
        var log = new FakeLog();
        database.AttachLog(log);
        using var session = new RespSession(database);
        Assert.Equal("+Background append only file rewriting started\r\n", session.Raw("BGREWRITEAOF"));
        Assert.Equal("-ERR Background append only file rewriting already in progress\r\n", session.Raw("BGREWRITEAOF"));
        Assert.Equal(1, log.RewritesStarted);
    }

    [Fact]
    public void RoleIsMaster()
    {
        using var session = new RespSession();
        Assert.Equal("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", session.Raw("ROLE"));
    }

    [Fact]
    public void CommandListsEveryCommandWithItsInfo()
    {
        using var session = new RespSession();
        int count = (int)session.Call("COMMAND", "COUNT").Integer;
        Assert.Equal(CommandTable.Default.Count, count);

        var all = session.Call("COMMAND");
        Assert.Equal(count, all.Items!.Count);
        foreach (var entry in all.Items)
        {
            Assert.Equal(10, entry.Items!.Count);
            Assert.Equal('$', entry[0].Type);
            Assert.Equal(':', entry[1].Type);
            Assert.All(entry[2].Items!, flag => Assert.Equal('+', flag.Type));
        }

        var get = all.Items.Single(e => e[0].Text == "get");
        Assert.Equal(2, get[1].Integer);
        Assert.Equal(["readonly", "fast"], get[2].Items!.Select(f => f.Text));
        Assert.Equal([1L, 1L, 1L], new[] { get[3].Integer, get[4].Integer, get[5].Integer });

        var ping = all.Items.Single(e => e[0].Text == "ping");
        Assert.Contains("no_auth", ping[2].Items!.Select(f => f.Text));

        var info = session.Call("COMMAND", "INFO", "set", "nosuch", "GET");
        Assert.Equal(3, info.Items!.Count);
        Assert.Equal("set", info[0][0].Text);
        Assert.Equal(-3, info[0][1].Integer);
        Assert.True(info[1].IsNull);
        Assert.Equal("get", info[2][0].Text);

        var names = session.Call("COMMAND", "LIST").Items!.Select(i => i.Text).ToList();
        Assert.Equal(count, names.Count);
        Assert.Contains("client", names);
        Assert.Equal(new[] { "client", "command", "config", "copy" }, session.Call("COMMAND", "LIST", "FILTERBY", "PATTERN", "c*").Items!.Select(i => i.Text).Order());
    }

    [Fact]
    public void CommandDocsIsAFlatMapOfSummariesForRedisCli()
    {
        using var session = new RespSession();
        var docs = session.Call("COMMAND", "DOCS").AsMap();
        Assert.Equal(CommandTable.Default.Count, docs.Count);
        var get = docs["get"].AsMap();
        Assert.Equal("Returns the string value of a key.", get["summary"].Text);
        Assert.Equal("1.0.0", get["since"].Text);
        Assert.Equal("string", get["group"].Text);

        var some = session.Call("COMMAND", "DOCS", "hello", "nosuch").AsMap();
        Assert.Equal(["hello"], some.Keys);
        Assert.Equal("6.0.0", some["hello"].AsMap()["since"].Text);
    }

    [Fact]
    public void CommandGetKeysAndErrors()
    {
        using var session = new RespSession();
        Assert.Equal(["k"], session.Call("COMMAND", "GETKEYS", "SET", "k", "v").Items!.Select(i => i.Text));
        session.AssertError("ERR Invalid command specified", "COMMAND", "GETKEYS", "nosuch", "k");
        session.AssertError("ERR The command has no key arguments", "COMMAND", "GETKEYS", "PING");
        session.AssertError("ERR unknown subcommand 'bogus'. Try COMMAND HELP.", "COMMAND", "bogus");
        session.AssertError("ERR wrong number of arguments for 'command|count' command", "COMMAND", "COUNT", "x");
        Assert.NotEmpty(session.Call("COMMAND", "HELP").Items!);
    }

    [Fact]
    public void ConfigGetMatchesGlobsOverTheSettings()
    {
        var options = new KeyValueOptions { MaxMemory = 1_000_000, RequirePass = "pw", MaxClients = 50, MaxBulkLength = 4096 };
        using var session = new RespSession(options);
        session.Call("AUTH", "pw");

        var one = session.Call("CONFIG", "GET", "maxmemory").AsMap();
        Assert.Equal(["maxmemory"], one.Keys);
        Assert.Equal("1000000", one["maxmemory"].Text);

        var max = session.Call("CONFIG", "GET", "max*").AsMap();
        Assert.Equal(["maxclients", "maxmemory", "maxmemory-policy"], max.Keys.Order());
        Assert.Equal("50", max["maxclients"].Text);
        Assert.Equal("noeviction", max["maxmemory-policy"].Text);

        var several = session.Call("CONFIG", "GET", "save", "appendonly", "SAVE", "databases", "proto-max-bulk-len", "requirepass").AsMap();
        Assert.Equal(string.Empty, several["save"].Text);
        Assert.Equal("no", several["appendonly"].Text);
        Assert.Equal("16", several["databases"].Text);
        Assert.Equal("4096", several["proto-max-bulk-len"].Text);
        Assert.Equal("pw", several["requirepass"].Text);
        // "SAVE" names a setting already listed: it is not repeated.
        Assert.Equal(4 * 2, session.Call("CONFIG", "GET", "save", "appendonly", "SAVE", "databases", "proto-max-bulk-len").Items!.Count);

        Assert.Empty(session.Call("CONFIG", "GET", "nosuch").Items!);
        Assert.Equal(["appendfsync", "appendonly"], session.Call("CONFIG", "GET", "append[a-z]*").AsMap().Keys.Order());
        Assert.Equal(30, session.Call("CONFIG", "GET", "*").AsMap().Count);
    }

    [Fact]
    public void ConfigReportsTheLog()
    {
        var database = new KeyValueDatabase(new KeyValueOptions { Fsync = "always", DataDirectory = "/data/kv" });
        database.AttachLog(new FakeLog());
        using var session = new RespSession(database);
        var map = session.Call("CONFIG", "GET", "append*", "dir").AsMap();
        Assert.Equal("yes", map["appendonly"].Text);
        Assert.Equal("always", map["appendfsync"].Text);
        Assert.Equal("/data/kv", map["dir"].Text);
    }

    [Fact]
    public void ConfigRefusesChangesInRedisWords()
    {
        using var session = new RespSession();
        session.AssertError("ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config", "CONFIG", "SET", "port", "1");
        session.AssertError("ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'", "CONFIG", "SET", "nosuch", "1");
        Assert.Equal("+OK\r\n", session.Raw("CONFIG", "RESETSTAT"));
        session.AssertError("ERR unknown subcommand 'bogus'. Try CONFIG HELP.", "CONFIG", "bogus");
        session.AssertError("ERR wrong number of arguments for 'config|get' command", "CONFIG", "GET");
        session.AssertError("ERR wrong number of arguments for 'config' command", "CONFIG");
    }

    [Theory]
    [InlineData("*[ab]", "xa", true)]
    [InlineData("*[ab]", "xc", false)]
    [InlineData("[^a]x", "bx", true)]
    [InlineData("[^a]x", "ax", false)]
    [InlineData("h?llo", "HELLO", true)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("", "", true)]
    [InlineData("*", "", true)]
    public void ConfigGlob(string pattern, string text, bool matches)
    {
        Assert.Equal(matches, ServerCommands.GlobMatches(pattern, text));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void WhileTheLogCannotBeWritten_WritesGetMisconf_ReadsGoOn()
    {
        var log = new FakeLog();
        var database = new KeyValueDatabase();
        database.AttachLog(log);
        using var session = new RespSession(database);
        Assert.Equal("+OK\r\n", session.Raw("SET", "k", "before"));

        log.LastWriteError = "No space left on device";

        Assert.Equal("-MISCONF Errors writing to the AOF file: No space left on device\r\n", session.Raw("SET", "k", "after"));
        Assert.Equal("-MISCONF Errors writing to the AOF file: No space left on device\r\n", session.Inline("SET k after"));
        Assert.Equal("$6\r\nbefore\r\n", session.Raw("GET", "k"));
        Assert.Equal("+PONG\r\n", session.Raw("PING"));

        log.LastWriteError = null;

        Assert.Equal("+OK\r\n", session.Raw("SET", "k", "after"));
    }
}
