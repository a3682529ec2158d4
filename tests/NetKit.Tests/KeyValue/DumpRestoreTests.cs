using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>DUMP and RESTORE with Redis 7.0's payloads: each hex payload below was written by redis-server 7.0.15.</summary>
public class DumpRestoreTests
{
    private const string HelloPayload = "000568656c6c6f0a006372df766534200a";
    private const string MinusThreeHundredPayload = "00c1d4fe0a00c6c48623febede2e";
    // "ab" × 50, LZF-compressed as Redis compresses strings over 20 bytes.
    private const string CompressedPayload = "00c30a406402616261e056010161620a0017383d942096d863";
    // A hashtable: name=netkit n=127 big=9223372036854775808 neg=-5000 long=x×70 (LZF).
    private const string HashtablePayload = "0405016ec07f046e616d65066e65746b6974036e6567c178ec036269671339323233333732303336383534373735383038046c6f6e67c3094046017878e039000178780a00a5f76f26f55f4e58";
    // A listpack: f=1.
    private const string ListpackPayload = "100c0c00000002008166020101ff0a0031ba081949a0e3dd";

    [Fact]
    public void RestoresWhatRedisDumped()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", Restore(kv, "a", HelloPayload));
        Assert.Equal(Bulk("hello"), kv.Run("GET", "a"));
        Assert.Equal("+OK\r\n", Restore(kv, "n", MinusThreeHundredPayload));
        Assert.Equal(Bulk("-300"), kv.Run("GET", "n"));
        Assert.Equal("+OK\r\n", Restore(kv, "b", CompressedPayload));
        Assert.Equal(Bulk(string.Concat(Enumerable.Repeat("ab", 50))), kv.Run("GET", "b"));

