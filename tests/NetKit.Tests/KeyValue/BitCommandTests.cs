using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

/// <summary>SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP; every expected reply is redis-server 7.0.15's to the same commands.</summary>
public class BitCommandTests
{
    [Fact]
    public void SetBitGrowsTheStringAndReturnsTheOldBit()
    {
        using var kv = new RespCommandRunner();
        Assert.Equal(":0\r\n", kv.Run("SETBIT", "bk", "7", "1"));
        Assert.Equal(":1\r\n", kv.Run("SETBIT", "bk", "7", "0"));
        Assert.Equal(":0\r\n", kv.Run("SETBIT", "bk", "100", "1"));
        Assert.Equal(":1\r\n", kv.Run("GETBIT", "bk", "100"));
        Assert.Equal(":0\r\n", kv.Run("GETBIT", "bk", "99999"));
        Assert.Equal(":0\r\n", kv.Run("GETBIT", "nope", "1"));
        Assert.Equal(":13\r\n", kv.Run("STRLEN", "bk"));
        Assert.Equal("-ERR bit is not an integer or out of range\r\n", kv.Run("SETBIT", "bk", "7", "2"));
        Assert.Equal("-ERR bit is not an integer or out of range\r\n", kv.Run("SETBIT", "bk", "1", "01"));
        Assert.Equal("-ERR bit offset is not an integer or out of range\r\n", kv.Run("SETBIT", "bk", "-1", "1"));
        Assert.Equal("-ERR bit offset is not an integer or out of range\r\n", kv.Run("SETBIT", "bk", "4294967296", "1"));
    }

    [Theory]
    [InlineData(":21\r\n")]
    [InlineData(":3\r\n", "0", "0")]
    [InlineData(":21\r\n", "0", "-1")]
    [InlineData(":10\r\n", "-2", "-1")]
    [InlineData(":0\r\n", "-1", "-2")]
    [InlineData(":12\r\n", "5", "30", "BIT")]
    [InlineData(":0\r\n", "3", "1")]
    [InlineData("-ERR syntax error\r\n", "0")]
    [InlineData("-ERR syntax error\r\n", "0", "1", "foo")]
    [InlineData("-ERR value is not an integer or out of range\r\n", "x", "1")]
    public void BitCount(string expected, params string[] range)
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "a", "hello");
        Assert.Equal(expected, kv.Run(["BITCOUNT", "a", .. range]));
    }

    [Theory]
    [InlineData(":1\r\n", "1")]
    [InlineData(":0\r\n", "0")]
    [InlineData(":17\r\n", "1", "2")]
    [InlineData(":9\r\n", "1", "7", "20", "BIT")]
    [InlineData(":39\r\n", "1", "-1", "-1", "BIT")]
    [InlineData(":-1\r\n", "1", "3", "1")]
    [InlineData("-ERR The bit argument must be 1 or 0.\r\n", "2")]
    public void BitPos(string expected, params string[] args)
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "a", "hello");
        Assert.Equal(expected, kv.Run(["BITPOS", "a", .. args]));
    }

    [Fact]
    public void BitPosOnAllOnes()
    {
        using var kv = new RespCommandRunner();
        kv.RunBytes("SET"u8.ToArray(), "ff"u8.ToArray(), [0xff, 0xff, 0xff]);
        Assert.Equal(":24\r\n", kv.Run("BITPOS", "ff", "0"));
        Assert.Equal(":-1\r\n", kv.Run("BITPOS", "ff", "0", "0", "-1"));
        Assert.Equal(":24\r\n", kv.Run("BITPOS", "ff", "0", "0"));
        Assert.Equal(":-1\r\n", kv.Run("BITPOS", "nope", "1"));
        Assert.Equal(":0\r\n", kv.Run("BITPOS", "nope", "0"));
    }

    [Fact]
    public void BitOp()
    {
        using var kv = new RespCommandRunner();
        kv.Run("SET", "a", "hello");
        kv.Run("SET", "b", "1234");
        Assert.Equal(":5\r\n", kv.Run("BITOP", "AND", "dest", "a", "b"));
        Assert.Equal(Bulk("\u0020\u0020\u0020\u0024\u0000"), kv.Run("GET", "dest"));
        Assert.Equal(":5\r\n", kv.Run("BITOP", "XOR", "dest", "a", "b"));
        Assert.Equal(Bulk("YW_X" + "o"), kv.Run("GET", "dest"));
        Assert.Equal("-ERR BITOP NOT must be called with a single source key.\r\n", kv.Run("BITOP", "NOT", "dest", "a", "b"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("BITOP", "foo", "dest", "a"));
        Assert.Equal(":0\r\n", kv.Run("BITOP", "AND", "dest", "nope", "nope2"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "dest"));
        kv.Run("SET", "ttlk", "v", "EX", "100");
        Assert.Equal(":5\r\n", kv.Run("BITOP", "OR", "ttlk", "a"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "ttlk"));
    }
}
