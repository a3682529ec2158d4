using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>Sets in DUMP and RESTORE: each hex payload below was written by redis-server 7.0.15 (SADD, then DUMP).</summary>
public class SetDumpRestoreTests
{
    // Intsets (RDB type 11) of 16-, 32- and 64-bit integers: {3 -2 1}, {70000 -1}, {5000000000 7}.
    private const string Intset16 = "0b0e0200000003000000feff010003000a001b18460ee16f04bb";
    private const string Intset32 = "0b100400000002000000ffffffff701101000a00bab1c665be29f9b6";
    private const string Intset64 = "0b180800000002000000070000000000000000f2052a010000000a0035860f1bac6c9796";
    // A hashtable (RDB type 2): {a 12 hello}, 12 written as an RDB integer.
    private const string Hashtable = "0203c00c0568656c6c6f01610a009b55cf9ebf01476b";

    [Fact]
    public void RestoresWhatRedisDumped()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", Restore(kv, "i16", Convert.FromHexString(Intset16)));
        Assert.Equal("*3\r\n$2\r\n-2\r\n$1\r\n1\r\n$1\r\n3\r\n", kv.Run("SMEMBERS", "i16"));
        Assert.Equal(Bulk("intset"), kv.Run("OBJECT", "ENCODING", "i16"));
        Assert.Equal("+OK\r\n", Restore(kv, "i32", Convert.FromHexString(Intset32)));
        Assert.Equal("*2\r\n$2\r\n-1\r\n$5\r\n70000\r\n", kv.Run("SMEMBERS", "i32"));
        Assert.Equal("+OK\r\n", Restore(kv, "i64", Convert.FromHexString(Intset64)));
        Assert.Equal("*2\r\n$1\r\n7\r\n$10\r\n5000000000\r\n", kv.Run("SMEMBERS", "i64"));
        Assert.Equal("+OK\r\n", Restore(kv, "ht", Convert.FromHexString(Hashtable)));
        Assert.Equal("*3\r\n:1\r\n:1\r\n:1\r\n", kv.Run("SMISMEMBER", "ht", "a", "12", "hello"));
        Assert.Equal(":3\r\n", kv.Run("SCARD", "ht"));
        Assert.Equal(Bulk("hashtable"), kv.Run("OBJECT", "ENCODING", "ht"));
    }

    [Fact]
    public void DumpsIntsetsByteForByteAsRedis()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SADD", "i16", "3", "-2", "1");
        kv.Run("SADD", "i32", "70000", "-1");
        kv.Run("SADD", "i64", "5000000000", "7");
        Assert.Equal(Intset16, Convert.ToHexString(Payload(kv, "i16")), ignoreCase: true);
        Assert.Equal(Intset32, Convert.ToHexString(Payload(kv, "i32")), ignoreCase: true);
        Assert.Equal(Intset64, Convert.ToHexString(Payload(kv, "i64")), ignoreCase: true);
        kv.Run("SADD", "ht", "hello", "a", "12");
        // A hashtable's member order is the table's own: the same bytes but for that order.
        Assert.Equal(Convert.FromHexString(Hashtable).Length, Payload(kv, "ht").Length);
    }

    [Fact]
    public void RoundTripsAndFollowsTheIntsetLimit()
    {
        using var kv = new RespCommandRunner();
        kv.Run(["SADD", "big", .. Enumerable.Range(0, 600).Select(i => $"{i * 7}")]);
        kv.Run(["SADD", "ints", .. Enumerable.Range(0, 100).Select(i => $"{i - 50}")]);
        Assert.Equal(Bulk("hashtable"), kv.Run("OBJECT", "ENCODING", "big"));
        // A type-2 payload of integers few enough for an intset loads as one, as Redis 7.0's rdbLoadObject does.
        kv.Run(["SREM", "big", .. Enumerable.Range(10, 590).Select(i => $"{i * 7}")]);
        Assert.Equal("+OK\r\n", Restore(kv, "small", Payload(kv, "big")));
        Assert.Equal(Bulk("intset"), kv.Run("OBJECT", "ENCODING", "small"));
        Assert.Equal(kv.Run("SMEMBERS", "small"), kv.Run("SINTER", "big", "big"));

        kv.Run("CONFIG", "SET", "set-max-intset-entries", "10");
        Assert.Equal("+OK\r\n", Restore(kv, "copy", Payload(kv, "ints")));
        Assert.Equal(Bulk("hashtable"), kv.Run("OBJECT", "ENCODING", "copy"));
        Assert.Equal(":100\r\n", kv.Run("SINTERCARD", "2", "copy", "ints"));
    }

    [Theory]
    [InlineData("020201610161")] // a member twice
    [InlineData("0200")] // empty
    [InlineData("0b0c020000000200000003000100")] // an intset out of order (3, 1)
    [InlineData("0b0c020000000200000001000100")] // an intset holding 1 twice
    [InlineData("0b0e0300000002000000010000020000")] // width 3
    [InlineData("0b0a02000000020000000100")] // shorter than its length says
    public void RefusesMalformedSets(string hex)
    {
        using var kv = new RespCommandRunner();
        byte[] body = Convert.FromHexString(hex);
        Assert.Equal("-ERR Bad data format\r\n", Restore(kv, "k", Resealed([.. body, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
    }

    private static string Restore(RespCommandRunner kv, string key, byte[] payload) =>
        System.Text.Encoding.UTF8.GetString(kv.RunBytes("RESTORE"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(key), "0"u8.ToArray(), payload));

    private static byte[] Payload(RespCommandRunner kv, string key)
    {
        byte[] reply = kv.RunBytes("DUMP"u8.ToArray(), System.Text.Encoding.UTF8.GetBytes(key));
        int header = System.Array.IndexOf(reply, (byte)'\n') + 1;
        return reply[header..^2];
    }

    /// <summary>The payload with its version (10) and checksum written into its last 10 bytes.</summary>
    private static byte[] Resealed(byte[] payload)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(payload.Length - 10), RdbPayload.Version);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(payload.Length - 8), Crc64Jones.Compute(payload.AsSpan(0, payload.Length - 8)));
        return payload;
    }
}
