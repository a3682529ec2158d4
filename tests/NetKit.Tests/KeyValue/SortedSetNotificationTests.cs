using System.Text;

namespace NetKit.Tests.KeyValue;

/// <summary>Keyspace events of sorted-set commands, in the order and with the names redis-server 7.0.15 sends them
/// (the sequence below was read from it with the same commands).</summary>
public class SortedSetNotificationTests
{
    [Fact]
    public void EventsAreThoseOfRedisTZset()
    {
        using var kv = new RespCommandRunner();
        using var subscriber = new RespCommandRunner(kv.Database);
        kv.Run("CONFIG", "SET", "notify-keyspace-events", "Egz");
        subscriber.Run("PSUBSCRIBE", "__keyevent@0__:*");
        foreach (string line in new[]
                 {
                     "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z XX 5 nope", "ZADD z INCR 1 a", "ZINCRBY z 0 a", "ZINCRBY z 1 a",
                     "ZREM z nope", "ZREM z a", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z 100 200", "ZADD y 1 p 2 q",
                     "ZREMRANGEBYLEX y - +", "ZADD y 1 p 2 q", "ZPOPMIN y", "ZPOPMAX y 5", "ZPOPMIN y", "ZADD y 1 p 2 q",
                     "ZMPOP 1 y MIN COUNT 5", "ZADD y 1 p", "ZUNIONSTORE u 2 y z", "ZINTERSTORE u 2 y z", "ZDIFFSTORE d 2 y nokey",
                     "ZRANGESTORE r y 0 -1", "ZRANGESTORE r y 5 6", "ZRANGESTORE r y 5 6",
                 })
        {
            kv.Run(line.Split(' '));
        }

        Assert.Equal(
            "zadd z, zincr z, zincr z, zrem z, zremrangebyrank z, zadd y, zremrangebylex y, del y, zadd y, zpopmin y, zpopmax y, "
            + "del y, zadd y, zpopmin y, del y, zadd y, zunionstore u, del u, zdiffstore d, zrangestore r, del r",
            string.Join(", ", Events(Encoding.UTF8.GetString(subscriber.Send([])))));
    }

    /// <summary>"event key" of each pmessage pushed: [pmessage, pattern, channel, key] as bulk strings.</summary>
    private static IEnumerable<string> Events(string pushed)
    {
        var lines = pushed.Split("\r\n");
        for (int i = 0; i + 8 < lines.Length; i++)
        {
            if (lines[i] == "*4" && lines[i + 2] == "pmessage")
            {
                yield return $"{lines[i + 6]["__keyevent@0__:".Length..]} {lines[i + 8]}";
                i += 8;
            }
        }
    }
}
