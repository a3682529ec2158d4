namespace NetKit.Tests.KeyValue.Differential;

// The sorted-set commands of the random sequences: scores with ties, infinities and NaN-making increments,
// members that make ranges by member meaningful, every range form, pops and the operations over several keys.
public partial class RedisDifferentialTests
{
    private static readonly string[] SortedSetMembers = ["a", "b", "c", "d", "e"];
    private static readonly string[] Scores = ["1", "2", "-1.5", "0.1", "inf", "-inf", "1e17", "3", "x", "(2", "0"];
    private static readonly string[] ScoreBounds = ["-inf", "+inf", "1", "(1", "2", "(0.1", "3", "x"];
    private static readonly string[] LexBounds = ["-", "+", "[a", "(b", "[c", "(e", "x"];
    private static readonly string[] Ranks = ["0", "-1", "1", "2", "-3", "10"];

    private static string[] NextSortedSetCommand(Random random, Func<string> key)
    {
        string M() => SortedSetMembers[random.Next(SortedSetMembers.Length)];
        string S() => Scores[random.Next(Scores.Length)];
        string B() => ScoreBounds[random.Next(ScoreBounds.Length)];
        string L() => LexBounds[random.Next(LexBounds.Length)];
        string R() => Ranks[random.Next(Ranks.Length)];
        string[] flags = [.. new[] { "NX", "XX", "GT", "LT", "CH" }.Where(_ => random.Next(5) == 0)];
        return random.Next(24) switch
        {
            0 or 1 or 2 => ["ZADD", key(), S(), M()],
            3 => ["ZADD", key(), .. flags, S(), M(), S(), M()],
            4 => ["ZADD", key(), "INCR", .. flags, S(), M()],
            5 => ["ZINCRBY", key(), S(), M()],
            6 => ["ZREM", key(), M(), M()],
            7 => ["ZSCORE", key(), M()],
            8 => ["ZMSCORE", key(), M(), M()],
            9 => ["ZCARD", key()],
            10 => [random.Next(2) == 0 ? "ZRANK" : "ZREVRANK", key(), M()],
            11 => ["ZCOUNT", key(), B(), B()],
            12 => ["ZLEXCOUNT", key(), L(), L()],
            13 => ["ZRANGE", key(), R(), R(), .. random.Next(2) == 0 ? new[] { "WITHSCORES" } : [], .. random.Next(3) == 0 ? new[] { "REV" } : []],
            14 => ["ZRANGE", key(), B(), B(), "BYSCORE", .. random.Next(2) == 0 ? new[] { "REV" } : [], .. random.Next(2) == 0 ? new[] { "LIMIT", R(), R() } : []],
            15 => [random.Next(2) == 0 ? "ZRANGEBYLEX" : "ZREVRANGEBYLEX", key(), L(), L()],
            16 => [random.Next(2) == 0 ? "ZRANGEBYSCORE" : "ZREVRANGEBYSCORE", key(), B(), B(), "WITHSCORES"],
            17 => ["ZRANGESTORE", key(), key(), R(), R()],
            18 => random.Next(3) switch
            {
                0 => ["ZREMRANGEBYRANK", key(), R(), R()],
                1 => ["ZREMRANGEBYSCORE", key(), B(), B()],
                _ => ["ZREMRANGEBYLEX", key(), L(), L()],
            },
            19 => [random.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX", key(), .. random.Next(2) == 0 ? new[] { R() } : []],
            20 => ["ZMPOP", "2", key(), key(), random.Next(2) == 0 ? "MIN" : "MAX", "COUNT", "2"],
            21 => [new[] { "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE" }[random.Next(3)], key(), "2", key(), key()],
            22 => [new[] { "ZUNION", "ZINTER" }[random.Next(2)], "2", key(), key(), "WEIGHTS", S(), S(), "AGGREGATE", new[] { "SUM", "MIN", "MAX" }[random.Next(3)], "WITHSCORES"],
            _ => ["ZINTERCARD", "2", key(), key(), "LIMIT", R()],
        };
    }
}
