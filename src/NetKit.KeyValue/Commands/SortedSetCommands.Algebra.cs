namespace NetKit.KeyValue;

// Operations over several sets: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, with WEIGHTS and AGGREGATE.
internal static partial class SortedSetCommands
{
    private enum SetOperation
    {
        Union,
        Inter,
        Diff,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    private static void RegisterAlgebra(CommandTable table)
    {
        table.Add(new CommandSpec("zunionstore", -4, Grow, ZUnionStore, "sorted-set", "Stores the union of multiple sorted sets in a key.", 1, 1, 1));
        table.Add(new CommandSpec("zinterstore", -4, Grow, ZInterStore, "sorted-set", "Stores the intersect of multiple sorted sets in a key.", 1, 1, 1));
        table.Add(new CommandSpec("zdiffstore", -4, Grow, ZDiffStore, "sorted-set", "Stores the difference of multiple sorted sets in a key.", 1, 1, 1));
        table.Add(new CommandSpec("zunion", -3, Read, ZUnion, "sorted-set", "Returns the union of multiple sorted sets."));
        table.Add(new CommandSpec("zinter", -3, Read, ZInter, "sorted-set", "Returns the intersect of multiple sorted sets."));
        table.Add(new CommandSpec("zdiff", -3, Read, ZDiff, "sorted-set", "Returns the difference between multiple sorted sets."));
        table.Add(new CommandSpec("zintercard", -3, Read, ZInterCard, "sorted-set", "Returns the number of members of the intersect of multiple sorted sets."));
    }

    private static void ZUnionStore(ref CommandContext context) => Combine(ref context, 2, SetOperation.Union, store: true, cardinality: false);

    private static void ZInterStore(ref CommandContext context) => Combine(ref context, 2, SetOperation.Inter, store: true, cardinality: false);

    private static void ZDiffStore(ref CommandContext context) => Combine(ref context, 2, SetOperation.Diff, store: true, cardinality: false);

    private static void ZUnion(ref CommandContext context) => Combine(ref context, 1, SetOperation.Union, store: false, cardinality: false);

    private static void ZInter(ref CommandContext context) => Combine(ref context, 1, SetOperation.Inter, store: false, cardinality: false);

    private static void ZDiff(ref CommandContext context) => Combine(ref context, 1, SetOperation.Diff, store: false, cardinality: false);

    private static void ZInterCard(ref CommandContext context) => Combine(ref context, 1, SetOperation.Inter, store: false, cardinality: true);

    /// <summary>Redis's zunionInterDiffGenericCommand: numkeys at <paramref name="numKeysIndex"/>, the keys, then the
    /// options. Key types are checked before the options, as there.</summary>
    private static void Combine(ref CommandContext context, int numKeysIndex, SetOperation operation, bool store, bool cardinality)
    {
        if (!context.TryInteger(numKeysIndex, out long keyCount))
        {
            return;
        }

        if (keyCount < 1)
        {
            context.Reply.Error($"ERR at least 1 input key is needed for '{context.ArgString(0).ToLowerInvariant()}' command");
            return;
        }

        if (keyCount > context.Count - (numKeysIndex + 1))
        {
            context.SyntaxError();
            return;
        }

        var db = context.Store;
        lock (db.WriteLock)
        {
            var inputs = new SortedSetAlgebraInput[keyCount];
            int j = numKeysIndex + 1;
            for (int i = 0; i < keyCount; i++, j++)
            {
                if (!SortedSetAlgebraInput.TryFrom(db.TryGetValue(context[j], out object value) ? value : null, out inputs[i]))
                {
                    throw new WrongTypeException();
                }
            }

            var aggregate = Aggregate.Sum;
            bool withScores = false;
            long limit = 0;
            while (j < context.Count)
            {
                int remaining = context.Count - j;
                if (operation != SetOperation.Diff && !cardinality && remaining >= keyCount + 1 && context.Is(j, "WEIGHTS"u8))
                {
                    j++;
                    for (int i = 0; i < keyCount; i++, j++)
                    {
                        if (!ScoreText.TryParse(context[j], out double weight))
                        {
                            context.Reply.Error("ERR weight value is not a float"u8);
                            return;
                        }

                        inputs[i] = inputs[i] with { Weight = weight };
                    }
                }
                else if (operation != SetOperation.Diff && !cardinality && remaining >= 2 && context.Is(j, "AGGREGATE"u8))
                {
                    if (context.Is(j + 1, "SUM"u8))
                    {
                        aggregate = Aggregate.Sum;
                    }
                    else if (context.Is(j + 1, "MIN"u8))
                    {
                        aggregate = Aggregate.Min;
                    }
                    else if (context.Is(j + 1, "MAX"u8))
                    {
                        aggregate = Aggregate.Max;
                    }
                    else
                    {
                        context.SyntaxError();
                        return;
                    }

                    j += 2;
                }
                else if (!store && !cardinality && context.Is(j, "WITHSCORES"u8))
                {
                    withScores = true;
                    j++;
                }
                else if (cardinality && remaining >= 2 && context.Is(j, "LIMIT"u8))
                {
                    if (!CommandContext.TryParseInteger(context[j + 1], out limit) || limit < 0)
                    {
                        context.Reply.Error("ERR LIMIT can't be negative"u8);
                        return;
                    }

                    j += 2;
                }
                else
                {
                    context.SyntaxError();
                    return;
                }
            }

            if (cardinality)
            {
                context.Reply.Integer(InterCount(inputs, limit));
                return;
            }

            var result = db.NewSortedSet(operation switch
            {
                SetOperation.Union => Union(inputs, aggregate),
                SetOperation.Inter => Inter(inputs, aggregate),
                _ => Diff(inputs),
            });
            if (store)
            {
                db.StoreSortedSetLocked(context[1], result, operation switch
                {
                    SetOperation.Union => "zunionstore"u8,
                    SetOperation.Inter => "zinterstore"u8,
                    _ => "zdiffstore"u8,
                });
                context.Reply.Integer(result.Count);
                return;
            }

            bool pairs = withScores && context.Reply.IsResp3;
            context.Reply.ArrayHeader(result.Count * (withScores && !pairs ? 2 : 1));
            foreach (var (member, score) in result.Ascending)
            {
                WriteMember(context.Reply, member, score, withScores, pairs);
            }
        }
    }

