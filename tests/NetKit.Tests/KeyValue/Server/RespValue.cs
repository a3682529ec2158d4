using System.Globalization;
using System.Text;

namespace NetKit.Tests.KeyValue.Server;

/// <summary>One parsed RESP2 reply, for assertions.</summary>
public sealed record RespValue(char Type, string? Text, long Integer, IReadOnlyList<RespValue>? Items)
{
    public bool IsNull => (Type == '$' || Type == '*') && Text is null && Items is null;

    public bool IsError => Type == '-';

    public RespValue this[int index] => Items![index];

    public override string ToString() => Type switch
    {
        ':' => Integer.ToString(CultureInfo.InvariantCulture),
        '*' when Items is not null => "[" + string.Join(", ", Items) + "]",
        _ => Text ?? "(nil)",
    };

    /// <summary>A flat array of alternating names and values (RESP2's map) as a dictionary.</summary>
    public Dictionary<string, RespValue> AsMap()
    {
        Assert.Equal('*', Type);
        Assert.True(Items!.Count % 2 == 0, $"odd map length {Items.Count}");
        var map = new Dictionary<string, RespValue>(StringComparer.Ordinal);
        for (int i = 0; i < Items.Count; i += 2)
        {
            map[Items[i].Text!] = Items[i + 1];
        }

        return map;
    }

    /// <summary>Parses every reply in <paramref name="bytes"/>; fails on a partial or malformed one.</summary>
    public static List<RespValue> ParseAll(byte[] bytes)
    {
        var replies = new List<RespValue>();
        int at = 0;
        while (at < bytes.Length)
        {
            replies.Add(Parse(bytes, ref at));
        }

        return replies;
    }

    private static RespValue Parse(byte[] bytes, ref int at)
    {
        char type = (char)bytes[at];
        string line = ReadLine(bytes, ref at)[1..];
        switch (type)
        {
            case '+':
            case '-':
                return new RespValue(type, line, 0, null);
            case ':':
                return new RespValue(type, null, long.Parse(line, CultureInfo.InvariantCulture), null);
            case '$':
            {
                int length = int.Parse(line, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return new RespValue(type, null, 0, null);
                }

                string text = Encoding.UTF8.GetString(bytes, at, length);
                Assert.True(bytes[at + length] == '\r' && bytes[at + length + 1] == '\n', "bulk string not followed by CRLF");
                at += length + 2;
                return new RespValue(type, text, 0, null);
            }

            case '*':
            {
                int count = int.Parse(line, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return new RespValue(type, null, 0, null);
                }

                var items = new List<RespValue>(count);
                for (int i = 0; i < count; i++)
                {
                    items.Add(Parse(bytes, ref at));
                }

                return new RespValue(type, null, 0, items);
            }

            default:
                throw new FormatException($"not a RESP2 reply type: '{type}' at {at}");
        }
    }

    private static string ReadLine(byte[] bytes, ref int at)
    {
        int end = Array.IndexOf(bytes, (byte)'\n', at);
        Assert.True(end > at && bytes[end - 1] == '\r', $"unterminated line at {at}");
        string line = Encoding.UTF8.GetString(bytes, at, end - 1 - at);
        at = end + 1;
        return line;
    }
}
