using System.Diagnostics;
using System.Text;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue;

public class GlobPatternTests
{
    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("*", "", false)] // as stringmatchlen; KEYS and SCAN special-case a bare "*"
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hallo", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "hllo", true)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h*llo", "hello world", false)]
    [InlineData("h[ae]llo", "hello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[a-b]llo", "hcllo", false)]
    [InlineData("h[b-a]llo", "hallo", true)] // reversed range
    [InlineData("[a-z0-9]", "7", true)]
    [InlineData("[a-z0-9]", "-", false)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("[\\-]", "-", true)]
    [InlineData("[a\\-z]", "b", false)]
    [InlineData("[abc", "c", true)] // unterminated class ends with the pattern
    [InlineData("[abc", "d", false)]
    [InlineData("[", "[", false)]
    [InlineData("[^", "x", true)]
    [InlineData("[]", "]", false)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("\\?", "?", true)]
    [InlineData("\\[a]", "[a]", true)]
    [InlineData("a\\", "a\\", true)] // a trailing backslash is literal
    [InlineData("\\\\", "\\", true)]
    [InlineData("*.txt", "notes.txt", true)]
    [InlineData("*.txt", "notes.txt.bak", false)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXcYb", false)]
    [InlineData("a**b", "ab", true)]
    [InlineData("a*", "a", true)]
    [InlineData("*a", "a", true)]
    [InlineData("?", "", false)]
    [InlineData("?*", "x", true)]
    [InlineData("user:*:name", "user:42:name", true)]
    [InlineData("user:*:name", "user:42:email", false)]
    [InlineData("*[0-9]", "key7", true)]
    [InlineData("*[0-9]", "key", false)]
    [InlineData("Key", "key", false)] // case-sensitive
    public void MatchesAsRedis(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, GlobPattern.IsMatch(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void MatchesRawBytes()
    {
        Assert.True(GlobPattern.IsMatch([0x00, (byte)'*', 0xFF], [0x00, 1, 2, 0xFF]));
        Assert.True(GlobPattern.IsMatch("[\x01-\x7f]"u8, [0x41]));
        Assert.False(GlobPattern.IsMatch("?"u8, [0xC3, 0xA9])); // one byte, not one character
    }

    [Fact]
    public void PathologicalPatternsFinishFast()
    {
        byte[] text = Encoding.ASCII.GetBytes(new string('a', 20_000));
        var watch = Stopwatch.StartNew();
        Assert.False(GlobPattern.IsMatch("a*a*a*a*a*a*a*b"u8, text));
        Assert.False(GlobPattern.IsMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"u8, text));
        Assert.True(GlobPattern.IsMatch("a*a*a*a*a*a*a*a"u8, text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }
}