    private static double Combine(double total, double value, Aggregate aggregate) => aggregate switch
    {
        // inf + -inf is NaN: Redis makes it 0.
        Aggregate.Sum => double.IsNaN(total + value) ? 0 : total + value,
        Aggregate.Min => Math.Min(total, value),
        _ => Math.Max(total, value),
    };

    private static IEnumerable<(byte[] Member, double Score)> Union(SortedSetAlgebraInput[] inputs, Aggregate aggregate)
    {
        var totals = new Dictionary<byte[], double>(ByteArrayKeyComparer.Instance);
        foreach (var input in inputs)
        {
            foreach (var (member, score) in input.Members)
            {
                totals[member] = totals.TryGetValue(member, out double total) ? Combine(total, score, aggregate) : score;
            }
        }

        return totals.Select(pair => (pair.Key, pair.Value));
    }

    private static List<(byte[] Member, double Score)> Inter(SortedSetAlgebraInput[] inputs, Aggregate aggregate)
    {
        var found = new List<(byte[], double)>();
        var order = inputs.OrderBy(input => input.Count).ToArray();
        if (order[0].Count == 0)
        {
            return found;
        }

        foreach (var (member, first) in order[0].Members)
        {
            double score = first;
            bool everywhere = true;
            for (int i = 1; i < order.Length && everywhere; i++)
            {
                everywhere = order[i].TryGetScore(member, out double other);
                score = Combine(score, other, aggregate);
            }

            if (everywhere)
            {
                found.Add((member, score));
            }
        }

        return found;
    }

    private static List<(byte[] Member, double Score)> Diff(SortedSetAlgebraInput[] inputs)
    {
        var found = new List<(byte[], double)>();
        foreach (var (member, score) in inputs[0].Members)
        {
            bool elsewhere = false;
            for (int i = 1; i < inputs.Length && !elsewhere; i++)
            {
                elsewhere = inputs[i].TryGetScore(member, out _);
            }

            if (!elsewhere)
            {
                found.Add((member, score));
            }
        }

        return found;
    }

    private static long InterCount(SortedSetAlgebraInput[] inputs, long limit)
    {
        var order = inputs.OrderBy(input => input.Count).ToArray();
        long count = 0;
        foreach (var (member, _) in order[0].Members)
        {
            bool everywhere = true;
            for (int i = 1; i < order.Length && everywhere; i++)
            {
                everywhere = order[i].TryGetScore(member, out _);
            }

            if (everywhere && ++count == limit)
            {
                break;
            }
        }

        return count;
    }
}
