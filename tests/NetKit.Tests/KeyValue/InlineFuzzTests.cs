using System.Text;
using CsCheck;
using NetKit.KeyValue;
using NetKit.Tests.Protocols;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// Property tests of the kv core's inline (seed text protocol) path against a simple reference: random
/// lines of SET, GET, PING, QUIT, unknown words, stray spaces, tabs, <c>\r</c>s and non-ASCII bytes, too
/// long lines, a last line without its newline, cut into random chunks. The replies and the close must be
/// the reference's; and whenever the input did not close the connection, a PING after it gets PONG, as
/// Garnet's fuzz targets check that the session survived.
/// </summary>
public class InlineFuzzTests
{
    private const string Seed = "0f6VGdM2Vd41";
    private const long Iterations = 5_000;
    private const int MaxLineLength = 24;

    private static readonly string[] Words = ["SET", "set", "Get", "GET", "PING", "ping", "QUIT", "quit", "NOPE", "#x", ""];
    private static readonly byte[] Alphabet = [.. "ab \t\r"u8, 0, 0xC3, 0xFF];
    private static readonly string[] Terminators = ["\n", "\r\n", "\r\n", "\n", "\r\r\n"];

    private static Gen<Line> Lines { get; } =
        from word in Gen.OneOf(Words)
        from separator in Gen.OneOf("", " ", " ", "  ", "\t", " \t")
        from rest in Gen.OneOf(Alphabet).Array[0, 28]
        from terminator in Gen.OneOf(Terminators)
        select new Line([.. Encoding.ASCII.GetBytes(word + separator), .. rest], terminator);

    private static Gen<Case> Cases { get; } =
        from lines in Lines.Array[1, 6]
        from unterminatedLast in Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true)))
        from chunks in Gen.Int[1, 20].Array[0, 6]
        select new Case(lines, unterminatedLast, chunks);

    [Fact]
    public void InlineRequests_AreAnsweredAsTheReferenceSays_AndAPingAfterwardsGetsPong() =>
        Cases.Sample(Check, seed: Seed, iter: Iterations, threads: 1, print: c => c.ToString());

    [Fact]
    public void ALineOfExactlyTheLimitFollowedByACarriageReturn_IsALineNotTooLong()
    {
        Check(new Case([new Line(Encoding.ASCII.GetBytes("SET k " + new string('v', MaxLineLength - 6)), "\r\n")], false, [MaxLineLength, 1]));
    }

    private static void Check(Case c)
    {
        byte[] input = c.Input;
        var (expected, closesEarly) = Reference.Run(input);
        var database = new KeyValueDatabase(new KeyValueOptions { MaxLineLength = MaxLineLength });
        var protocol = new KeyValueProtocol(database);
        bool ping = !c.UnterminatedLast;
        byte[][] chunks = [.. Chunk(input, c.Chunks), .. ping ? ["PING\r\n"u8.ToArray()] : Array.Empty<byte[]>()];

        ProtocolRun run = ProtocolDriver.Run(protocol, chunks);

        string want = expected + (ping && !closesEarly ? "PONG\n" : "");
        Assert.Equal(Escape(want), Escape(Encoding.Latin1.GetString(run.Output)));
        Assert.Equal(closesEarly, run.ClosedBeforeEndOfStream);
    }

    private static IEnumerable<byte[]> Chunk(byte[] input, int[] sizes)
    {
        int offset = 0;
        foreach (int size in sizes.Append(int.MaxValue))
        {
            if (offset >= input.Length)
            {
                yield break;
            }

            int take = Math.Min(size, input.Length - offset);
            yield return input[offset..(offset + take)];
            offset += take;
        }
    }

    /// <summary>Latin-1 text (one char a byte) made printable, so a failure shows every byte.</summary>
    private static string Escape(string text) =>
        string.Concat(text.Select(c => c switch { '\r' => "\\r", '\n' => "\\n", '\t' => "\\t", >= ' ' and < '\x7F' => c.ToString(), _ => $"\\x{(int)c:X2}" }));

    public sealed record Line(byte[] Content, string Terminator);

    public sealed record Case(Line[] Lines, bool UnterminatedLast, int[] Chunks)
    {
        public byte[] Input
        {
            get
            {
                var bytes = new List<byte>();
                for (int i = 0; i < Lines.Length; i++)
                {
                    bytes.AddRange(Lines[i].Content);
                    if (i < Lines.Length - 1 || !UnterminatedLast)
                    {
                        bytes.AddRange(Encoding.ASCII.GetBytes(Lines[i].Terminator));
                    }
                }

                return [.. bytes];
            }
        }

        public override string ToString() =>
            $"\"{Escape(Encoding.Latin1.GetString(Input))}\" chunks [{string.Join(',', Chunks)}]";
    }

    /// <summary>
    /// The seed's text protocol as its description says, on whole strings: lines end at <c>\n</c> (a
    /// <c>\r</c> before it dropped, a last line without one still counts at end of stream); a line longer
    /// than the limit is refused and closes; words are separated by spaces and tabs, but SET's and GET's
    /// key ends at a space only and SET's value is the rest of the line.
    /// </summary>
    private static class Reference
    {
        /// <returns>The replies, and whether the connection closes before the end of the stream.</returns>
        public static (string Output, bool ClosesEarly) Run(byte[] input)
        {
            var store = new Dictionary<string, string>(StringComparer.Ordinal);
            var output = new StringBuilder();
            string text = Encoding.Latin1.GetString(input);
            int start = 0;
            while (start < text.Length)
            {
                int newline = text.IndexOf('\n', start);
                string line = newline < 0 ? text[start..] : text[start..newline];
                start = newline < 0 ? text.Length : newline + 1;
                if (line.EndsWith('\r'))
                {
                    line = line[..^1];
                }

                if (line.Length > MaxLineLength)
                {
                    output.Append("ERR line too long\n");
                    return (output.ToString(), true);
                }

                if (Execute(line, store, output))
                {
                    // A QUIT on a last line without its newline runs only once the stream has ended.
                    return (output.ToString(), newline >= 0);
                }
            }

            return (output.ToString(), false);
        }

        /// <returns>True on QUIT.</returns>
        private static bool Execute(string line, Dictionary<string, string> store, StringBuilder output)
        {
            string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                return false;
            }

            string name = words[0].ToUpperInvariant();
            string afterName = line.TrimStart(' ', '\t')[words[0].Length..].TrimStart(' ', '\t');
            switch (name)
            {
                case "SET":
                    int space = afterName.IndexOf(' ');
                    if (space < 0 || space + 1 == afterName.Length)
                    {
                        output.Append("ERR usage: SET <key> <value>\n");
                    }
                    else
                    {
                        store[afterName[..space]] = afterName[(space + 1)..];
                        output.Append("OK\n");
                    }

                    return false;

                case "GET":
                    int end = afterName.IndexOf(' ');
                    string key = end < 0 ? afterName : afterName[..end];
                    if (key.Length == 0 || afterName[key.Length..].Trim(' ', '\t').Length > 0)
                    {
                        output.Append("ERR usage: GET <key>\n");
                    }
                    else
                    {
                        output.Append(store.TryGetValue(key, out string? value) ? value : "(nil)").Append('\n');
                    }

                    return false;

                case "QUIT":
                    return true;

                case "PING":
                    output.Append(words.Length switch
                    {
                        1 => "PONG\n",
                        2 => words[1] + "\n",
                        _ => $"ERR wrong number of arguments for '{words[0].ToLowerInvariant()}' command\n",
                    });
                    return false;

                default:
                    output.Append("ERR unknown command\n");
                    return false;
            }
        }
    }
}
