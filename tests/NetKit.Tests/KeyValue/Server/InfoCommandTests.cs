using System.Globalization;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue.Server;

public class InfoCommandTests
{
    private static Dictionary<string, Dictionary<string, string>> Info(RespSession session, params string[] sections)
    {
        var reply = session.Call(["INFO", .. sections]);
        Assert.Equal('$', reply.Type);
        return InfoText.Parse(reply.Text!);
    }

    [Fact]
    public void DefaultHasTheIssuesSectionsInRedisLayout()
    {
        using var session = new RespSession(new KeyValueOptions { MaxMemory = 3 * 1024 * 1024, MaxClients = 77 });
        var info = Info(session);
        Assert.Equal(["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Cluster", "Keyspace"], info.Keys);

        var server = info["Server"];
        Assert.Equal("7.0.15", server["redis_version"]);
        Assert.Equal("standalone", server["redis_mode"]);
        Assert.False(string.IsNullOrEmpty(server["netkit_version"]));
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), server["process_id"]);
        Assert.Equal("64", server["arch_bits"]);
        Assert.Equal("0", server["tcp_port"]);
        Assert.Equal("0", server["uptime_in_days"]);
        Assert.True(long.Parse(server["uptime_in_seconds"], CultureInfo.InvariantCulture) >= 0);
        Assert.Equal(40, server["run_id"].Length);

        Assert.Equal("1", info["Clients"]["connected_clients"]);
        Assert.Equal("77", info["Clients"]["maxclients"]);

        Assert.Equal("3145728", info["Memory"]["maxmemory"]);
        Assert.Equal("3.00M", info["Memory"]["maxmemory_human"]);
        Assert.Equal("noeviction", info["Memory"]["maxmemory_policy"]);
        Assert.Equal("0", info["Memory"]["used_memory"]);
        Assert.Equal("0B", info["Memory"]["used_memory_human"]);

        Assert.Equal("0", info["Persistence"]["loading"]);
        Assert.Equal("0", info["Persistence"]["aof_enabled"]);

        Assert.Equal("master", info["Replication"]["role"]);
        Assert.Empty(info["Keyspace"]);
    }

    [Fact]
    public void StatsAndKeyspaceFollowTheData()
    {
        using var session = new RespSession();
        session.Call("SET", "a", "1");
        session.Call("SET", "b", "2", "EX", "100");
        session.Call("GET", "a");
        session.Call("GET", "nope");

        var info = Info(session, "stats", "keyspace", "memory");
        Assert.Equal(["Memory", "Stats", "Keyspace"], info.Keys);
        Assert.Equal("db0:keys=2,expires=1,avg_ttl=0", "db0:" + info["Keyspace"]["db0"]);
        Assert.Equal("1", info["Stats"]["keyspace_hits"]);
        Assert.Equal("1", info["Stats"]["keyspace_misses"]);
        Assert.Equal("1", info["Stats"]["total_connections_received"]);
        // SET, SET, GET, GET and this INFO.
        Assert.Equal("5", info["Stats"]["total_commands_processed"]);
        Assert.Equal("0", info["Stats"]["expired_keys"]);
        Assert.Equal("0", info["Stats"]["rejected_connections"]);
        Assert.True(long.Parse(info["Memory"]["used_memory"], CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void SectionsAreCaseInsensitiveAndUnknownOnesEmpty()
    {
        using var session = new RespSession();
        Assert.Equal(["Server"], Info(session, "SERVER").Keys);
        Assert.Equal(string.Empty, session.Call("INFO", "nosuch").Text);
        Assert.Equal(["Clients", "Keyspace"], Info(session, "keyspace", "nosuch", "Clients").Keys);
    }

    [Fact]
    public void CommandStatsArePerServer_AndKeepTheCountsOfClosedClients()
    {
        using var first = new RespSession();
        using var second = new RespSession();
        first.Call("SET", "k", "v");
        using (var other = first.Connect())
        {
            other.Call("GET", "k");
            other.Call("GET", "missing");
        }

        var stats = Info(first, "commandstats")["Commandstats"];
        Assert.Equal("calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0", stats["cmdstat_set"]);
        Assert.Equal("calls=2,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0", stats["cmdstat_get"]);
        Assert.Equal((1, 1), (first.Database.KeyspaceHits, first.Database.KeyspaceMisses));
        // The INFO just run counts too: SET, GET, GET, INFO.
        Assert.Equal(4, first.Database.TotalCommands);

        // A second server in the same process has counted nothing of the first's.
        Assert.Equal(["cmdstat_info"], Info(second, "commandstats")["Commandstats"].Keys);
        Assert.Equal((0, 0), (second.Database.KeyspaceHits, second.Database.KeyspaceMisses));
    }

    [Fact]
    public void AllAndEverythingAddCommandStats()
    {
        using var session = new RespSession();
        session.Call("SET", "k", "v");
        session.Call("GET", "k");
        foreach (string which in new[] { "all", "everything" })
        {
            var info = Info(session, which);
            Assert.Contains("Commandstats", info.Keys);
            Assert.Contains("Server", info.Keys);
            Assert.Contains("Keyspace", info.Keys);
            string get = info["Commandstats"]["cmdstat_get"];
            Assert.Matches("^calls=[1-9][0-9]*,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0$", get);
        }

        Assert.Equal(["Commandstats"], Info(session, "commandstats").Keys);
        Assert.DoesNotContain("Commandstats", Info(session, "default").Keys);
    }

    [Fact]
    public void PersistenceComesFromTheLog()
    {
        var database = new KeyValueDatabase();
        var log = new FakeLog();
        database.AttachLog(log);
        using var session = new RespSession(database);
        var persistence = Info(session, "persistence")["Persistence"];
        Assert.Equal("0", persistence["loading"]);
        Assert.Equal("1", persistence["aof_enabled"]);
        Assert.Equal("0", persistence["aof_rewrite_in_progress"]);
        Assert.Equal("1234", persistence["aof_current_size"]);

        session.Call("BGREWRITEAOF");
        Assert.Equal("1", Info(session, "persistence")["Persistence"]["aof_rewrite_in_progress"]);
    }

    [Fact]
    public void InlineInfoIsTheSameText()
    {
        using var session = new RespSession();
        string text = session.Inline("INFO keyspace");
        Assert.Equal("# Keyspace\r\n\n", text);
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(1023, "1023B")]
    [InlineData(1024, "1.00K")]
    [InlineData(1536, "1.50K")]
    [InlineData(1024 * 1024, "1.00M")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.00G")]
    public void HumanBytesAsRedis(long bytes, string expected)
    {
        Assert.Equal(expected, InfoBuilder.HumanBytes(bytes));
    }
}
