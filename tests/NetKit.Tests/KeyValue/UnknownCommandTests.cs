using System.Text;

namespace NetKit.Tests.KeyValue;

/// <summary>The unknown-command error as redis-server 7.0.15 writes it (each case compared with it byte for byte).</summary>
public class UnknownCommandTests
{
    private static byte[] Run(params byte[][] args)
    {
        using var kv = new RespCommandRunner();
        return kv.RunBytes(args);
    }

    [Fact]
    public void BytesThatAreNotUtf8ComeBackAsSent()
    {
        byte[] reply = Run([0x66, 0x6f, 0x6f, 0xff, 0xfe], [0x61, 0xc3]);
        byte[] expected = [.. "-ERR unknown command 'foo"u8, 0xff, 0xfe, .. "', with args beginning with: 'a"u8, 0xc3, .. "' \r\n"u8];
        Assert.Equal(expected, reply);
    }

    [Fact]
    public void TheNameIsCutAt128BytesAndTheArgumentsFill128()
    {
        string name = new('x', 200);
        Assert.Equal($"-ERR unknown command '{new string('x', 128)}', with args beginning with: '{new string('y', 128)}' \r\n",
            Encoding.ASCII.GetString(Run(Encoding.ASCII.GetBytes(name), Encoding.ASCII.GetBytes(new string('y', 200)))));

        // Each argument gets what is left of 128 bytes once the ones before it (quotes and spaces counted) are in.
        Assert.Equal($"-ERR unknown command 'nope', with args beginning with: '{new string('a', 100)}' '{new string('b', 25)}' \r\n",
            Encoding.ASCII.GetString(Run("nope"u8.ToArray(), Encoding.ASCII.GetBytes(new string('a', 100)), Encoding.ASCII.GetBytes(new string('b', 100)), "c"u8.ToArray())));
        // Past 128 bytes (quotes included) no further argument is listed.
        Assert.Equal($"-ERR unknown command 'nope', with args beginning with: '{new string('a', 126)}' \r\n",
            Encoding.ASCII.GetString(Run("nope"u8.ToArray(), Encoding.ASCII.GetBytes(new string('a', 126)), "b"u8.ToArray())));
    }

    [Fact]
    public void ArgumentsStopAtANulAndLineBreaksBecomeSpaces()
    {
        Assert.Equal("-ERR unknown command 'nope', with args beginning with: 'a  b' 'c' \r\n",
            Encoding.ASCII.GetString(Run("nope"u8.ToArray(), "a\r\nb"u8.ToArray(), "c\0d"u8.ToArray())));
    }
}