        Assert.Equal("+OK\r\n", Restore(kv, "h", HashtablePayload));
        Assert.Equal(Array("netkit", "127", "9223372036854775808", "-5000", new string('x', 70)),
            kv.Run("HMGET", "h", "name", "n", "big", "neg", "long"));
        Assert.Equal(Bulk("hashtable"), kv.Run("OBJECT", "ENCODING", "h"));
        Assert.Equal("+OK\r\n", Restore(kv, "h2", ListpackPayload));
        Assert.Equal(Array("f", "1"), kv.Run("HGETALL", "h2"));
        Assert.Equal(Bulk("listpack"), kv.Run("OBJECT", "ENCODING", "h2"));
    }

    [Fact]
    public void DumpsShortStringsAsRedisDoes()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "a", "hello");
        kv.Run("SET", "n", "-300");
        Assert.Equal(Convert.FromHexString(HelloPayload), Payload(kv, "a"));
        Assert.Equal(Convert.FromHexString(MinusThreeHundredPayload), Payload(kv, "n"));
        Assert.Equal("$-1\r\n", kv.Run("DUMP", "missing"));
    }

    [Fact]
    public void RoundTripsHashesAndConvertsByTheListpackLimits()
    {
        using var kv = new RespCommandRunner();
        kv.Run(["HSET", "h", .. Enumerable.Range(0, 50).SelectMany(i => new[] { $"f{i}", i % 3 == 0 ? $"{i * 1000}" : new string('v', i) })]);
        byte[] payload = Payload(kv, "h");
        kv.Run("CONFIG", "SET", "hash-max-listpack-entries", "10");
        Assert.Equal("+OK\r\n", Restore(kv, "copy", payload));
        Assert.Equal(kv.Run(["HMGET", "h", .. Enumerable.Range(0, 50).Select(i => $"f{i}")]),
            kv.Run(["HMGET", "copy", .. Enumerable.Range(0, 50).Select(i => $"f{i}")]));
        Assert.Equal(Bulk("hashtable"), kv.Run("OBJECT", "ENCODING", "copy"));
    }

    [Fact]
    public void TtlReplaceAndTheAccessOptions()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("+OK\r\n", Restore(kv, "k", HelloPayload, "1000"));
        Assert.Equal(":1\r\n", kv.Run("TTL", "k"));
        Assert.Equal("-BUSYKEY Target key name already exists.\r\n", Restore(kv, "k", HelloPayload));
        Assert.Equal("+OK\r\n", Restore(kv, "k", HelloPayload, "0", "REPLACE", "IDLETIME", "1000"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
        Assert.Equal(":1000\r\n", kv.Run("OBJECT", "IDLETIME", "k"));
        // An absolute time already past: the old key is deleted, no new one made, and the reply is still OK.
        Assert.Equal("+OK\r\n", Restore(kv, "k", HelloPayload, "1", "REPLACE", "ABSTTL"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
    }

    [Fact]
    public void RefusesWhatRedisRefuses()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal("-ERR Invalid TTL value, must be >= 0\r\n", Restore(kv, "k", HelloPayload, "-1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", Restore(kv, "k", HelloPayload, "x"));
        Assert.Equal("-ERR syntax error\r\n", Restore(kv, "k", HelloPayload, "0", "BOGUS"));
        Assert.Equal("-ERR syntax error\r\n", Restore(kv, "k", HelloPayload, "0", "IDLETIME", "1", "FREQ", "1"));
        Assert.Equal("-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n", Restore(kv, "k", HelloPayload, "0", "FREQ", "256"));

        byte[] payload = Convert.FromHexString(HelloPayload);
        payload[^1] ^= 1;
        Assert.Equal("-ERR DUMP payload version or checksum are wrong\r\n", Restore(kv, "k", payload));
        // RDB version 11 is newer than 7.0's.
        Assert.Equal("-ERR DUMP payload version or checksum are wrong\r\n", Restore(kv, "k", Resealed(Convert.FromHexString(HelloPayload), version: 11)));
        // A type NetKit does not have (a stream, type 15): intact, but refused.
        Assert.Equal("-ERR Bad data format\r\n", Restore(kv, "k", Resealed([0x0f, 0x01, 0x01, (byte)'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
        // A hash holding one field twice.
        Assert.Equal("-ERR Bad data format\r\n", Restore(kv, "k", Resealed([0x04, 0x02, 0x01, (byte)'f', 0x01, (byte)'1', 0x01, (byte)'f', 0x01, (byte)'2', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
    }

    [Fact]
    public void TheChecksumIsRedisCrc64()
    {
        // Redis's own check value for crc64 (src/crc64.c): "123456789" → 0xe9c6d914c4b8d9ca.
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64Jones.Compute("123456789"u8));
    }

    private static string Restore(RespCommandRunner kv, string key, string hexPayload, string ttl = "0", params string[] options) =>
        Restore(kv, key, Convert.FromHexString(hexPayload), ttl, options);

    private static string Restore(RespCommandRunner kv, string key, byte[] payload, string ttl = "0", params string[] options) =>
        System.Text.Encoding.UTF8.GetString(kv.RunBytes([.. new[] { "RESTORE", key, ttl }.Select(System.Text.Encoding.UTF8.GetBytes), payload,
            .. options.Select(System.Text.Encoding.UTF8.GetBytes)]));

    private static byte[] Payload(RespCommandRunner kv, string key)
    {
        byte[] reply = kv.RunBytes([.. new[] { "DUMP", key }.Select(System.Text.Encoding.UTF8.GetBytes)]);
        int header = System.Array.IndexOf(reply, (byte)'\n') + 1;
        return reply[header..^2];
    }

    /// <summary>The payload with its version and checksum rewritten, the last 10 bytes being the footer.</summary>
    private static byte[] Resealed(byte[] payload, ushort version = 10)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(payload.Length - 10), version);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(payload.Length - 8), Crc64Jones.Compute(payload.AsSpan(0, payload.Length - 8)));
        return payload;
    }
}
