using System.Globalization;
using CsCheck;
using NetKit.KeyValue;

namespace NetKit.Tests.KeyValue;

/// <summary>
/// Random ZADD, ZINCRBY and ZREM sequences against a naive model (a list kept sorted by score, then member
/// bytes): after every step the skiplist's ranks, the member at each rank and the score and member ranges
/// agree with it, and through the kv core ZRANK, ZRANGE, ZCOUNT and ZRANGEBYSCORE answer what the model says.
/// </summary>
public class SortedSetPropertyTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly string[] Members = [.. Enumerable.Range(0, 24).Select(i => $"m{i:D2}")];

    private static Gen<(int Kind, int Member, int Score)[]> Operations { get; } =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, Members.Length - 1], Gen.Int[-4, 4]).Array[1, 80];

    [Fact]
    public void RanksAndRangesAgreeWithASortedList() =>
        Operations.Sample(CheckValue, seed: Seed, iter: 300, threads: 1);

    [Fact]
    public void CommandsAgreeWithASortedList() =>
        Operations.Sample(CheckCommands, seed: Seed, iter: 60, threads: 1);

    [Fact]
    public void ManyLevelsKeepTheirSpans()
    {
        // Thousands of members, so the skiplist grows several levels: every rank checked now and then.
        var random = new Random(7);
        var set = new SortedSetValue();
        var model = new SortedSet<(double Score, string Member)>(Comparer<(double Score, string Member)>.Create(
            (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(a.Member, b.Member)));
        var scores = new Dictionary<string, double>();
        for (int step = 1; step <= 20_000; step++)
        {
            string member = $"m{random.Next(3_000)}";
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(member);
            if (scores.Remove(member, out double old))
            {
                model.Remove((old, member));
            }

            if (random.Next(4) == 0)
            {
                set.Remove(bytes, out _);
            }
            else
            {
                double score = random.Next(100);
                set.Set(bytes, score, out _);
                scores[member] = score;
                model.Add((score, member));
            }

            if (step % 2_000 == 0)
            {
                Assert.Equal(model.Count, set.Count);
                int rank = 0;
                foreach (var (score, name) in model)
                {
                    var node = set.AtRank(rank)!;
                    Assert.Equal(name, System.Text.Encoding.ASCII.GetString(node.Member));
                    Assert.Equal(score, node.Score);
                    Assert.Equal(rank, set.RankOf(node));
                    rank++;
                }
            }
        }
    }

    private static int Compare((string Member, double Score) a, (string Member, double Score) b) =>
        a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(a.Member, b.Member);

    private static void Apply(List<(string Member, double Score)> model, int kind, string member, double score)
    {
        int at = model.FindIndex(e => e.Member == member);
        double current = at >= 0 ? model[at].Score : 0;
        if (at >= 0)
        {
            model.RemoveAt(at);
        }

        if (kind == 2)
        {
            return;
        }

        model.Add((member, kind == 1 ? current + score : score));
        model.Sort(Compare);
    }

    private static void CheckValue((int Kind, int Member, int Score)[] operations)
    {
        var set = new SortedSetValue();
        var model = new List<(string Member, double Score)>();
        foreach (var (kind, index, score) in operations)
        {
            string member = Members[index];
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(member);
            if (kind == 2)
            {
                set.Remove(bytes, out _);
            }
            else
            {
                double value = kind == 1 && set.TryGetScore(bytes, out double current) ? current + score : score;
                set.Set(bytes, value, out _);
            }

            Apply(model, kind, member, score);
            Assert.Equal(model.Count, set.Count);
            for (int rank = 0; rank < model.Count; rank++)
            {
                var node = set.AtRank(rank)!;
                Assert.Equal(model[rank].Member, System.Text.Encoding.ASCII.GetString(node.Member));
                Assert.Equal(model[rank].Score, node.Score);
                Assert.Equal(rank, set.RankOf(node.Member, reverse: false));
                Assert.Equal(model.Count - 1 - rank, set.RankOf(node.Member, reverse: true));
            }

            Assert.Null(set.AtRank(model.Count));
            var range = new ScoreRange(score - 1, kind == 0, score + 1, kind == 3);
            var inRange = model.Where(e => range.AboveMin(e.Score) && range.BelowMax(e.Score)).ToList();
            Assert.Equal(inRange.FirstOrDefault().Member, set.FirstIn(range) is { } first ? System.Text.Encoding.ASCII.GetString(first.Member) : null);
            Assert.Equal(inRange.LastOrDefault().Member, set.LastIn(range) is { } last ? System.Text.Encoding.ASCII.GetString(last.Member) : null);
        }
    }

    private static void CheckCommands((int Kind, int Member, int Score)[] operations)
    {
        using var kv = new RespCommandRunner();
        var model = new List<(string Member, double Score)>();
        foreach (var (kind, index, score) in operations)
        {
            string member = Members[index];
            string text = score.ToString(CultureInfo.InvariantCulture);
            switch (kind)
            {
                case 0:
                case 3:
                    kv.Run("ZADD", "z", text, member);
                    break;
                case 1:
                    kv.Run("ZINCRBY", "z", text, member);
                    break;
                default:
                    kv.Run("ZREM", "z", member);
                    break;
            }

            Apply(model, kind == 3 ? 0 : kind, member, score);
            int rank = model.FindIndex(e => e.Member == member);
            Assert.Equal(rank < 0 ? "$-1\r\n" : $":{rank}\r\n", kv.Run("ZRANK", "z", member));
            Assert.Equal(RespCommandRunner.Array([.. model.SelectMany(e => new[] { e.Member, e.Score.ToString(CultureInfo.InvariantCulture) })]),
                kv.Run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
            string min = $"({score - 2}", max = $"{score + 1}";
            var inRange = model.Where(e => e.Score > score - 2 && e.Score <= score + 1).Select(e => e.Member).ToArray();
            Assert.Equal($":{inRange.Length}\r\n", kv.Run("ZCOUNT", "z", min, max));
            Assert.Equal(RespCommandRunner.Array(inRange), kv.Run("ZRANGEBYSCORE", "z", min, max));
            Assert.Equal(RespCommandRunner.Array([.. inRange.Reverse().Skip(1).Take(2)]), kv.Run("ZREVRANGEBYSCORE", "z", max, min, "LIMIT", "1", "2"));
        }
    }
}
