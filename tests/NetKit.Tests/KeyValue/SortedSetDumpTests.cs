using System.Text;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>DUMP and RESTORE of sorted sets with Redis 7.0's payloads; each hex payload below was written by
/// redis-server 7.0.15.</summary>
public class SortedSetDumpTests
{
    // ZADD lp 1 a 2.5 b -inf c 1000 n: a listpack (RDB type 17), scores as listpack integers and strings.
    private const string ListpackPayload = "1123230000000800816302842d696e6605816102010181620283322e3504816e02c3e802ff0a00460456e83500eb51";

    // ZADD sk 1 a 2.5 b -inf c 1000 n inf top with zset-max-listpack-entries 0: a skiplist (RDB type 5, binary
    // scores), highest first.
    private const string SkiplistPayload = "050503746f70000000000000f07f016e0000000000408f40016200000000000004400161000000000000f03f0163000000000000f0ff0a00660b03376e7be12d";

    [Fact]
    public void RestoresBothFormsRedisWrites()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", Restore(kv, "lp", Convert.FromHexString(ListpackPayload)));
        Assert.Equal(Array("c", "-inf", "a", "1", "b", "2.5", "n", "1000"), kv.Run("ZRANGE", "lp", "0", "-1", "WITHSCORES"));
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "lp"));

        // As Redis after loading: small enough for a listpack, so one it is.
        Assert.Equal("+OK\r\n", Restore(kv, "sk", Convert.FromHexString(SkiplistPayload)));
        Assert.Equal(Array("c", "-inf", "a", "1", "b", "2.5", "n", "1000", "top", "inf"), kv.Run("ZRANGE", "sk", "0", "-1", "WITHSCORES"));
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "sk"));
        kv.Run("CONFIG", "SET", "zset-max-listpack-entries", "4");
        Assert.Equal("+OK\r\n", Restore(kv, "sk2", Convert.FromHexString(SkiplistPayload)));
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "sk2"));
    }

    [Fact]
    public void DumpsTheBytesRedisDumpsForASkiplist()
    {
        using var kv = new RespCommandRunner();
        kv.Run("ZADD", "z", "1", "a", "2.5", "b", "-inf", "c", "1000", "n", "inf", "top");
        Assert.Equal(SkiplistPayload, Convert.ToHexString(Payload(kv, "z")), ignoreCase: true);
    }

    [Fact]
    public void RoundTripsWideScoresAndBinaryMembers()
    {
        using var kv = new RespCommandRunner();
        byte[] binary = [0, 0xff, (byte)'\r', (byte)'\n'];
        kv.RunBytes("ZADD"u8.ToArray(), "z"u8.ToArray(), "1.1"u8.ToArray(), binary);
        kv.Run(["ZADD", "z", .. Enumerable.Range(0, 200).SelectMany(i => new[] { $"{i * 0.1 - 7}", $"{i}" })]);
        byte[] payload = Payload(kv, "z");
        Assert.Equal("+OK\r\n", Restore(kv, "copy", payload));
        Assert.Equal(kv.Run("ZRANGE", "z", "0", "-1", "WITHSCORES"), kv.Run("ZRANGE", "copy", "0", "-1", "WITHSCORES"));
        Assert.Equal(Bulk("skiplist"), kv.Run("OBJECT", "ENCODING", "copy"));
    }

    [Fact]
    public void RefusesADuplicateMemberAndANaNScore()
    {
        using var kv = new RespCommandRunner();
        // Type 5, two members "a" with scores 1 and 2.
        byte[] twice = Sealed([5, 2, 1, (byte)'a', .. BitConverter.GetBytes(1.0), 1, (byte)'a', .. BitConverter.GetBytes(2.0)]);
        Assert.Equal("-ERR Bad data format\r\n", Restore(kv, "z", twice));
        byte[] nan = Sealed([5, 1, 1, (byte)'a', .. BitConverter.GetBytes(double.NaN)]);
        Assert.Equal("-ERR Bad data format\r\n", Restore(kv, "z", nan));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "z"));
    }

    private static byte[] Sealed(byte[] body)
    {
        // A payload of our own with the footer Redis checks: RDB version 10 and the CRC-64 of all before it.
        using var kv = new RespCommandRunner();
        kv.Run("SET", "s", "x");
        byte[] template = Payload(kv, "s");
        byte[] withVersion = [.. body, template[^10], template[^9]];
        ulong crc = NetKit.KeyValue.Crc64Jones.Compute(withVersion);
        return [.. withVersion, .. BitConverter.GetBytes(crc)];
    }

    private static string Restore(RespCommandRunner kv, string key, byte[] payload) =>
        Encoding.UTF8.GetString(kv.RunBytes(Encoding.UTF8.GetBytes("RESTORE"), Encoding.UTF8.GetBytes(key), "0"u8.ToArray(), payload));

    private static byte[] Payload(RespCommandRunner kv, string key)
    {
        byte[] reply = kv.RunBytes(Encoding.UTF8.GetBytes("DUMP"), Encoding.UTF8.GetBytes(key));
        int header = System.Array.IndexOf(reply, (byte)'\n') + 1;
        return reply[header..^2];
    }
}
