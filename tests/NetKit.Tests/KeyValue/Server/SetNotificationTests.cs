using NetKit.KeyValue;
using NetKit.Tests.Transport;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>The keyspace events set commands fire, as Redis 7.0's t_set.c fires them: the stream below is
/// redis-server 7.0.15's own to the same commands (notify-keyspace-events Esg).</summary>
public class SetNotificationTests
{
    [Fact]
    public async Task SetCommandsFireRedisEventsInRedisOrder()
    {
        await using var server = await KeyValueServer.StartAsync(new KeyValueServerOptions { Port = 0 });
        using var subscriber = await LoopbackClient.ConnectAsync(server.EndPoint);
        using var writer = await LoopbackClient.ConnectAsync(server.EndPoint);
        await writer.SendAsync(Encode("CONFIG", "SET", "notify-keyspace-events", "Esg"));
        await writer.ExpectAsync("+OK\r\n");
        await subscriber.SendAsync(Encode("PSUBSCRIBE", "__keyevent@0__:*"));
        await subscriber.ExpectAsync("*3\r\n$10\r\npsubscribe\r\n$16\r\n__keyevent@0__:*\r\n:1\r\n");

        // Changes that change nothing (a member already there, one never there, an empty result into a
        // missing key) fire nothing.
        (string Command, string Reply)[] steps =
        [
            ("SADD s 1 2", ":2"), ("SADD s 1", ":0"), ("SREM s 1", ":1"), ("SREM s x", ":0"), ("SMOVE s d 2", ":1"),
            ("SADD a x", ":1"), ("SPOP a", "$1\r\nx"), ("SADD a y", ":1"), ("SPOP a 5", "*1\r\n$1\r\ny"), ("SPOP nokey 2", "*0"),
            ("SUNIONSTORE u d", ":1"), ("SINTERSTORE u d nokey", ":0"), ("SDIFFSTORE u nokey", ":0"), ("SADD d 7", ":1"),
            ("SMOVE d e 7", ":1"),
        ];
        foreach (var (command, reply) in steps)
        {
            await writer.SendAsync(Encode(command.Split(' ')));
            await writer.ExpectAsync(reply + "\r\n");
        }

        await subscriber.ExpectAsync(string.Concat(
            Event("sadd", "s"), Event("srem", "s"), Event("srem", "s"), Event("del", "s"), Event("sadd", "d"),
            Event("sadd", "a"), Event("spop", "a"), Event("del", "a"), Event("sadd", "a"), Event("spop", "a"), Event("del", "a"),
            Event("sunionstore", "u"), Event("del", "u"), Event("sadd", "d"), Event("srem", "d"), Event("sadd", "e")));
    }

    private static string Event(string name, string key) =>
        $"*4\r\n$8\r\npmessage\r\n$16\r\n__keyevent@0__:*\r\n${15 + name.Length}\r\n__keyevent@0__:{name}\r\n${key.Length}\r\n{key}\r\n";
}
