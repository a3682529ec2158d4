using System.Text;
using NetKit.KeyValue;
using static NetKit.Tests.KeyValue.RespCommandRunner;

namespace NetKit.Tests.KeyValue;

public class StringCommandTests
{
    private const string Ok = "+OK\r\n";
    private const string Nil = "$-1\r\n";
    private const string NotInteger = "-ERR value is not an integer or out of range\r\n";

    private readonly ManualClock _clock = new();

    private RespCommandRunner NewRunner() => new(_clock);

    [Fact]
    public void SetNxSetsOnlyMissingKeys()
    {
        using var kv = NewRunner();
        Assert.Equal(":1\r\n", kv.Run("SETNX", "k", "v1"));
        Assert.Equal(":0\r\n", kv.Run("SETNX", "k", "v2"));
        Assert.Equal(Bulk("v1"), kv.Run("GET", "k"));
        Assert.Equal("-ERR wrong number of arguments for 'setnx' command\r\n", kv.Run("SETNX", "k"));
    }

    [Fact]
    public void SetNxTreatsAnExpiredKeyAsMissing()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "old", "PX", "100");
        _clock.AdvanceMs(100);
        Assert.Equal(":1\r\n", kv.Run("SETNX", "k", "new"));
        Assert.Equal(":-1\r\n", kv.Run("PTTL", "k"));
    }

    [Fact]
    public void SetExAndPSetExSetValueAndTtl()
    {
        using var kv = NewRunner();
        Assert.Equal(Ok, kv.Run("SETEX", "k", "10", "v"));
        Assert.Equal(Bulk("v"), kv.Run("GET", "k"));
        Assert.Equal(":10000\r\n", kv.Run("PTTL", "k"));
        Assert.Equal(Ok, kv.Run("PSETEX", "p", "1500", "w"));
        Assert.Equal(":1500\r\n", kv.Run("PTTL", "p"));
        _clock.AdvanceMs(1500);
        Assert.Equal(Nil, kv.Run("GET", "p"));
    }

    [Theory]
    [InlineData("SETEX", "0", "-ERR invalid expire time in 'setex' command\r\n")]
    [InlineData("SETEX", "-5", "-ERR invalid expire time in 'setex' command\r\n")]
    [InlineData("SETEX", "9223372036854775807", "-ERR invalid expire time in 'setex' command\r\n")]
    [InlineData("PSETEX", "0", "-ERR invalid expire time in 'psetex' command\r\n")]
    [InlineData("SETEX", "ten", NotInteger)]
    public void SetExRejectsBadTimes(string command, string time, string error)
    {
        using var kv = NewRunner();
        Assert.Equal(error, kv.Run(command, "k", time, "v"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
    }

    [Fact]
    public void SetExReplacesAnExistingTtl()
    {
        using var kv = NewRunner();
        kv.Run("SETEX", "k", "100", "a");
        kv.Run("SETEX", "k", "5", "b");
        Assert.Equal(":5\r\n", kv.Run("TTL", "k"));
    }

    [Fact]
    public void GetDelReturnsAndDeletes()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "v");
        Assert.Equal(Bulk("v"), kv.Run("GETDEL", "k"));
        Assert.Equal(Nil, kv.Run("GETDEL", "k"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
    }

    [Fact]
    public void GetExSetsAndRemovesExpiry()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "v");
        Assert.Equal(Bulk("v"), kv.Run("GETEX", "k"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
        Assert.Equal(Bulk("v"), kv.Run("GETEX", "k", "EX", "100"));
        Assert.Equal(":100\r\n", kv.Run("TTL", "k"));
        Assert.Equal(Bulk("v"), kv.Run("getex", "k", "px", "2500"));
        Assert.Equal(":2500\r\n", kv.Run("PTTL", "k"));
        Assert.Equal(Bulk("v"), kv.Run("GETEX", "k", "EXAT", ((_clock.NowMs / 1000) + 50).ToString()));
        Assert.Equal(":50\r\n", kv.Run("TTL", "k"));
        Assert.Equal(Bulk("v"), kv.Run("GETEX", "k", "PXAT", (_clock.NowMs + 700).ToString()));
        Assert.Equal(":700\r\n", kv.Run("PTTL", "k"));
        Assert.Equal(Bulk("v"), kv.Run("GETEX", "k", "PERSIST"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
        Assert.Equal(Nil, kv.Run("GETEX", "missing", "EX", "10"));
    }

    [Fact]
    public void GetExWithAPastAbsoluteTimeReturnsTheValueThenDeletes()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "v");
        Assert.Equal(Bulk("v"), kv.Run("GETEX", "k", "PXAT", (_clock.NowMs - 1).ToString()));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
    }

    [Theory]
    [InlineData(new[] { "EX" }, "-ERR syntax error\r\n")]
    [InlineData(new[] { "EX", "10", "PERSIST" }, "-ERR syntax error\r\n")]
    [InlineData(new[] { "PERSIST", "EX", "10" }, "-ERR syntax error\r\n")]
    [InlineData(new[] { "EX", "10", "PX", "10" }, "-ERR syntax error\r\n")]
    [InlineData(new[] { "NX" }, "-ERR syntax error\r\n")]
    public void GetExRejectsBadOptionsEvenForMissingKeys(string[] options, string error)
    {
        using var kv = NewRunner();
        Assert.Equal(error, kv.Run(["GETEX", "missing", .. options]));
    }

    [Theory]
    [InlineData(new[] { "EX", "0" }, "-ERR invalid expire time in 'getex' command\r\n")]
    [InlineData(new[] { "PXAT", "-1" }, "-ERR invalid expire time in 'getex' command\r\n")]
    [InlineData(new[] { "EX", "x" }, NotInteger)]
    [InlineData(new[] { "EX", "5", "EX", "x" }, NotInteger)]
    public void GetExChecksTheAmountOnlyForAnExistingKey(string[] options, string error)
    {
        // Redis 7.0 looks the key up first: a missing key is nil, whatever the amount.
        using var kv = NewRunner();
        Assert.Equal(Nil, kv.Run(["GETEX", "missing", .. options]));
        kv.Run("SET", "k", "v");
        Assert.Equal(error, kv.Run(["GETEX", "k", .. options]));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "k"));
    }

    [Fact]
    public void RepeatedOptionsAsRedis()
    {
        using var kv = NewRunner();
        Assert.Equal("+OK\r\n", kv.Run("SET", "k", "v", "EX", "1", "EX", "200"));
        Assert.Equal(":200\r\n", kv.Run("TTL", "k"));
        Assert.Equal("+OK\r\n", kv.Run("SET", "k", "v", "EX", "-1", "EX", "5"));
        Assert.Equal(":5\r\n", kv.Run("TTL", "k"));
        Assert.Equal("+OK\r\n", kv.Run("SET", "k", "v", "EX", "abc", "ex", "6"));
        Assert.Equal(":6\r\n", kv.Run("TTL", "k"));
        Assert.Equal(NotInteger, kv.Run("SET", "k", "v", "EX", "5", "EX", "abc"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SET", "k", "v", "EX", "5", "PX", "100"));
        Assert.Equal("-ERR syntax error\r\n", kv.Run("SET", "k", "v", "KEEPTTL", "EX", "5"));
        Assert.Equal("+OK\r\n", kv.Run("SET", "k", "v", "KEEPTTL", "KEEPTTL"));
        Assert.Equal(Bulk("v"), kv.Run("SET", "k", "w", "GET", "GET"));
        Assert.Equal(Nil, kv.Run("SET", "k", "x", "NX", "NX"));
        Assert.Equal(Bulk("w"), kv.Run("GETEX", "k", "EX", "5", "EX", "7"));
        Assert.Equal(":7\r\n", kv.Run("TTL", "k"));
        Assert.Equal(Bulk("w"), kv.Run("GETEX", "k", "PERSIST", "PERSIST"));
    }

    [Fact]
    public void MGetReturnsValuesAndNils()
    {
        using var kv = NewRunner();
        kv.Run("SET", "a", "1");
        kv.Run("SET", "c", "3");
        Assert.Equal(Array("1", null, "3", "1"), kv.Run("MGET", "a", "b", "c", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'mget' command\r\n", kv.Run("MGET"));
    }

    [Fact]
    public void MSetSetsAllAndClearsTtls()
    {
        using var kv = NewRunner();
        kv.Run("SETEX", "a", "100", "old");
        Assert.Equal(Ok, kv.Run("MSET", "a", "1", "b", "2"));
        Assert.Equal(Array("1", "2"), kv.Run("MGET", "a", "b"));
        Assert.Equal(":-1\r\n", kv.Run("TTL", "a"));
    }

    [Fact]
    public void MSetWithAnOddArgumentCountIsWrongArity()
    {
        using var kv = NewRunner();
        Assert.Equal("-ERR wrong number of arguments for 'mset' command\r\n", kv.Run("MSET", "a", "1", "b"));
        Assert.Equal("-ERR wrong number of arguments for 'mset' command\r\n", kv.Run("MSET", "a"));
        Assert.Equal("-ERR wrong number of arguments for 'msetnx' command\r\n", kv.Run("MSETNX", "a", "1", "b"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "a"));
    }

    [Fact]
    public void MSetNxIsAllOrNothing()
    {
        using var kv = NewRunner();
        Assert.Equal(":1\r\n", kv.Run("MSETNX", "a", "1", "b", "2"));
        Assert.Equal(":0\r\n", kv.Run("MSETNX", "c", "3", "b", "x"));
        Assert.Equal(Array("1", "2", null), kv.Run("MGET", "a", "b", "c"));
    }

    [Fact]
    public void AppendCreatesExtendsAndKeepsTtl()
    {
        using var kv = NewRunner();
        Assert.Equal(":5\r\n", kv.Run("APPEND", "k", "hello"));
        Assert.Equal(":11\r\n", kv.Run("APPEND", "k", " world"));
        Assert.Equal(Bulk("hello world"), kv.Run("GET", "k"));
        kv.Run("PEXPIRE", "k", "5000");
        Assert.Equal(":12\r\n", kv.Run("APPEND", "k", "!"));
        Assert.Equal(":5000\r\n", kv.Run("PTTL", "k"));
        Assert.Equal(":12\r\n", kv.Run("APPEND", "k", ""));
    }

    [Fact]
    public void AppendIsBinarySafe()
    {
        using var kv = NewRunner();
        kv.RunBytes("SET"u8.ToArray(), "k"u8.ToArray(), [0, 1, 2]);
        Assert.Equal(":5\r\n"u8.ToArray(), kv.RunBytes("APPEND"u8.ToArray(), "k"u8.ToArray(), [13, 10]));
        Assert.Equal("$5\r\n\0\u0001\u0002\r\n\r\n"u8.ToArray(), kv.RunBytes("GET"u8.ToArray(), "k"u8.ToArray()));
    }

    [Fact]
    public void AppendBeyondTheBulkLimitIsRefused()
    {
        var database = new KeyValueDatabase(new KeyValueOptions { MaxBulkLength = 8 }, new KeyValueStore(_clock));
        using var kv = new RespCommandRunner(database);
        kv.Run("SET", "k", "12345");
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", kv.Run("APPEND", "k", "6789"));
        Assert.Equal(":8\r\n", kv.Run("APPEND", "k", "678"));
    }

    [Fact]
    public void StrLen()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "héllo");
        Assert.Equal(":6\r\n", kv.Run("STRLEN", "k"));
        Assert.Equal(":0\r\n", kv.Run("STRLEN", "missing"));
    }

    [Theory]
    [InlineData("0", "3", "This")]
    [InlineData("-3", "-1", "ing")]
    [InlineData("0", "-1", "This is a string")]
    [InlineData("10", "100", "string")]
    [InlineData("-100", "3", "This")]
    [InlineData("5", "3", "")]
    [InlineData("-1", "-5", "")]
    [InlineData("100", "200", "")]
    [InlineData("-100", "-50", "T")] // Redis 7 clamps both to 0 and returns the first byte
    [InlineData("0", "0", "T")]
    public void GetRangeHandlesNegativeAndOutOfRangeIndexes(string start, string end, string expected)
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "This is a string");
        Assert.Equal(Bulk(expected), kv.Run("GETRANGE", "k", start, end));
    }

    [Fact]
    public void GetRangeOfAMissingKeyIsEmptyAndChecksIntegers()
    {
        using var kv = NewRunner();
        Assert.Equal("$0\r\n\r\n", kv.Run("GETRANGE", "missing", "0", "-1"));
        Assert.Equal(NotInteger, kv.Run("GETRANGE", "missing", "a", "1"));
        Assert.Equal(NotInteger, kv.Run("GETRANGE", "missing", "0", "1.5"));
    }

    [Fact]
    public void SetRangeOverwritesAndZeroPads()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "Hello World");
        Assert.Equal(":11\r\n", kv.Run("SETRANGE", "k", "6", "Redis"));
        Assert.Equal(Bulk("Hello Redis"), kv.Run("GET", "k"));
        Assert.Equal(":13\r\n", kv.Run("SETRANGE", "k", "11", "!!"));
        Assert.Equal(Bulk("Hello Redis!!"), kv.Run("GET", "k"));
        Assert.Equal(":8\r\n", kv.Run("SETRANGE", "new", "5", "abc"));
        Assert.Equal("$8\r\n\0\0\0\0\0abc\r\n", kv.Run("GET", "new"));
    }

    [Fact]
    public void SetRangeWithAnEmptyValueNeitherCreatesNorChanges()
    {
        using var kv = NewRunner();
        Assert.Equal(":0\r\n", kv.Run("SETRANGE", "missing", "10", ""));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "missing"));
        kv.Run("SET", "k", "abc");
        Assert.Equal(":3\r\n", kv.Run("SETRANGE", "k", "100", ""));
        Assert.Equal(Bulk("abc"), kv.Run("GET", "k"));
    }

    [Fact]
    public void SetRangeKeepsTtlOnExistingKeys()
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", "abc", "PX", "9000");
        kv.Run("SETRANGE", "k", "1", "X");
        Assert.Equal(":9000\r\n", kv.Run("PTTL", "k"));
        Assert.Equal(Bulk("aXc"), kv.Run("GET", "k"));
    }

    [Fact]
    public void SetRangeRejectsBadOffsets()
    {
        using var kv = NewRunner();
        Assert.Equal("-ERR offset is out of range\r\n", kv.Run("SETRANGE", "k", "-1", "x"));
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", kv.Run("SETRANGE", "k", "536870912", "x"));
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", kv.Run("SETRANGE", "k", "9223372036854775807", "x"));
        Assert.Equal(NotInteger, kv.Run("SETRANGE", "k", "one", "x"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "k"));
    }

    [Fact]
    public void IncrDecrFamily()
    {
        using var kv = NewRunner();
        Assert.Equal(":1\r\n", kv.Run("INCR", "n"));
        Assert.Equal(":2\r\n", kv.Run("INCR", "n"));
        Assert.Equal(":12\r\n", kv.Run("INCRBY", "n", "10"));
        Assert.Equal(":7\r\n", kv.Run("DECRBY", "n", "5"));
        Assert.Equal(":6\r\n", kv.Run("DECR", "n"));
        Assert.Equal(":-4\r\n", kv.Run("INCRBY", "n", "-10"));
        Assert.Equal(Bulk("-4"), kv.Run("GET", "n"));
        Assert.Equal(":-1\r\n", kv.Run("DECR", "other"));
    }

    [Fact]
    public void IncrKeepsTheTtl()
    {
        using var kv = NewRunner();
        kv.Run("SET", "n", "5", "EX", "100");
        Assert.Equal(":6\r\n", kv.Run("INCR", "n"));
        Assert.Equal(":100\r\n", kv.Run("TTL", "n"));
        Assert.Equal(Bulk("6.5"), kv.Run("INCRBYFLOAT", "n", "0.5"));
        Assert.Equal(":100\r\n", kv.Run("TTL", "n"));
    }

    [Fact]
    public void IncrOnAnExpiredKeyStartsFromZeroWithoutTtl()
    {
        using var kv = NewRunner();
        kv.Run("SET", "n", "41", "PX", "10");
        _clock.AdvanceMs(10);
        Assert.Equal(":1\r\n", kv.Run("INCR", "n"));
        Assert.Equal(":-1\r\n", kv.Run("PTTL", "n"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("")]
    [InlineData("9223372036854775808")]
    public void IncrRejectsValuesThatAreNotIntegers(string value)
    {
        using var kv = NewRunner();
        kv.Run("SET", "n", value);
        Assert.Equal(NotInteger, kv.Run("INCR", "n"));
        Assert.Equal(Bulk(value), kv.Run("GET", "n"));
    }

    [Fact]
    public void IncrByRejectsBadIncrementsAndOverflow()
    {
        using var kv = NewRunner();
        Assert.Equal(NotInteger, kv.Run("INCRBY", "n", "x"));
        Assert.Equal(NotInteger, kv.Run("DECRBY", "n", "1e3"));
        kv.Run("SET", "n", "9223372036854775806");
        Assert.Equal(":9223372036854775807\r\n", kv.Run("INCR", "n"));
        Assert.Equal("-ERR increment or decrement would overflow\r\n", kv.Run("INCR", "n"));
        kv.Run("SET", "n", "-9223372036854775808");
        Assert.Equal("-ERR increment or decrement would overflow\r\n", kv.Run("DECR", "n"));
        Assert.Equal("-ERR increment or decrement would overflow\r\n", kv.Run("INCRBY", "n", "-1"));
        Assert.Equal(Bulk("-9223372036854775808"), kv.Run("GET", "n"));
        Assert.Equal("-ERR decrement would overflow\r\n", kv.Run("DECRBY", "m", "-9223372036854775808"));
        Assert.Equal(":-9223372036854775807\r\n", kv.Run("DECRBY", "m", "9223372036854775807"));
    }

    [Fact]
    public void IncrByFloat()
    {
        using var kv = NewRunner();
        kv.Run("SET", "f", "10.50");
        Assert.Equal(Bulk("10.6"), kv.Run("INCRBYFLOAT", "f", "0.1"));
        Assert.Equal(Bulk("5.6"), kv.Run("INCRBYFLOAT", "f", "-5"));
        kv.Run("SET", "f", "5.0e3");
        Assert.Equal(Bulk("5200"), kv.Run("INCRBYFLOAT", "f", "2.0e2"));
        Assert.Equal(Bulk("5200"), kv.Run("GET", "f"));
        Assert.Equal(Bulk("3000"), kv.Run("INCRBYFLOAT", "g", "3.0e3"));
        Assert.Equal(Bulk("0.3"), kv.Run("INCRBYFLOAT", "h", "0.3"));
    }

    /// <summary>Each expected reply is redis-server 7.0.15's to SET k START, INCRBYFLOAT k INCREMENT: sums in an
    /// 80-bit long double, printed with %.17Lf, so large values show their binary rounding.</summary>
    [Theory]
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("1.1", "2.2", "3.3")]
    [InlineData("1234567.1", "0.1", "1234567.20000000000004547")]
    [InlineData("10.5", "0.1", "10.6")]
    [InlineData("5.0e3", "2.0e2", "5200")]
    [InlineData("0", "0.0000000000000000123", "0.00000000000000001")]
    [InlineData("123456789.123456789", "1", "123456790.12345678899873747")]
    [InlineData("9223372036854775807", "1", "9223372036854775808")]
    [InlineData("-9223372036854775808", "-0.5", "-9223372036854775808")]
    [InlineData("0x1.8p1", "0X10", "19")]
    [InlineData("3.14159265358979323846264338327950288", "0", "3.14159265358979324")]
    [InlineData("-3.3", "3.3", "0")]
    [InlineData("12345678901234567890.123", "0.001", "12345678901234567890")]
    [InlineData("1e-20", "1", "1")]
    [InlineData(".5e1", "-.5", "4.5")]
    [InlineData("99999999999999999999.5", "0", "100000000000000000000")]
    [InlineData("0.30000000000000004", "0", "0.30000000000000004")]
    [InlineData("-0.000000000000000001", "0", "0")]
    public void IncrByFloatAddsAsRedisLongDouble(string start, string increment, string expected)
    {
        using var kv = NewRunner();
        kv.Run("SET", "k", start);
        Assert.Equal(Bulk(expected), kv.Run("INCRBYFLOAT", "k", increment));
        Assert.Equal(Bulk(expected), kv.Run("GET", "k"));
        kv.Run("HSET", "h", "f", start);
        Assert.Equal(Bulk(expected), kv.Run("HINCRBYFLOAT", "h", "f", increment));
    }

    [Fact]
    public void IncrByFloatBeyondDoubleRange()
    {
        // A long double reaches 1.19e4932: past double's range there is no overflow, and the digits are the
        // binary value's (redis-server 7.0.15's replies).
        using var kv = NewRunner();
        kv.Run("SET", "f", "1.7976931348623157e308");
        string sum = kv.Run("INCRBYFLOAT", "f", "1e308");
        Assert.StartsWith("$309\r\n2797693134862315700023522404413500787892999291796199340039876956176933709188303646840149442210420509873411557103", sum, StringComparison.Ordinal);
        string big = kv.Run("INCRBYFLOAT", "g", "1e4932");
        Assert.StartsWith("$4933\r\n1000000000000000000006018949387963891323837774254533114773785041352533019486608722407533327779433142773666525563", big, StringComparison.Ordinal);
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", kv.Run("INCRBYFLOAT", "g", "1.1e4932"));
        // Denormals are values; an underflow to zero is refused as strtold's ERANGE is.
        Assert.Equal(Bulk("0"), kv.Run("INCRBYFLOAT", "u", "4.9e-4951"));
        Assert.Equal("-ERR value is not a valid float\r\n", kv.Run("INCRBYFLOAT", "u", "1e-4960"));
        Assert.Equal("-ERR value is not a valid float\r\n", kv.Run("INCRBYFLOAT", "u", "1e4933"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("nan")]
    [InlineData("")]
    [InlineData("1e")]
    [InlineData("++5")]
    [InlineData("0x")]
    [InlineData("0xg")]
    public void IncrByFloatRejectsBadFloats(string bad)
    {
        using var kv = NewRunner();
        Assert.Equal("-ERR value is not a valid float\r\n", kv.Run("INCRBYFLOAT", "f", bad));
        kv.Run("SET", "g", bad);
        Assert.Equal("-ERR value is not a valid float\r\n", kv.Run("INCRBYFLOAT", "g", "1"));
    }

    [Fact]
    public void IncrByFloatRefusesInfinity()
    {
        using var kv = NewRunner();
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", kv.Run("INCRBYFLOAT", "f", "inf"));
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", kv.Run("INCRBYFLOAT", "f", "-Infinity"));
        Assert.Equal(":0\r\n", kv.Run("EXISTS", "missing"));
    }

    [Fact]
    public void InlineCommandsReplyInText()
    {
        using var kv = NewRunner();
        Assert.Equal("1\n", kv.RunInline("INCR x"));
        Assert.Equal("11\n", kv.RunInline("incrby x 10"));
        Assert.Equal("OK\n", kv.RunInline("MSET a 1 b 2"));
        Assert.Equal("1\n2\n(nil)\n", kv.RunInline("MGET a b c"));
        Assert.Equal("ERR value is not an integer or out of range\n", kv.RunInline("INCRBY x y"));
        Assert.Equal("2.5\n", kv.RunInline("INCRBYFLOAT f 2.5"));
        Assert.Equal("(nil)\n", kv.RunInline("GETDEL nothing"));
    }

    [Fact]
    public void ReadsCountKeyspaceHitsAndMisses()
    {
        using var kv = NewRunner();
        kv.Run("SET", "a", "1");
        kv.Run("MGET", "a", "b", "a");
        kv.Run("STRLEN", "missing");
        kv.Run("INCR", "a"); // a write: not a keyspace lookup
        Assert.Equal(2, kv.Database.KeyspaceHits);
        Assert.Equal(2, kv.Database.KeyspaceMisses);
    }

    [Fact]
    public void FlagsAndKeyPositionsAreAsRedis()
    {
        var table = CommandTable.Default;
        Assert.True(table.TryGet("mset", out CommandSpec mset));
        Assert.Equal((1, -1, 2), (mset.FirstKey, mset.LastKey, mset.KeyStep));
        Assert.Equal(CommandFlags.Write | CommandFlags.DenyOom, mset.Flags);
        Assert.True(table.TryGet("mget", out CommandSpec mget));
        Assert.Equal(CommandFlags.ReadOnly | CommandFlags.Fast, mget.Flags);
        Assert.True(table.TryGet("getex", out CommandSpec getex));
        Assert.Equal(0, (int)(getex.Flags & CommandFlags.DenyOom));
        foreach (string grows in new[] { "setnx", "setex", "psetex", "msetnx", "append", "setrange", "incr", "decr", "incrby", "decrby", "incrbyfloat" })
        {
            Assert.True(table.TryGet(grows, out CommandSpec spec), grows);
            Assert.True(spec.Flags.HasFlag(CommandFlags.Write | CommandFlags.DenyOom), grows);
        }
    }

    [Fact]
    public void GrowingWritesAreRefusedOverMaxMemory()
    {
        var database = new KeyValueDatabase(new KeyValueOptions { MaxMemory = 1 }, new KeyValueStore(_clock));
        using var kv = new RespCommandRunner(database);
        kv.Store.Set("k"u8, "v"u8);
        Assert.StartsWith("-OOM", kv.Run("APPEND", "k", "x"));
        Assert.StartsWith("-OOM", kv.Run("INCR", "n"));
        Assert.Equal(Bulk("v"), kv.Run("GETDEL", "k"));
    }
}
