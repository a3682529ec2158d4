using System.Net;
using System.Net.Sockets;
using System.Text;
using NetKit.KeyValue;
using NetKit.Tests.KeyValue.Server;

namespace NetKit.Tests.KeyValue.Differential;

// Sets in the differential run, and sets moved between kv and redis-server by DUMP and RESTORE.
public partial class RedisDifferentialTests
{
    // Integers and text, so sets turn from intsets into hashtables on the way; "01" and "-0" are text to Redis.
    private static readonly string[] Members = ["1", "2", "-5", "10", "abc", "x", "01", "-0", "9223372036854775807"];

    /// <summary>A set command whose reply does not depend on a table's order or on chance (no SMEMBERS of a
    /// hashtable, no SPOP): counts, membership, stores, the encodings (through OBJECT ENCODING), and now and
    /// then a lower set-max-intset-entries.</summary>
    private static string[] NextSetCommand(Random random, Func<string> key)
    {
        string M() => Members[random.Next(Members.Length)];
        return random.Next(16) switch
        {
            0 or 1 or 2 => ["SADD", key(), M(), M()],
            3 => ["SADD", key(), M()],
            4 or 5 => ["SREM", key(), M(), M()],
            6 => ["SCARD", key()],
            7 => ["SISMEMBER", key(), M()],
            8 => ["SMISMEMBER", key(), M(), M()],
            9 => ["SMOVE", key(), key(), M()],
            10 => ["SINTERSTORE", key(), key(), key()],
            11 => ["SUNIONSTORE", key(), key(), key()],
            12 => ["SDIFFSTORE", key(), key(), key()],
            13 => ["SINTERCARD", "2", key(), key(), "LIMIT", random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture)],
            14 => ["OBJECT", "ENCODING", key()],
            _ => ["CONFIG", "SET", "set-max-intset-entries", random.Next(2) == 0 ? "3" : "512"],
        };
    }

    [RequiresToolFact("redis-server")]
    public async Task SetsMoveBetweenKvAndRedisByDumpAndRestore()
    {
        using var redis = await RedisServerProcess.StartAsync(Timeout);
        await using var netkit = await KeyValueServer.StartAsync(new() { Port = 0 });
        int ours = EndPointPort.Of(netkit.EndPoint);
        using var redisWire = await RespWire.ConnectAsync(redis.Port);
        using var ourWire = await RespWire.ConnectAsync(ours);
        var sets = new Dictionary<string, string[]>
        {
            ["small-ints"] = ["3", "-2", "1"],
            ["wide-ints"] = ["5000000000", "-70000", "7"],
            ["text"] = ["a", "12", "hello", "-0"],
            ["many-ints"] = [.. Enumerable.Range(0, 600).Select(i => $"{i * 3}")],
        };

        foreach (var (name, members) in sets)
        {
            foreach (var (from, to, fromPort, toPort) in new[] { (redisWire, ourWire, redis.Port, ours), (ourWire, redisWire, ours, redis.Port) })
            {
                string key = $"{name}-from-{fromPort}";
                await from.CallAsync(["DEL", key]);
                await to.CallAsync(["DEL", key]);
                await from.CallAsync(["SADD", key, .. members]);
                byte[] payload = BulkBytes(await from.CallAsync(["DUMP", key]));
                Assert.Equal("+OK\r\n", await RestoreAsync(toPort, key, payload));
                Assert.Equal(await from.CallAsync(["OBJECT", "ENCODING", key]), await to.CallAsync(["OBJECT", "ENCODING", key]));
                Assert.Equal($":{members.Length}\r\n", await to.CallAsync(["SCARD", key]));
                Assert.Equal(await from.CallAsync(["SMISMEMBER", key, .. members, "absent"]), await to.CallAsync(["SMISMEMBER", key, .. members, "absent"]));
            }
        }
    }

    /// <summary>A bulk reply's bytes, read back from the wire's Latin-1 text.</summary>
    private static byte[] BulkBytes(string reply)
    {
        Assert.StartsWith("$", reply, StringComparison.Ordinal);
        int body = reply.IndexOf("\r\n", StringComparison.Ordinal) + 2;
        return Encoding.Latin1.GetBytes(reply[body..^2]);
    }

    /// <summary>RESTORE key 0 payload on a connection of its own (the payload is binary, the wire's commands are text).</summary>
    private static async Task<string> RestoreAsync(int port, string key, byte[] payload)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cancel = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel.Token);
        await socket.SendAsync(RespCommandRunner.Encode("RESTORE"u8.ToArray(), Encoding.UTF8.GetBytes(key), "0"u8.ToArray(), payload), cancel.Token);
        var reply = new List<byte>();
        var buffer = new byte[256];
        while (reply.Count < 2 || reply[^2] != '\r' || reply[^1] != '\n')
        {
            int read = await socket.ReceiveAsync(buffer, cancel.Token);
            if (read == 0)
            {
                break;
            }

            reply.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.UTF8.GetString([.. reply]);
    }
}
